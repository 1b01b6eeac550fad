/**
 * The host without its server: the running runtime, the history it records, and the operations
 * the HTTP API and the desktop shell call (load, dispatch, import). Electron-free; the same in the
 * desktop app, the headless CLI and the tests.
 */
import { resolve } from 'node:path'
import type { Action, CompareMode, HistoryEvent, Json, RuntimeInfo, Slices } from '../shared/protocol'
import { noteData, type RuntimeErrorNote } from '../shared/notes'
import { Attachment, shownUrl, type AttachmentOptions, type AttachSink, type AttachTarget } from './attach'
import { readBatch, type EntryBatch } from './recorder/entry'
import { diffValues, historyEvents, ReplayJobs, replaySession, resumePlan } from './replay'
import type { ReplayIssue, ReplayValueDiff, ResumeOutcome } from '../shared/replay'
import { InPlaceFindings } from './recorder/findings'
import { DEFAULT_HISTORY_LIMITS, History, type HistoryLimits } from './recorder/history'
import { type ImportedSession } from './recorder/session-file'
import { readAnySession } from './import/read'
import { readWhole } from '../shared/read-whole'
import type { Fault } from './runtime/messages'
import { RuntimeController, type DispatchOutcome } from './runtime/controller'
import { createWatchRegistry, type WatchRegistry } from './watches'
import { redactSlices, type RedactionPolicy } from '../shared/redaction'
import { bodyOf, CaptureRedactor } from './redaction/capture'
import { loadRedaction, Redaction, saveRedaction } from './redaction/settings'

export interface HostOptions {
  /** A runtime module to load first; its initial state becomes the history's base. */
  runtime?: string
  /** Where relative runtime paths are resolved from. @default process.cwd() */
  cwd?: string
  limits?: Partial<HistoryLimits>
  /** @default 10_000 */
  loadTimeoutMs?: number
  /** Unanswered for this long, a runtime is reported as not responding. @default 3_000 */
  responseTimeoutMs?: number
  /** What runtimes print, and what the host reports. @default writes to stderr */
  log?: (text: string) => void
  /** Compare every runtime's state this way, whatever it declares (`--full-compare` gives `full`). */
  compare?: CompareMode
  /** An import whose file sends nothing for this long is cut (`ReadStalledError`; `POST /history` answers 408). @default 10_000 */
  importIdleMs?: number
  /** The largest session file an import reads (`ReadTooLargeError`; 413). @default twice the history's `maxBytes`, at least 1 GiB */
  importMaxBytes?: number
  /** Megabytes a runtime may hold outside its JS heap before it is stopped (`--max-runtime-mb`). @default 1024 */
  maxRuntimeMb?: number
  /** Megabytes of JS heap a runtime (and a replay's runtime) is given (`--max-heap-mb`). @default defaultMaxHeapMb() */
  maxHeapMb?: number
  /**
   * The redaction policy (exports use it unless asked not to), and whether entries are redacted as
   * they are recorded. @default the default policy, not at capture
   */
  redaction?: { policy?: RedactionPolicy; capture?: boolean }
  /**
   * Where the redaction settings are kept (`redaction.json` in the sessions folder): read at start
   * unless `redaction` is given, written at each change. @default none (they last as long as the host)
   */
  redactionFile?: string
}

/** What `Host.resume` resumes: a history's events, and the state recorded at each entry. */
export interface ResumeSource {
  events: readonly HistoryEvent[]
  stateAt: (seq: number) => Slices
  /** The session file's version, when the events come from one. @default 2 */
  version?: number
  /** The session's name, when not the host's own history. */
  session?: string
}

export interface ResumeOptions {
  seq: number
  /** An absolute module path. */
  module: string
  /** The session to resume; by default the host's own history. */
  source?: ResumeSource
  onProgress?: (done: number, total: number) => void
  /** How long loading and replaying may take. @default 60_000 */
  timeoutMs?: number
}

/** A resume that could not be done: the module failed, or the replay did not finish. The running runtime is untouched. */
export class ResumeFailed extends Error {
  override name = 'ResumeFailed'
}

/** The cause of the entries that redact the state when redaction at capture starts naming more. */
export const REDACTION_CAUSE = '(redaction at capture)'

export class Host {
  readonly history: History
  readonly runtime: RuntimeController
  /** The watches, their hits, and what the runtime pauses on. */
  readonly watches: WatchRegistry
  /** The redaction policy, and whether (and with what) entries are redacted as they are recorded. */
  readonly redaction: Redaction
  /** Replays of a session against a module, one at a time (`POST /replay`, Reload's offer); the history is never touched. */
  readonly replays: ReplayJobs
  readonly #cwd: string
  readonly #limits: Partial<HistoryLimits> | undefined
  readonly #log: (text: string) => void
  readonly #importRead: { idleMs: number; maxBytes: number }
  #asBase = false
  /** A resume's note, written right after the `state.initial` its runtime starts the branch with. */
  #branch: ((slices: Slices) => void) | undefined
  #held: EntryBatch[] | undefined
  #queue: Promise<unknown> = Promise.resolve()
  /** What the running runtime's recorder found changed in place (a new runtime starts afresh). */
  #findings = new InPlaceFindings()
  /** Redacts entries as they are recorded, with `redaction.applied`; undefined when that is off. */
  #capture: CaptureRedactor | undefined
  /** The last write of the redaction settings (writes follow one another). */
  #redactionSaved: Promise<void> = Promise.resolve()
  #runtimeListeners = new Set<(info: RuntimeInfo) => void>()
  /** `runtimeInfo` as its listeners were last told it, as JSON. */
  #toldRuntime = ''
  /** The remote stream recorded instead of a runtime, if one is attached. */
  #attachment: Attachment | undefined

  private constructor(options: HostOptions) {
    this.#cwd = options.cwd ?? process.cwd()
    this.#limits = options.limits
    this.#log = options.log ?? ((text) => process.stderr.write(text))
    this.#importRead = {
      idleMs: options.importIdleMs ?? 10_000,
      // A file read whole is held in memory until it is checked: bounded, but never below what this host exports.
      maxBytes: options.importMaxBytes ?? Math.max(1024 ** 3, 2 * (options.limits?.maxBytes ?? DEFAULT_HISTORY_LIMITS.maxBytes))
    }
    this.history = new History(options.limits ? { limits: options.limits } : {})
    this.redaction = new Redaction(options.redaction)
    this.#capture = this.redaction.applied === undefined ? undefined : new CaptureRedactor(this.redaction.applied)
    this.redaction.subscribe((grown) => this.#redactionChanged(grown))
    this.runtime = new RuntimeController({
      onEntries: (batch) => (this.#held ? this.#held.push(batch) : this.#record(batch)),
      onLoaded: (slices) => this.#loaded(slices),
      onFault: (fault) => this.#fault(fault),
      onChange: () => this.#runtimeChanged(),
      lastSeq: () => this.history.lastSeq,
      log: this.#log,
      ...(options.compare !== undefined ? { compare: options.compare } : {}),
      ...(options.maxRuntimeMb !== undefined ? { maxRuntimeMb: options.maxRuntimeMb } : {}),
      ...(options.maxHeapMb !== undefined ? { maxHeapMb: options.maxHeapMb } : {}),
      ...(options.loadTimeoutMs !== undefined ? { loadTimeoutMs: options.loadTimeoutMs } : {}),
      ...(options.responseTimeoutMs !== undefined ? { responseTimeoutMs: options.responseTimeoutMs } : {})
    })
    const { maxHeapMb } = options
    this.replays = new ReplayJobs((o) => replaySession(maxHeapMb !== undefined ? { ...o, maxHeapMb } : o))
    this.watches = createWatchRegistry({ history: this.history, onPauses: (spec) => this.runtime.setPauses(spec), log: this.#log })
  }

  /**
   * Creates a host, loading `options.runtime` first if given.
   * @returns the host, and the load error if that module failed (the host then runs without it)
   */
  static async create(options: HostOptions = {}): Promise<{ host: Host; error?: string }> {
    const file = options.redactionFile
    let redaction = options.redaction
    if (file !== undefined && redaction === undefined) {
      try {
        redaction = await loadRedaction(file)
      } catch (e) {
        ;(options.log ?? ((text: string) => process.stderr.write(text)))(`patchscope: ${(e as Error).message}\n`)
      }
    }
    const host = new Host({ ...options, ...(redaction !== undefined ? { redaction } : {}) })
    if (file !== undefined) host.redaction.subscribe(() => host.#saveRedaction(file))
    if (options.runtime === undefined) return { host }
    host.#asBase = true
    try {
      const result = await host.loadRuntime(options.runtime)
      return result.ok ? { host } : { host, error: result.error }
    } finally {
      host.#asBase = false
    }
  }

  /** A path as the user meant it: relative to where they work. */
  resolvePath(path: string): string {
    return resolve(this.#cwd, path)
  }

  /** Loads or reloads a runtime (ending an attachment); the history goes on with a reset `state.initial`. */
  loadRuntime(path: string): Promise<{ ok: true } | { ok: false; error: string }> {
    return this.#serial(async () => {
      // Loading a module ends the attachment, whether or not the module loads.
      await this.#endAttachment()
      return this.runtime.load(this.resolvePath(path))
    })
  }

  /** Reloads the runtime that was last loaded (or failed to). */
  reloadRuntime(): Promise<{ ok: true } | { ok: false; error: string }> {
    const { path, status } = this.runtime.info
    if (path === null || status === 'session')
      return Promise.resolve({ ok: false, error: 'no runtime module has been loaded, so there is nothing to reload' })
    if (status === 'attached')
      return Promise.resolve({ ok: false, error: 'a remote stream is attached, not a module: attach it again to reconnect' })
    return this.loadRuntime(path)
  }

  /**
   * Resume from here (issue 14): a fresh copy of `module` is brought to entry `seq` of the history
   * (or of `source`) by replaying the inputs before it with their recorded effects, then goes live
   * in place of the running runtime. The history is kept whole: the branch begins with a reset
   * `state.initial` (the state reached) and a resume note naming the entry, whether the state equals
   * the one recorded there, and what differs.
   * @throws {NotReplayable} when the entry cannot be resumed at (the reason said); nothing changes
   * @throws {ResumeFailed} when the module fails or the replay does not finish; the runtime running keeps running
   */
  resume({ seq, module, source, onProgress, timeoutMs = 60_000 }: ResumeOptions): Promise<ResumeOutcome> {
    return this.#serial(async () => {
      const from = source ?? { events: historyEvents(this.history), stateAt: (s: number) => this.history.stateAt(s) }
      const plan = resumePlan(from.events, seq, from.version)
      const recorded = from.stateAt(plan.reached)
      const issues: ReplayIssue[] = []
      let outcome: Pick<ResumeOutcome, 'identical' | 'differences' | 'seq'> | undefined
      const session = from.session
      this.#branch = (slices) => {
        const differences: ReplayValueDiff[] = []
        diffValues(recorded as Json, slices as Json, '', differences, 20)
        outcome = { identical: differences.length === 0, differences, seq: this.history.lastSeq }
        this.history.appendEvent({
          type: 'custom-event',
          data: noteData({
            note: 'resume',
            from: seq,
            reached: plan.reached,
            ...(session !== undefined ? { session } : {}),
            identical: differences.length === 0,
            ...(differences.length > 0 ? { paths: differences.map((d) => d.path) } : {}),
            ...(issues.length > 0 ? { issues: issues.slice(0, 20).map((i) => i.message) } : {}),
            // The runtime's thread numbers its timers and requests on from the replay's (src/host/runtime/effects/handover.ts).
            numbered: true
          }),
          timestamp: Date.now()
        })
      }
      let result
      try {
        await this.#endAttachment()
        result = await this.runtime.load(module, {
          script: plan.script,
          timeoutMs,
          ...(onProgress !== undefined ? { onProgress } : {}),
          onIssue: (issue) => void issues.push(issue)
        })
      } finally {
        this.#branch = undefined
      }
      if (!result.ok) throw new ResumeFailed(result.error)
      if (outcome === undefined) throw new ResumeFailed('the runtime went live without a state to start from')
      return {
        from: seq,
        reached: plan.reached,
        ...(session !== undefined ? { session } : {}),
        module,
        inputs: plan.inputs,
        ...outcome,
        issues,
        handedOver: result.resumed ?? { timers: 0, fetches: 0 }
      }
    })
  }

  /** What is running, as `GET /runtime` shows it: with how its state is compared and what was found changed in place. */
  get runtimeInfo(): RuntimeInfo {
    const info = this.runtime.info
    if (this.#attachment !== undefined) return { ...info, attach: this.#attachment.info }
    return info.status === 'loaded' ? { ...info, inPlace: this.#findings.list() } : info
  }

  /**
   * Records a remote event stream (the seed's events route, or AG-UI) instead of a runtime. The
   * source is asked first: only once it answers with an event stream does the runtime, or the
   * stream attached before, stop; the history then goes on with a reset `state.initial` once the
   * stream's protocol is known, and its entries get this host's seqs, read from that same response.
   * Loading a module, importing a session or `detach` ends it. `target.headers` are sent to the
   * source and kept nowhere else (neither `runtimeInfo` nor the session holds their values).
   * @throws {AttachRefused} when the source refused, could not be reached, is not an event stream or
   *   did not answer in time (the reason said); nothing changes: what ran keeps running, nothing is recorded
   */
  attach(target: AttachTarget, options: Pick<AttachmentOptions, 'backoff' | 'probeTimeoutMs'> = {}): Promise<RuntimeInfo> {
    return this.#serial(async () => {
      const attachment = await Attachment.open({
        target,
        sink: this.#attachSink(),
        onChange: () => this.#runtimeChanged(),
        log: this.#log,
        ...options
      })
      try {
        await this.#endAttachment()
        await this.runtime.stop({ path: shownUrl(target.url), name: target.url.host, status: 'attached' })
      } catch (e) {
        await attachment.stop()
        throw e
      }
      this.#attachment = attachment
      attachment.start()
      this.#runtimeChanged()
      return this.runtimeInfo
    })
  }

  /** Ends the attachment (the history is kept); false when none was attached. */
  detach(): Promise<boolean> {
    return this.#serial(async () => {
      if (this.#attachment === undefined) return false
      await this.#endAttachment()
      await this.runtime.stop()
      return true
    })
  }

  async #endAttachment(): Promise<void> {
    const attachment = this.#attachment
    this.#attachment = undefined
    await attachment?.stop()
  }

  /** Where an attachment records: through redaction at capture, with this host's seqs. */
  #attachSink(): AttachSink {
    const record = (event: HistoryEvent): void => {
      const { body, span } = bodyOf(event)
      const out = this.#capture?.body(event.type, body)
      this.history.append(
        event.type,
        event.type === 'state.update' ? event.slice : null,
        out?.body ?? body,
        out === undefined ? span : out.span
      )
      this.history.notify()
    }
    return {
      initial: (slices) => this.#loaded(JSON.stringify(slices)),
      entry: (entry) => record({ ...entry, seq: 0, timestamp: Date.now() } as HistoryEvent),
      note: (event, message) =>
        record({ type: 'custom-event', seq: 0, data: noteData({ note: 'attach', event, message }), timestamp: Date.now() })
    }
  }

  /**
   * Calls `listener` with `runtimeInfo` each time it changes (a load, a failure, not responding,
   * memory, a pause, a slice found changed in place); returns the unsubscribe function.
   */
  onRuntimeChange(listener: (info: RuntimeInfo) => void): () => void {
    this.#runtimeListeners.add(listener)
    return () => this.#runtimeListeners.delete(listener)
  }

  #runtimeChanged(): void {
    const info = this.runtimeInfo
    const json = JSON.stringify(info)
    if (json === this.#toldRuntime) return
    this.#toldRuntime = json
    for (const listener of this.#runtimeListeners) listener(info)
  }

  /** Compares the running runtime's state this way from now on (see `RuntimeController.setCompare`). */
  setCompare(mode: CompareMode, timeoutMs: number): Promise<void> {
    return this.runtime.setCompare(mode, timeoutMs)
  }

  /** Dispatches an action to the running runtime; answers its own entries (see `RuntimeController.dispatch`). */
  dispatch(action: Action, timeoutMs: number): Promise<DispatchOutcome> {
    return this.runtime.dispatch(action, timeoutMs)
  }

  /**
   * Replaces the history with a session file's, after reading and checking all of it; the runtime
   * stops. The file is read to its end before anything waits on it (a stalled upload holds no
   * recording, no load, no other import), then checked at once; on a bad file nothing changes and
   * nothing recorded meanwhile is lost.
   * @throws {ReadStalledError} when the file sends nothing for `importIdleMs`
   * @throws {ReadTooLargeError} past `importMaxBytes`
   * @throws {SessionError} naming the bad line
   */
  async importSession(file: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<ImportedSession> {
    const chunks = await readWhole(file, this.#importRead)
    return this.#serial(async () => {
      // Synchronous: no entry is recorded while it reads, so its seqs follow the history's last.
      const imported = readAnySession(chunks, { baseSeq: this.history.lastSeq, ...(this.#limits ? { limits: this.#limits } : {}) })
      this.#held = []
      try {
        await this.#endAttachment()
        const info: RuntimeInfo = { path: imported.header.runtime.path, name: imported.header.runtime.name, status: 'session' }
        await this.runtime.stop(info)
        this.history.adopt(imported.history)
        this.history.notify()
        this.watches.restore(imported.header.watches ?? [])
        return imported
      } catch (e) {
        for (const batch of this.#held ?? []) this.#record(batch)
        throw e
      } finally {
        this.#held = undefined
      }
    })
  }

  /**
   * The running runtime's state (`getState()`), encoded, as JSON; redacted when entries are
   * redacted at capture, as the history is.
   * @throws {RuntimeUnavailable} when no runtime runs or it does not answer
   */
  async state(timeoutMs: number): Promise<string> {
    const json = await this.runtime.state(timeoutMs)
    return this.#capture === undefined ? json : this.#capture.slicesJson(json)
  }

  /** Stops the runtime. */
  async close(): Promise<void> {
    this.replays.close()
    this.watches.close()
    await this.#endAttachment()
    await this.runtime.close()
  }

  #serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task)
    this.#queue = run.catch(() => undefined)
    return run
  }

  #record(batch: EntryBatch): void {
    const recorded = this.#findings.reader(this.history)
    // Redacted before anything holds it: the history, and so the journal and the stream.
    const findings = this.#capture === undefined ? recorded : this.#capture.reader(recorded)
    let found = false
    const reader: typeof findings = {
      entry: (type, slice, body, span, flags) => {
        // A flagged entry is a slice found (or reported) changed in place: `runtimeInfo` lists it.
        if (flags !== 0) found = true
        findings.entry(type, slice, body, span, flags)
      },
      verified: () => findings.verified()
    }
    readBatch(
      batch,
      this.runtime.dispatches.reader(batch, reader, () => this.history.lastSeq)
    )
    this.history.notify()
    if (found) this.#runtimeChanged()
  }

  /** A new recording begins from these slices (a runtime loaded, a stream attached). */
  #loaded(json: string): void {
    // A new recording: redacted at capture with the policy as it is now (or not at all).
    this.redaction.restart()
    const applied = this.redaction.applied
    this.#capture = applied === undefined ? undefined : new CaptureRedactor(applied)
    const slices = this.#capture === undefined ? json : this.#capture.slicesJson(json)
    if (this.#asBase && this.history.lastSeq === 0) {
      this.history.restart(JSON.parse(slices) as Slices, 0)
    } else {
      this.history.append('state.initial', null, `"slices":${slices},"timestamp":${Date.now()},"reset":true}`)
    }
    // A resume's branch: its note right after the state it starts from, before any entry of the runtime's.
    this.#branch?.(JSON.parse(slices) as Slices)
    this.#branch = undefined
    // The state a runtime starts from is exact.
    this.#findings = new InPlaceFindings(this.history.lastSeq)
    this.history.notify()
  }

  /**
   * The policy applied at capture changed. When it names more than before, the state recorded so
   * far is redacted with it by one entry a slice (its whole value), so that the history, the
   * stream's mirrors and `GET /state` agree from there on; what it stops naming stays redacted
   * until the next load (see `Redaction.set`).
   */
  /** Keeps the settings for the next start; a disk that refuses is said, and the settings stay in use. */
  #saveRedaction(file: string): void {
    this.#redactionSaved = this.#redactionSaved
      .then(() => saveRedaction(file, this.redaction))
      .catch((e: unknown) => this.#log(`patchscope: the redaction settings could not be saved to ${file}: ${(e as Error).message}\n`))
  }

  #redactionChanged(grown: boolean): void {
    const applied = this.redaction.applied
    if (applied === undefined || applied === this.#capture?.policy) return
    this.#capture = new CaptureRedactor(applied)
    if (!grown) return
    const head = this.history.stateAt(this.history.lastSeq)
    const redacted = redactSlices(applied, head, () => undefined)
    if (redacted === head) return
    const timestamp = Date.now()
    for (const slice of Object.keys(redacted)) {
      if (redacted[slice] === head[slice]) continue
      this.history.appendEvent({ type: 'state.update', slice, value: redacted[slice] as Json, cause: { type: REDACTION_CAUSE }, timestamp })
    }
    this.history.notify()
  }

  #fault(fault: Fault | { t: 'exit'; message: string }): void {
    const kind = fault.t === 'exit' ? 'exit' : fault.kind
    this.#log(`[patchscope] runtime ${kind}: ${fault.message}\n`)
    const note: RuntimeErrorNote = {
      note: 'runtime-error',
      kind,
      message: fault.message,
      ...(fault.t === 'fault' && fault.stack ? { stack: fault.stack } : {})
    }
    this.history.appendEvent({ type: 'custom-event', data: noteData(note), timestamp: Date.now() })
    this.history.notify()
  }
}
