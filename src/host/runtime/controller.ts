/**
 * Which runtime is running, and the commands the host sends it. A load starts a new worker and
 * swaps it in only once it is ready, so a failed load leaves the running runtime as it was; a
 * reload is a load of the same path (the module is imported afresh in a fresh thread, so its
 * module-level state starts over and changed files are picked up).
 */
import { basename, resolve } from 'node:path'
import type { ReplayScript } from '../../shared/effects'
import type { Action, CompareMode, RuntimeInfo, RuntimeMemory, RuntimePause } from '../../shared/protocol'
import type { ReplayIssue } from '../../shared/replay'
import type { HandedOver } from './effects/handover'
import { NO_BREAKS } from '../../shared/watches'
import type { PauseSpec } from '../watches/registry'
import { checkModuleFile, LoadError } from '../loader/load'
import { DispatchLedger, type OwnEntries } from './dispatches'
import type { Fault, MemorySample, RuntimeBatch } from './messages'
import { defaultMaxHeapMb } from './memory'
import { CommandNotSent, CommandTimeout, outOfHeap, RuntimeWorker } from './runtime-worker'

export { CommandNotSent }

/** The default of `maxRuntimeMb`: megabytes a runtime may hold outside its JS heap. */
export const MAX_RUNTIME_MB = 1024

export interface RuntimeControllerOptions {
  /**
   * Each batch of entries from the running runtime, in order. Read it through `dispatches.reader`
   * when it is recorded, so that each dispatch answers its own entries.
   */
  onEntries(batch: RuntimeBatch): void
  /**
   * A runtime has loaded and now runs; called synchronously, before any of its entries, with its
   * initial slices as JSON.
   */
  onLoaded(slices: string, info: RuntimeInfo): void
  /** The running runtime failed outside a command, or stopped by itself. */
  onFault(fault: Fault | { t: 'exit'; message: string }): void
  /** What the runtime prints. @default writes to stderr */
  log?: (text: string) => void
  /** How long a module may take to load, factory included. @default 10_000 */
  loadTimeoutMs?: number
  /** How long a runtime gets to dispose itself before its thread is ended. @default 2_000 */
  disposeTimeoutMs?: number
  /** Unanswered for this long, the runtime is reported as not responding. @default 3_000 */
  responseTimeoutMs?: number
  /** How every runtime's state is compared, whatever it declares (`--full-compare`). @default the runtime's declaration, else 'verify' */
  compare?: CompareMode
  /**
   * Megabytes a runtime may hold outside its JS heap (Buffers, ArrayBuffers) before it is stopped
   * (`--max-runtime-mb`). @default MAX_RUNTIME_MB
   */
  maxRuntimeMb?: number
  /**
   * Megabytes of JS heap a runtime's thread is given (`--max-heap-mb`); one that runs out of it is
   * ended by Node, and the runtime is stopped. @default defaultMaxHeapMb()
   */
  maxHeapMb?: number
  /** Anything `info` shows changed (a load, a failure, responsiveness, memory, a pause). */
  onChange?: () => void
  /** The seq of the last entry recorded: where a runtime that pauses stopped. @default () => 0 */
  lastSeq?: () => number
}

/** A load that resumes (issue 14): the module replays `script`, then goes live (see `WorkerData.resume`). */
export interface ResumeLoad {
  script: ReplayScript
  /** How long the replay and the load may take together. */
  timeoutMs: number
  /** Segments of the script replayed, of all. */
  onProgress?: (done: number, total: number) => void
  /** What the replay could not do as recorded, and the runtime's faults while it replayed. */
  onIssue?: (issue: ReplayIssue) => void
}

/** Why a dispatch or a state read could not be done. */
export class RuntimeUnavailable extends Error {
  override name = 'RuntimeUnavailable'
}

/** The runtime's dispatch threw or rejected; `message` is its error. */
export class DispatchFailed extends Error {
  override name = 'DispatchFailed'
}

/** What a dispatch did: whether it settled in time, and its own entries (so far, if not). */
export interface DispatchOutcome extends OwnEntries {
  settled: boolean
}

export class RuntimeController {
  /** The seqs of each dispatch's entries, as the host records them. */
  readonly dispatches = new DispatchLedger()
  #active: RuntimeWorker | undefined
  #info: RuntimeInfo = { path: null, name: null, status: 'none' }
  /** The running runtime's memory, as last sampled. */
  #memory: RuntimeMemory | undefined
  #queue: Promise<unknown> = Promise.resolve()
  #watchdog: NodeJS.Timeout
  #options: Required<Omit<RuntimeControllerOptions, 'compare'>> & Pick<RuntimeControllerOptions, 'compare'>
  /** What runtimes pause on (given to each new thread, and sent to the running one). */
  #pauses: PauseSpec = { watches: [], breaks: NO_BREAKS }
  /** Where the running runtime is paused. */
  #paused: RuntimePause | undefined
  /** Counts pauses: a command or ping unanswered across a pause says nothing of the runtime's health. */
  #pauseCount = 0

  constructor(options: RuntimeControllerOptions) {
    this.#options = {
      log: (text) => process.stderr.write(text),
      loadTimeoutMs: 10_000,
      disposeTimeoutMs: 2_000,
      responseTimeoutMs: 3_000,
      maxRuntimeMb: MAX_RUNTIME_MB,
      maxHeapMb: defaultMaxHeapMb(),
      onChange: () => undefined,
      lastSeq: () => 0,
      ...options
    }
    this.#watchdog = setInterval(() => void this.#ping(), this.#options.responseTimeoutMs)
    this.#watchdog.unref()
  }

  /** What is running, as `GET /runtime` shows it. */
  get info(): RuntimeInfo {
    const info: RuntimeInfo =
      this.#active !== undefined && this.#memory !== undefined ? { ...this.#info, memory: { ...this.#memory } } : { ...this.#info }
    if (this.#paused !== undefined) info.paused = { seq: this.#paused.seq, by: { ...this.#paused.by } }
    return info
  }

  /** Where the running runtime is paused, if it is. */
  get paused(): RuntimePause | undefined {
    return this.#paused
  }

  /** Pauses runtimes on these from now on: the running one, and each one loaded later from its first change. */
  setPauses(spec: PauseSpec): void {
    this.#pauses = spec
    // A paused thread reads it once it goes on; a thread that has ended needs it no more.
    this.#active?.send({ t: 'pauses', spec }, this.#options.responseTimeoutMs).catch(() => undefined)
  }

  /**
   * Lets a paused runtime go on; `step`: until its next recorded entry, then it pauses again.
   * Actions sent while it was paused run then, in the order sent.
   * @throws {RuntimeUnavailable} when no runtime is paused
   */
  resume(step: boolean): void {
    const active = this.#active
    if (active === undefined || this.#paused === undefined || !active.resume(step)) {
      throw new RuntimeUnavailable(active === undefined ? this.#unavailable() : 'the runtime is not paused')
    }
    this.#paused = undefined
    this.#options.onChange()
  }

  /**
   * Pauses the running runtime after its next recorded entry, or at once if it is idle.
   * @throws {RuntimeUnavailable} when no runtime runs
   */
  pause(): void {
    const active = this.#active
    if (active === undefined) throw new RuntimeUnavailable(this.#unavailable())
    if (this.#paused !== undefined || !active.requestPause()) return
    active.send({ t: 'pause' }, this.#options.responseTimeoutMs).catch(() => undefined)
  }

  /** True while a runtime is loaded and running. */
  get running(): boolean {
    return this.#active !== undefined
  }

  /**
   * Loads (or reloads) a module; on failure the running runtime, if any, keeps running. With
   * `resume`, the new runtime first replays a script and becomes the running one only once it has
   * gone live (`resumed` says what it handed over to real timers and requests).
   */
  load(path: string, resume?: ResumeLoad): Promise<{ ok: true; resumed?: HandedOver } | { ok: false; error: string }> {
    return this.#serial(() => this.#load(resolve(path), resume))
  }

  /** Stops the running runtime and shows `info` instead (an imported session, or nothing). */
  stop(info: RuntimeInfo = { path: null, name: null, status: 'none' }): Promise<void> {
    return this.#serial(async () => {
      const active = this.#active
      this.#active = undefined
      this.#info = info
      this.#paused = undefined
      // Entries still on their way from it (held while a session imports) are dropped.
      this.dispatches.release()
      this.#options.onChange()
      await active?.stop(this.#options.disposeTimeoutMs)
    })
  }

  /**
   * Dispatches an action and waits for it (an async dispatch at most `timeoutMs`), and for its
   * entries to be recorded.
   * @returns whether the dispatch settled in time, and its own entries (see `Attribution`)
   * @throws {RuntimeUnavailable} when no runtime runs
   * @throws {CommandNotSent} when the action cannot be copied into the runtime's thread
   * @throws {DispatchFailed} when the dispatch threw or rejected
   */
  async dispatch(action: Action, timeoutMs: number): Promise<DispatchOutcome> {
    const n = this.dispatches.open()
    const worker = this.#active
    let reply
    try {
      reply = await this.#send({ t: 'dispatch', action, n }, timeoutMs, true)
      // Stopped by what this dispatch did (past its memory limit): the answer says so, whether or
      // not the reply got out of the thread before it ended.
      const { status, error } = this.#info
      if (this.#active !== worker && status === 'failed' && error !== undefined) throw new RuntimeUnavailable(error)
    } catch (e) {
      this.dispatches.close(n)
      throw e
    }
    if (reply === undefined) return { settled: false, ...(await this.dispatches.result(n)) }
    if (!reply.ok) {
      this.dispatches.close(n)
      throw new DispatchFailed(reply.error)
    }
    return { settled: true, ...(await this.dispatches.result(n, reply.entries, timeoutMs)) }
  }

  /**
   * Compares the running runtime's state this way from now on (`full` or `verify`).
   * @throws {RuntimeUnavailable} when no runtime runs
   * @throws {DispatchFailed} when the runtime's recorder refuses the mode
   */
  async setCompare(mode: CompareMode, timeoutMs: number): Promise<void> {
    if (this.#paused !== undefined) throw new RuntimeUnavailable('the runtime is paused: continue it first')
    const reply = await this.#send({ t: 'compare', mode }, timeoutMs, false)
    if (reply === undefined || !reply.ok) {
      throw new DispatchFailed(reply !== undefined && !reply.ok ? reply.error : 'the runtime did not answer')
    }
    const active = this.#active
    if (active !== undefined && this.#info.status === 'loaded') this.#info.compare = mode
    this.#options.onChange()
  }

  /** The runtime's current state (`getState()`), encoded, as JSON. */
  async state(timeoutMs: number): Promise<string> {
    const reply = await this.#send({ t: 'state' }, timeoutMs, false)
    if (reply === undefined || !reply.ok || reply.json === undefined) {
      throw new RuntimeUnavailable(`reading the runtime's state failed: ${reply !== undefined && !reply.ok ? reply.error : 'no answer'}`)
    }
    return reply.json
  }

  /** Stops the runtime and the watchdog. */
  async close(): Promise<void> {
    clearInterval(this.#watchdog)
    await this.stop()
  }

  async #send(cmd: Parameters<RuntimeWorker['send']>[0], timeoutMs: number, timeoutIsAnswer: boolean) {
    const active = this.#active
    if (active === undefined) throw new RuntimeUnavailable(this.#unavailable())
    const pauses = this.#pauseCount
    try {
      const reply = await active.send(cmd, timeoutMs)
      // An answer is as good a sign of life as the watchdog's ping, and comes sooner.
      this.#setResponsive(active, true)
      return reply
    } catch (e) {
      if (e instanceof CommandNotSent) throw e
      if (e instanceof CommandTimeout) {
        if (timeoutIsAnswer) return undefined
        if (!this.#pausedSince(pauses)) this.#setResponsive(active, false)
      }
      // Stopped while the command ran (past its memory limit, say): why, rather than how.
      const why = this.#active !== active && this.#info.status === 'failed' ? this.#info.error : undefined
      throw new RuntimeUnavailable(why ?? (e instanceof Error ? e.message : String(e)))
    }
  }

  /** Why no command can be sent. */
  #unavailable(): string {
    const { status, error } = this.#info
    return status === 'session'
      ? 'no runtime is running: an imported session is being viewed'
      : status === 'failed' && error !== undefined
        ? `no runtime is running: ${error}`
        : 'no runtime is loaded'
  }

  /** Whether the runtime is paused now or was at some time since the count was `count`. */
  #pausedSince(count: number): boolean {
    return this.#paused !== undefined || this.#pauseCount !== count
  }

  #serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task)
    this.#queue = run.catch(() => undefined)
    return run
  }

  async #load(path: string, resume?: ResumeLoad): Promise<{ ok: true; resumed?: HandedOver } | { ok: false; error: string }> {
    try {
      await checkModuleFile(path)
    } catch (e) {
      return this.#failed(path, e instanceof LoadError ? e.message : String(e))
    }
    return new Promise((settle) => {
      let done = false
      const finish = (result: { ok: true; resumed?: HandedOver } | { ok: false; error: string }): void => {
        if (done) return
        done = true
        clearTimeout(timer)
        settle(result)
      }
      const fail = (error: string): void => {
        if (done) return
        void worker.worker.terminate()
        finish(this.#failed(path, error))
      }
      const worker: RuntimeWorker = new RuntimeWorker(
        path,
        this.#options.compare,
        (m) => {
          if (m.t === 'ready' && !done) {
            this.#activate(worker, m.slices, m.compare, m.memory)
            finish({ ok: true, ...(m.resumed !== undefined ? { resumed: m.resumed } : {}) })
          } else if (m.t === 'failed') fail(m.error)
          else if (m.t === 'replay-progress') resume?.onProgress?.(m.done, m.total)
          else if (m.t === 'replay-issue') resume?.onIssue?.(m.issue)
          else if (m.t === 'reply' && !done) {
            // A resume's own dispatches (ids -input): one the runtime refused is an issue of the resume.
            if (!m.ok && m.id < 0)
              resume?.onIssue?.({ kind: 'rejected', input: -m.id, message: `the runtime rejected input ${-m.id}: ${m.error}` })
          } else if (m.t === 'fault' && !done && resume !== undefined) {
            resume.onIssue?.({ kind: 'rejected', input: 0, message: `the runtime failed while it replayed (${m.kind}): ${m.message}` })
          } else if (this.#active !== worker) return
          else if (m.t === 'entries') this.#options.onEntries(m)
          else if (m.t === 'memory') this.#sampled(worker, m.memory)
          else if (m.t === 'paused') {
            // Everything recorded before the pause came first: the last entry is where it stopped.
            this.#paused = { seq: this.#options.lastSeq(), by: m.by }
            this.#pauseCount++
            this.#options.onChange()
          } else if (m.t === 'fault') this.#options.onFault(m)
        },
        (code, error) => {
          const heap = outOfHeap(error)
          if (!done && heap)
            return fail(
              resume !== undefined
                ? `Cannot resume ${path}: it ran out of JS heap while replaying the inputs before the entry (${this.#heapLimit()})`
                : `Cannot load ${path}: it ran out of JS heap while loading (${this.#heapLimit()})`
            )
          if (!done)
            return fail(
              `Cannot load ${path}: the module ended its thread while loading (exit code ${code}${error ? `: ${error.message}` : ''})`
            )
          if (this.#active !== worker) return
          // The heap it was given, as it measured it (the flag, unless Node's own overrides it).
          const measured = this.#memory?.heapLimit
          this.#active = undefined
          this.#paused = undefined
          this.dispatches.release()
          if (heap) {
            const message = `the runtime was stopped: it ran out of JS heap (${this.#heapLimit(measured)}); the host and its history go on. Reload it to start it afresh.`
            this.#info = { path: worker.path, name: basename(worker.path), status: 'failed', error: message }
            this.#options.onFault({ t: 'fault', kind: 'memory-limit', message })
            this.#options.onChange()
            return
          }
          const message = `the runtime stopped: ${error ? error.message : `its thread exited with code ${code}`}`
          this.#info = { ...this.#info, status: 'failed', error: message }
          this.#options.onChange()
          this.#options.onFault({ t: 'exit', message })
        },
        (text) => this.#options.log(text),
        this.#options.maxHeapMb,
        this.#pauses,
        resume?.script
      )
      const limit = resume?.timeoutMs ?? this.#options.loadTimeoutMs
      const timer = setTimeout(
        () =>
          fail(
            resume !== undefined
              ? `Cannot resume ${path}: loading it and replaying the inputs before the entry did not finish within ${limit / 1000} s (a runtime that never settles, or a loop)`
              : `Cannot load ${path}: it did not finish loading within ${limit / 1000} s (a factory that never resolves, or a loop at load time)`
          ),
        limit
      )
    })
  }

  #activate(worker: RuntimeWorker, slices: string, compare: CompareMode, memory: MemorySample): void {
    const previous = this.#active
    this.#active = worker
    this.#info = { path: worker.path, name: basename(worker.path), status: 'loaded', responsive: true, compare }
    this.#memory = undefined
    this.#paused = undefined
    this.dispatches.release()
    this.#options.onLoaded(slices, this.info)
    if (previous !== undefined) void previous.stop(this.#options.disposeTimeoutMs)
    this.#sampled(worker, memory)
    this.#options.onChange()
  }

  /** The runtime's memory as its thread sampled it; past the limit outside the heap, the runtime is stopped (never the host). */
  #sampled(worker: RuntimeWorker, sample: MemorySample): void {
    if (this.#active !== worker) return
    const limit = this.#options.maxRuntimeMb * 1024 * 1024
    this.#memory = { ...sample, externalLimit: limit }
    if (sample.external <= limit) return this.#options.onChange()
    this.#active = undefined
    this.#paused = undefined
    this.dispatches.release()
    const message =
      `the runtime was stopped: it held ${megabytes(sample.external)} outside its JS heap (Buffers, ArrayBuffers), ` +
      `past the limit of ${megabytes(limit)} (--max-runtime-mb); the host and its history go on. Reload it to start it afresh.`
    this.#info = { path: worker.path, name: basename(worker.path), status: 'failed', error: message }
    this.#options.onFault({ t: 'fault', kind: 'memory-limit', message })
    this.#options.onChange()
    // Ended at once, not asked to dispose: it may be allocating still.
    void worker.worker.terminate()
  }

  /**
   * The JS heap limit, in words, for a runtime that ran out of it: `measured` (bytes, as its thread
   * saw it) differs from `--max-heap-mb` only when Node was given `--max-old-space-size`, which
   * overrides a thread's own limit.
   */
  #heapLimit(measured?: number): string {
    const mb = this.#options.maxHeapMb
    if (measured !== undefined && Math.abs(measured - mb * 1024 * 1024) >= 1024 * 1024) {
      return `its limit is ${wholeMegabytes(measured / (1024 * 1024))}, set by the --max-old-space-size Node was started with, which overrides --max-heap-mb`
    }
    return `its limit is ${wholeMegabytes(mb)}, --max-heap-mb`
  }

  #failed(path: string, error: string): { ok: false; error: string } {
    if (this.#active === undefined) {
      this.#info = { path, name: basename(path), status: 'failed', error }
      this.#options.onChange()
    }
    return { ok: false, error }
  }

  #setResponsive(worker: RuntimeWorker, responsive: boolean): void {
    if (this.#active !== worker || this.#info.status !== 'loaded' || this.#info.responsive === responsive) return
    this.#info.responsive = responsive
    this.#options.onChange()
  }

  async #ping(): Promise<void> {
    const active = this.#active
    // A paused runtime is waiting by design: it is never reported as not responding.
    if (active === undefined || this.#paused !== undefined) return
    const pauses = this.#pauseCount
    try {
      await active.send({ t: 'ping' }, this.#options.responseTimeoutMs)
      this.#setResponsive(active, true)
    } catch {
      if (!this.#pausedSince(pauses)) this.#setResponsive(active, false)
    }
  }
}

/** `2,048 MB` */
function wholeMegabytes(mb: number): string {
  return `${Math.round(mb).toLocaleString('en-US')} MB`
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`
}
