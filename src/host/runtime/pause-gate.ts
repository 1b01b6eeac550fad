/**
 * Pausing in the runtime's own thread. After the recorder writes an entry, the gate decides at
 * once, synchronously, whether it pauses the thread: a pausing watch hit, a break (an action of a
 * type, a failed execution, a runtime error), a step, or the host asked. Then it sends what was
 * recorded, tells the host, and blocks the thread with `Atomics.wait` on a word of memory it shares
 * with the host, until the host stores continue or step there. The runtime's next statement, its
 * timers, promises and streaming wait with it; messages from the host (actions) queue up and run
 * after it goes on.
 *
 * Values for the watches: the gate keeps the watched slices as recorded (encoded), seeded once and
 * then changed by applying each recorded change, copy on write, so the matcher gets the state before
 * and after each change as the host's history will hold it, without encoding anything again.
 */
import type { Json, Operation, PauseReason, Slices } from '../../shared/protocol'
import { applyUpdate, newEdit, PatchError, type SliceUpdate } from '../../shared/state'
import { matchChange, parseWatch, touches, type Watch } from '../../shared/watch'
import type { HistoryEventType } from '../../shared/protocol'
import { CHANGE_PATCHES, type ChangeSpan } from '../recorder/entry'
import type { PauseSpec } from '../watches/registry'

/** The shared word: what the thread is doing, or what the host asks of it. */
export const RUNNING = 0
/** The thread waits (it stored this itself, before telling the host). */
export const PAUSED = 1
/** The host: go on. */
export const CONTINUE = 2
/** The host: go on, and pause after the next entry. */
export const STEP = 3
/** The host: pause after the next entry (or now, when idle). */
export const PAUSE_REQUESTED = 4
/** The host is ending the thread: never pause again. */
export const STOPPING = 5

export interface PauseGateOptions {
  /** The word shared with the host (an `Int32Array` of one element over a `SharedArrayBuffer`). */
  control: Int32Array
  /** Sends what the recorder wrote so far to the host (the outbox's flush). */
  flush(): void
  /** Tells the host the thread pauses now (after `flush`). */
  paused(by: PauseReason): void
  /** The runtime's slices now, encoded as the recorder encodes them (to seed the watched ones). */
  readEncoded(slices: readonly string[] | undefined): Slices
}

interface Pausing {
  id: string
  text: string
  watch: Watch
}

export class PauseGate {
  #watches: Pausing[] = []
  #actionTypes = new Set<string>()
  #failedExecution = false
  #runtimeError = false
  /** The watched slices as recorded; `all` when a watch names any slice. */
  #mirror: Slices = {}
  #all = false
  #names = new Set<string>()
  #stepping = false
  #depth = 0
  #pending: PauseReason | undefined

  constructor(private readonly options: PauseGateOptions) {}

  /** Pauses on these from now on; the watched slices are seeded from `seed` (a recorder's base, as JSON) or from the runtime. */
  set(spec: PauseSpec, seed?: string): void {
    this.#watches = spec.watches.map(({ id, text }) => ({ id, text, watch: parseWatch(text) }))
    this.#actionTypes = new Set(spec.breaks.actionTypes)
    this.#failedExecution = spec.breaks.failedExecution
    this.#runtimeError = spec.breaks.runtimeError
    this.#all = this.#watches.some((w) => w.watch.path[0]?.kind !== 'key')
    this.#names = new Set(this.#watches.flatMap((w) => (w.watch.path[0]?.kind === 'key' ? [w.watch.path[0].key] : [])))
    if (this.#watches.length === 0) this.#mirror = {}
    else if (seed !== undefined) this.#mirror = pick(JSON.parse(seed) as Slices, this.#all ? undefined : this.#names)
    else this.#mirror = this.options.readEncoded(this.#all ? undefined : [...this.#names])
  }

  /**
   * Runs a bus listener: a pause it decides on waits until the listener is done (the whole event
   * recorded), then happens before the runtime's next statement.
   */
  within<T>(listener: () => T): T {
    this.#depth++
    try {
      return listener()
    } finally {
      if (--this.#depth === 0 && this.#pending !== undefined) this.#pause()
    }
  }

  /** An entry the recorder just wrote. */
  recorded(type: HistoryEventType, slice: string | null, body: string, span: ChangeSpan | undefined): void {
    const control = Atomics.load(this.options.control, 0)
    if (control === STOPPING) return
    let by: PauseReason | undefined
    if (type === 'state.update' && slice !== null) by = this.#update(slice, body, span)
    else if (type === 'execution.status' && this.#failedExecution) {
      const event = JSON.parse(`{${body}`) as { status: string; executionId: string }
      if (event.status === 'failed') by = { kind: 'failed-execution', executionId: event.executionId }
    }
    if (by === undefined && this.#stepping) by = { kind: 'step' }
    if (by === undefined && control === PAUSE_REQUESTED) by = { kind: 'request' }
    if (by !== undefined) this.#decide(by)
  }

  /** The runtime failed (a runtime-error note is recorded for it). */
  fault(message: string): void {
    if (this.#runtimeError) this.#decide({ kind: 'runtime-error', message })
  }

  /** The host asked to pause while the thread was idle (no entry to pause after). */
  requested(): void {
    if (Atomics.load(this.options.control, 0) === PAUSE_REQUESTED) this.#decide({ kind: 'request' })
  }

  #update(slice: string, body: string, span: ChangeSpan | undefined): PauseReason | undefined {
    let by: PauseReason | undefined
    if (this.#actionTypes.size > 0) {
      // The cause follows the change: `,"cause":{…},"timestamp":…}`.
      const rest = JSON.parse(`{${span === undefined ? body : body.slice(span.to + 1)}`) as { cause?: { type?: unknown } }
      const type = rest.cause?.type
      if (typeof type === 'string' && this.#actionTypes.has(type)) by = { kind: 'action', type }
    }
    if (!this.#all && !this.#names.has(slice)) return by
    let update: SliceUpdate
    if (span === undefined) update = { removed: true }
    else {
      const change = JSON.parse(body.slice(span.from, span.to)) as Json
      update = span.kind === CHANGE_PATCHES ? { patches: change as Operation[] } : { value: change }
    }
    const before = Object.hasOwn(this.#mirror, slice) ? this.#mirror[slice] : undefined
    try {
      this.#mirror = applyUpdate(this.#mirror, slice, update, newEdit())
    } catch (e) {
      if (!(e instanceof PatchError)) throw e
      // What was recorded of the slice differs from the seed (a change in place not yet found): start again from the runtime.
      this.#mirror = { ...this.#mirror, ...this.options.readEncoded([slice]) }
    }
    const after = Object.hasOwn(this.#mirror, slice) ? this.#mirror[slice] : undefined
    if (by !== undefined) return by
    for (const { id, text, watch } of this.#watches) {
      if (!touches(watch, slice, update.patches)) continue
      const [hit] = matchChange(watch, { slice, ...(update.patches ? { patches: update.patches } : {}), before, after })
      if (hit !== undefined) return { kind: 'watch', id, text, path: hit.path }
    }
    return undefined
  }

  #decide(by: PauseReason): void {
    this.#pending ??= by
    if (this.#depth === 0) this.#pause()
  }

  #pause(): void {
    const by = this.#pending as PauseReason
    this.#pending = undefined
    this.#stepping = false
    const control = this.options.control
    // Unless the host is ending the thread already: it must not wait for a continue that never comes.
    for (;;) {
      const was = Atomics.load(control, 0)
      if (was === STOPPING) return
      if (Atomics.compareExchange(control, 0, was, PAUSED) === was) break
    }
    this.options.flush()
    this.options.paused(by)
    while (Atomics.load(control, 0) === PAUSED) Atomics.wait(control, 0, PAUSED)
    const next = Atomics.load(control, 0)
    if (next === STOPPING) return
    this.#stepping = next === STEP
    Atomics.store(control, 0, RUNNING)
  }
}

function pick(slices: Slices, names: ReadonlySet<string> | undefined): Slices {
  if (names === undefined) return slices
  const out: Slices = {}
  for (const name of names)
    if (Object.hasOwn(slices, name))
      Object.defineProperty(out, name, { value: slices[name], enumerable: true, writable: true, configurable: true })
  return out
}
