/**
 * One worker thread running one runtime, seen from the host: commands with replies and time limits.
 */
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { ReplayScript } from '../../shared/effects'
import type { CompareMode } from '../../shared/protocol'
import type { PauseSpec } from '../watches/registry'
import { heapLimits } from './memory'
import type { Command, WorkerData, WorkerMessage } from './messages'
import { CONTINUE, PAUSE_REQUESTED, PAUSED, RUNNING, STEP, STOPPING } from './pause-gate'

type Reply = Extract<WorkerMessage, { t: 'reply' }>

/**
 * Whether the thread ended because its JS heap was exhausted: Node ends a worker that reaches its
 * heap limit and says so with this error (the host goes on).
 */
export function outOfHeap(error: Error | undefined): boolean {
  return (error as { code?: unknown } | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY'
}

/** A command the worker did not answer in time. */
export class CommandTimeout extends Error {
  override name = 'CommandTimeout'
}

/** A command that could not be copied into the worker's thread (the structured clone refused it); the runtime never saw it. */
export class CommandNotSent extends Error {
  override name = 'CommandNotSent'
}

/**
 * How to start the worker: the built `worker.js` beside this file, or, when the host runs from
 * its TypeScript sources (tests, `tsx`), `worker.ts` through tsx.
 */
export function workerEntry(): { filename: string | URL; eval: boolean } {
  const self = fileURLToPath(import.meta.url)
  if (!self.endsWith('.ts')) return { filename: new URL('./worker.js', import.meta.url), eval: false }
  const tsx = import.meta.resolve('tsx/esm/api')
  const entry = new URL('./worker.ts', import.meta.url).href
  return {
    filename: `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}) })`,
    eval: true
  }
}

export class RuntimeWorker {
  readonly worker: Worker
  /** The word shared with the thread's `PauseGate`. */
  readonly #control = new Int32Array(new SharedArrayBuffer(4))
  #nextId = 1
  #pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>()
  #exited = false

  constructor(
    readonly path: string,
    compare: CompareMode | undefined,
    /** Every message but the replies to `send` (a replay's own dispatches, numbered -input, are answered here too). */
    onMessage: (m: WorkerMessage) => void,
    onExit: (code: number, error: Error | undefined) => void,
    log: (chunk: string) => void,
    /** The thread's JS heap in all, in megabytes (`--max-heap-mb`): past it, Node ends the thread. */
    maxHeapMb: number,
    pauses?: PauseSpec,
    /** A resume: replay this script, then go live (see `WorkerData.resume`). */
    resume?: ReplayScript
  ) {
    const { filename, eval: isEval } = workerEntry()
    const data: WorkerData = {
      path,
      control: this.#control.buffer as SharedArrayBuffer,
      ...(compare !== undefined ? { compare } : {}),
      ...(pauses !== undefined ? { pauses } : {}),
      ...(resume !== undefined ? { replay: resume, resume: true } : {})
    }
    this.worker = new Worker(filename, {
      eval: isEval,
      workerData: data,
      stdout: true,
      stderr: true,
      resourceLimits: heapLimits(maxHeapMb)
    })
    this.worker.stdout.setEncoding('utf8').on('data', log)
    this.worker.stderr.setEncoding('utf8').on('data', log)
    let error: Error | undefined
    this.worker.on('message', (m: WorkerMessage) => {
      if (m.t !== 'reply' || m.id < 0) return onMessage(m)
      const p = this.#pending.get(m.id)
      this.#pending.delete(m.id)
      p?.resolve(m)
    })
    this.worker.on('error', (e) => (error = e))
    this.worker.on('exit', (code) => {
      this.#exited = true
      for (const p of this.#pending.values()) p.reject(new Error(`the runtime stopped (exit code ${code})`))
      this.#pending.clear()
      onExit(code, error)
    })
  }

  get exited(): boolean {
    return this.#exited
  }

  /**
   * Sends a command and waits for its reply, at most `timeoutMs`.
   * @throws {CommandTimeout} when no reply came in time (the command may still complete later)
   */
  send(cmd: DistributiveOmitId<Command>, timeoutMs: number): Promise<Reply> {
    if (this.#exited) return Promise.reject(new Error('the runtime is not running'))
    const id = this.#nextId++
    try {
      this.worker.postMessage({ ...cmd, id })
    } catch (e) {
      return Promise.reject(
        new CommandNotSent(`it cannot be copied into the runtime's thread: ${e instanceof Error ? e.message : String(e)}`)
      )
    }
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id)
        reject(new CommandTimeout(`the runtime did not answer within ${timeoutMs / 1000} s`))
      }, timeoutMs)
      this.#pending.set(id, {
        resolve: (r) => {
          clearTimeout(timer)
          resolve(r)
        },
        reject: (e) => {
          clearTimeout(timer)
          reject(e)
        }
      })
    })
  }

  /** Whether the thread waits for a continue (it stored `PAUSED` itself). */
  get paused(): boolean {
    return Atomics.load(this.#control, 0) === PAUSED
  }

  /**
   * Lets a paused thread go on (`step`: and pause after its next entry).
   * @returns false when it was not paused
   */
  resume(step: boolean): boolean {
    if (Atomics.compareExchange(this.#control, 0, PAUSED, step ? STEP : CONTINUE) !== PAUSED) return false
    Atomics.notify(this.#control, 0)
    return true
  }

  /** Asks a running thread to pause after its next entry (or at once if idle, once it reads the message `pause`). */
  requestPause(): boolean {
    return Atomics.compareExchange(this.#control, 0, RUNNING, PAUSE_REQUESTED) === RUNNING
  }

  /**
   * Lets the runtime dispose itself (briefly), then ends the thread. A paused thread is ended at
   * once: disposing would run it on. Either way it never pauses again.
   */
  async stop(disposeTimeoutMs: number): Promise<void> {
    if (this.#exited) return
    // A paused thread is left waiting: ending it interrupts the wait, and it runs no more statement.
    if (Atomics.exchange(this.#control, 0, STOPPING) === PAUSED) return void (await this.worker.terminate())
    try {
      await this.send({ t: 'dispose' }, disposeTimeoutMs)
    } catch {
      // A runtime that does not dispose in time, or throws while doing so, is ended all the same.
    }
    await this.worker.terminate()
  }
}

type DistributiveOmitId<T> = T extends unknown ? Omit<T, 'id'> : never
