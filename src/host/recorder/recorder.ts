/**
 * The recorder: what the runtime's thread does with each event of the runtime's bus. It diffs each
 * change against its snapshot, writes the entry to a sink, and keeps the state exact:
 *
 * - **Trust, then verify** (`verify`, the default). Slices are diffed trusting references (an
 *   unchanged reference is an unchanged subtree, so a change costs what changed), and the recorder
 *   keeps its own copy of what it recorded. It verifies that copy against the runtime's real state
 *   when the runtime goes idle (after a dispatch settles, and once the event loop has run out of
 *   work after a change), once ten times as long as the last verification took has passed since
 *   it ended; and during a long burst once it has recorded `BURST_VERIFY_EVERY` changes and spent
 *   ten times as long recording them as the last verification took. Verification so costs at most
 *   a tenth of the recording during a burst (however much the runtime's own work costs), and of
 *   the thread's time while idle. A slice verification finds changed in place is recorded as an update
 *   of its own, marked `ENTRY_DETECTED`, and compared in full from then on.
 * - A change reported with the object recorded last time (`before === after`, or the same root)
 *   was certainly made in place: that slice is compared in full at once, with its action as the
 *   cause, and from then on (`ENTRY_REPORTED_IN_PLACE`).
 * - `full` compares every slice in full on every change; `trust` (the runtime declared
 *   `immutable: true`) trusts references and never verifies.
 *
 * Verification only looks at slices whose root is still the object last recorded: a root replaced
 * but not yet reported is the runtime's own change on its way (its event comes later), never
 * mistaken for one made in place. Slices already compared in full are verified too (by a full
 * diff), so that after each verification the recorded state is the runtime's.
 */
import { performance } from 'node:perf_hooks'
import type { Cause, CompareMode, HistoryEventType, Json } from '../../shared/protocol'
import { VERIFICATION_CAUSE } from '../../shared/protocol'
import { NOTE_TAG, type Note } from '../../shared/notes'
import { setOwn } from '../../shared/state'
import { encode, read } from './encode'
import { ENTRY_DETECTED, ENTRY_REPORTED_IN_PLACE, updateBody, type ChangeSpan } from './entry'
import { RecordedCopy } from './recorded-copy'
import { Snapshot, type SliceChange } from './snapshot'
import { verifySlice } from './verify'

/** Where the recorder writes entries (the worker's outbox; a test's array). */
export interface EntrySink {
  /** Writes an entry: its type, the slice of a `state.update`, its body, where its change is, its flags. */
  entry(type: HistoryEventType, slice: string | null, body: string, span?: ChangeSpan, flags?: number): void
  /** Writes a mark: every entry before it is exact. */
  verified(): void
  /** Batches sent so far: the cause of an action is encoded again in each batch. */
  readonly sent: number
}

/** A bus event that breaks the runtime contract; the message says what was expected. */
export class BadEvent extends TypeError {
  override name = 'BadEvent'
}

export interface RecorderOptions {
  sink: EntrySink
  /** The runtime's slices as they are now. */
  readSlices(): Record<string, unknown>
  /** Only these slices are recorded (the handle's `slices`). */
  declared?: ReadonlySet<string>
  /** @default 'verify' */
  compare?: CompareMode
  /** Milliseconds of a monotonic clock, for verification's share. @default performance.now */
  now?: () => number
  /** Each entry's timestamp. @default Date.now */
  clock?: () => number
  /**
   * Runs `task` once the event loop has nothing else to do (or after `ms`); returns a cancel.
   * @default setImmediate, or setTimeout for a delay
   */
  schedule?: (task: () => void, ms: number) => () => void
  /**
   * A verification that failed while the runtime was idle (its `getState` threw, a revoked proxy in
   * its state): it is reported, and tried again after the next change.
   * @default rethrows
   */
  onError?: (error: unknown) => void
}

/** Verification takes at most this share of the recording's time during a burst, and of the thread's while idle. */
export const VERIFY_SHARE = 0.1
/**
 * Changes recorded at least between two verifications during a burst: a runtime's own run of
 * events for one action (a change to each of its slices) is then never cut by a verification
 * that would find the changes it is about to report.
 */
export const BURST_VERIFY_EVERY = 1024

const VERIFICATION_CAUSE_JSON = JSON.stringify({ type: VERIFICATION_CAUSE } satisfies Cause)

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null
}

/**
 * The cause of a change: the whole action as dispatched (DESIGN, Extensions), its values encoded
 * as the state's are. Every field is read through `read`, so an action with a getter that throws
 * is recorded with that error, never breaks the recording.
 */
export function causeOf(action: unknown): Cause {
  if (typeof action !== 'object' || action === null) return { type: '(no action)' }
  const type = read(action, 'type')
  const cause: Cause = { type: typeof type === 'string' ? type : String(type) }
  const meta = read(action, 'meta')
  const ellie = isPlainRecord(meta) ? read(meta, '__ellie') : undefined
  const id = isPlainRecord(ellie) ? read(ellie, 'actionId') : undefined
  if (typeof id === 'string') cause.id = id
  const payload = read(action, 'payload')
  if (payload !== undefined) cause.payload = encode(payload)
  if (meta !== undefined) {
    const rest = typeof id === 'string' ? withoutActionId(meta as Record<string, unknown>) : meta
    if (rest !== undefined) cause.meta = encode(rest)
  }
  const error = read(action, 'error')
  if (error !== undefined) cause.error = encode(error)
  return cause
}

/** True for `{}` and `Object.create(null)` objects: the only ones taken apart (and copied) here. */
function isPlainRecord(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false
  const proto = Object.getPrototypeOf(v) as unknown
  return proto === Object.prototype || proto === null
}

/**
 * `meta` without `__ellie.actionId`, which the cause carries as `id`: `__ellie` stays when it holds
 * more, and undefined stands for a `meta` that held nothing else.
 */
function withoutActionId(meta: Record<string, unknown>): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {}
  let kept = 0
  for (const key of Object.keys(meta)) {
    let value = read(meta, key)
    if (key === '__ellie') {
      const ellie = value as Record<string, unknown>
      const others = Object.keys(ellie).filter((k) => k !== 'actionId')
      if (others.length === 0) continue
      value = Object.fromEntries(others.map((k) => [k, read(ellie, k)]))
    }
    setOwn(out, key, value)
    kept++
  }
  return kept > 0 ? out : undefined
}

function defaultSchedule(task: () => void, ms: number): () => void {
  if (ms <= 0) {
    const t = setImmediate(task)
    return () => clearImmediate(t)
  }
  const t = setTimeout(task, ms)
  return () => clearTimeout(t)
}

export class Recorder {
  readonly #sink: EntrySink
  readonly #readSlices: () => Record<string, unknown>
  readonly #declared: ReadonlySet<string> | undefined
  readonly #now: () => number
  readonly #clock: () => number
  readonly #schedule: (task: () => void, ms: number) => () => void
  readonly #onError: (error: unknown) => void
  #mode: CompareMode
  #snapshot: Snapshot
  /** What was recorded of each slice compared by trust and verified (`verify` mode only). */
  readonly #copy = new RecordedCopy()
  /** Slices found changed in place (or reported so): compared in full for the runtime's life. */
  readonly #found = new Set<string>()
  /** The object each slice's root was when last recorded. */
  readonly #roots = new Map<string, unknown>()
  /** Something may have changed since the last verification. */
  #dirty = false
  #recorded = 0
  /** Time spent recording since the last verification (estimated from one change in 64). */
  #recordingMs = 0
  #lastVerifyMs = 0
  #lastVerifyEnd = 0
  #cancelIdle: (() => void) | undefined
  #lastAction: unknown
  #lastCause = ''
  #lastCauseBatch = -1

  constructor(options: RecorderOptions) {
    this.#sink = options.sink
    this.#readSlices = options.readSlices
    this.#declared = options.declared
    this.#now = options.now ?? (() => performance.now())
    this.#clock = options.clock ?? Date.now
    this.#schedule = options.schedule ?? defaultSchedule
    this.#onError =
      options.onError ??
      ((e) => {
        throw e
      })
    this.#mode = options.compare ?? 'verify'
    this.#snapshot = new Snapshot({ policy: this.#mode === 'full' ? 'full' : 'trust' })
  }

  /** How the state is compared now. */
  get mode(): CompareMode {
    return this.#mode
  }

  /** Takes the runtime's state as the recorded base; returns it encoded, as JSON. */
  reset(): string {
    const slices = this.#readSlices()
    const encoded = this.#snapshot.reset(slices)
    const json = JSON.stringify(encoded)
    this.#roots.clear()
    this.#found.clear()
    for (const slice of Object.keys(slices)) this.#roots.set(slice, slices[slice])
    this.#copy.reset(this.#mode === 'verify' ? encoded : {})
    // Verified once (it finds nothing) to learn what verifying costs: the first one in a long burst
    // then comes only once the recording has earned it.
    this.verify()
    return json
  }

  /** A `state-changed` event of the bus. @throws {BadEvent} */
  stateChanged(e: unknown): void {
    if (!isRecord(e) || typeof e.slice !== 'string') {
      throw new BadEvent('a "state-changed" event must be { slice: string, after, causingAction }')
    }
    const slice = e.slice
    if (this.#declared !== undefined && !this.#declared.has(slice)) return
    const after = e.after
    let change: SliceChange | undefined
    let flags = 0
    // The recording of one change in 64 is timed, and counts for 64: reading the clock costs more
    // than a change's bookkeeping.
    const sampled = (++this.#recorded & 63) === 0 && this.#mode === 'verify'
    const start = sampled ? this.#now() : 0
    if (after === undefined && !Object.hasOwn(this.#readSlices(), slice)) {
      change = this.#snapshot.remove(slice)
      this.#roots.delete(slice)
      this.#copy.forget(slice)
    } else if (
      this.#trusted(slice) &&
      typeof after === 'object' &&
      after !== null &&
      (after === e.before || after === this.#roots.get(slice))
    ) {
      // Reported with the object recorded last time: changed in place, so compared in full from now on.
      const copy = this.#copy.get(slice)
      change = copy === undefined ? this.#snapshot.update(slice, after) : verifySlice(copy, after)
      this.#compareInFull(slice, after)
      flags = ENTRY_REPORTED_IN_PLACE
    } else {
      const before = this.#roots.get(slice)
      change = this.#snapshot.update(slice, after)
      this.#roots.set(slice, after)
      if (change !== undefined && !this.#write(slice, change, this.#causeJson(e.causingAction), 0)) {
        this.#repair(slice, before, after, e.causingAction)
      }
      change = undefined
    }
    if (change !== undefined) this.#write(slice, change, this.#causeJson(e.causingAction), flags)
    this.#activity()
    if (sampled) {
      this.#recordingMs += (this.#now() - start) * 64
      if (this.#recorded >= BURST_VERIFY_EVERY && this.#recordingMs * VERIFY_SHARE >= this.#lastVerifyMs) this.verify()
    }
  }

  /** An `execution-lifecycle` event of the bus. @throws {BadEvent} */
  lifecycle(e: unknown): void {
    if (!isRecord(e) || typeof e.executionId !== 'string') {
      throw new BadEvent('an "execution-lifecycle" event must be { status, executionId: string, turnId?, error? }')
    }
    const body: Record<string, Json> = { status: String(e.status), executionId: e.executionId }
    if (e.turnId !== undefined && e.turnId !== null) body.turnId = String(e.turnId)
    if (e.error !== undefined && e.error !== null) {
      body.error = isRecord(e.error) && typeof e.error.message === 'string' ? e.error.message : String(e.error)
    }
    body.timestamp = this.#clock()
    this.#sink.entry('execution.status', null, JSON.stringify(body).slice(1))
    this.#activity()
  }

  /** A `custom-event` of the bus. */
  custom(data: unknown): void {
    this.#sink.entry('custom-event', null, JSON.stringify({ data: encode(data), timestamp: this.#clock() }).slice(1))
    this.#activity()
  }

  /**
   * A note (src/shared/notes.ts): a `custom-event` entry Patchscope writes itself. The action of an
   * `input` note is encoded like a runtime's value (a key of its own that starts with `$` is
   * escaped, so it never reads as a marker); a `dispatch` note's cause is built with `causeOf`.
   */
  note(note: Note): void {
    const value = note.note === 'input' ? { ...note, action: encode(note.action) } : note
    this.#sink.entry('custom-event', null, `"data":{${JSON.stringify(NOTE_TAG)}:${JSON.stringify(value)}},"timestamp":${this.#clock()}}`)
  }

  /**
   * A store's dispatch is over (the adapter's `dispatched`), whether or not it reported a change:
   * each slice compared in full whose object did not change is compared now, with `action` as the
   * cause (a store reports only the keys that hold another object); verification looks at the
   * others once the store is idle.
   */
  dispatched(action: unknown): void {
    this.#activity()
    if (this.#mode !== 'trust') {
      const slices = this.#readSlices()
      for (const [slice, root] of this.#roots) {
        if (this.#trusted(slice) || typeof root !== 'object' || root === null) continue
        if (!Object.hasOwn(slices, slice) || slices[slice] !== root) continue
        const change = this.#snapshot.update(slice, root)
        if (change !== undefined) this.#write(slice, change, this.#causeJson(action), 0)
      }
    }
  }

  /** A dispatch settled: the runtime is idle, so its state is verified now if verification's share allows. */
  settled(): void {
    this.#idle()
  }

  /**
   * Compares every slice compared by trust with the recorder's copy, records what differs as
   * changes found in place, and marks everything before as exact.
   */
  verify(): void {
    if (this.#mode !== 'verify') return
    const start = this.#now()
    this.#cancelIdle?.()
    this.#cancelIdle = undefined
    const slices = this.#readSlices()
    for (const [slice, root] of this.#roots) {
      // Primitives cannot change in place; a root replaced but not reported yet is the runtime's
      // own change on its way.
      if (typeof root !== 'object' || root === null || !Object.hasOwn(slices, slice) || slices[slice] !== root) continue
      const copy = this.#copy.get(slice)
      if (copy === undefined) {
        // Compared in full already (found before): its kids are the recorded copy.
        const change = this.#snapshot.update(slice, root)
        if (change !== undefined) this.#write(slice, change, VERIFICATION_CAUSE_JSON, ENTRY_DETECTED)
        continue
      }
      const change = verifySlice(copy, root)
      if (change === undefined) continue
      this.#compareInFull(slice, root)
      this.#write(slice, change, VERIFICATION_CAUSE_JSON, ENTRY_DETECTED)
    }
    this.#sink.verified()
    this.#dirty = false
    this.#recorded = 0
    this.#recordingMs = 0
    const end = this.#now()
    this.#lastVerifyMs = end - start
    this.#lastVerifyEnd = end
  }

  /**
   * Compares the state this way from now on: `full` or `verify` (`trust` is the runtime's own
   * declaration, never switched to). Going to `full` verifies first, so nothing trust missed is
   * lost; going back to `verify` compares every slice in full once more, records what differs as
   * found, and takes the state as it is then as the copy to verify against. Slices found changed in
   * place stay compared in full.
   * @throws {RangeError} for `trust`
   */
  setMode(mode: CompareMode): void {
    if (mode === 'trust') throw new RangeError('only a runtime declares `immutable: true`; choose "full" or "verify"')
    if (mode === this.#mode) return
    const slices = this.#readSlices()
    if (mode === 'full') {
      this.verify()
      for (const slice of this.#roots.keys()) if (this.#trusted(slice)) this.#compareInFull(slice, slices[slice], false)
      this.#snapshot.setDefault('full')
      this.#mode = mode
      return
    }
    const wasFull = this.#mode === 'full'
    this.#mode = mode
    this.#snapshot.setDefault('trust')
    for (const slice of this.#roots.keys()) {
      if (this.#found.has(slice) || !Object.hasOwn(slices, slice)) continue
      const value = slices[slice]
      // Whatever the full compare has not been shown yet (a change not reported) is recorded first.
      const change = wasFull ? this.#snapshot.update(slice, value) : undefined
      if (change !== undefined) this.#write(slice, change, VERIFICATION_CAUSE_JSON, ENTRY_DETECTED)
      this.#roots.set(slice, value)
      this.#snapshot.setPolicy(slice, 'trust', value)
      this.#copy.set(slice, encode(value))
    }
    this.#sink.verified()
    this.#dirty = false
    this.#lastVerifyEnd = this.#now()
  }

  #trusted(slice: string): boolean {
    return this.#mode === 'verify' && this.#snapshot.policyOf(slice) === 'trust'
  }

  /** Compares a slice in full from now on; `found`: because it was found (or reported) changed in place. */
  #compareInFull(slice: string, value: unknown, found = true): void {
    if (found) this.#found.add(slice)
    this.#snapshot.setPolicy(slice, 'full', value)
    this.#copy.forget(slice)
    this.#roots.set(slice, value)
  }

  /**
   * Writes a change of a slice, and applies it to the copy of a slice compared by trust. Patches
   * that do not apply to the copy are not written: the trust diff then compared with objects
   * changed in place since they were recorded (see `#repair`).
   * @returns false when nothing was written
   */
  #write(slice: string, change: SliceChange, causeJson: string, flags: number): boolean {
    if (this.#trusted(slice)) {
      if ('patches' in change) {
        if (!this.#copy.apply(slice, change)) return false
      } else if ('value' in change) this.#copy.set(slice, change.value)
    }
    // The copy now holds the change's values; nothing changes them before the body is built.
    const { body, span } = updateBody(slice, change, causeJson, this.#clock())
    this.#sink.entry('state.update', slice, body, span, flags)
    return true
  }

  /**
   * The objects under a slice's old root were changed in place after they were recorded, so the
   * trust diff's patches (relative to them) do not apply to what was recorded. What they became is
   * recorded first, as found, then the reported change, both against the copy; the slice is
   * compared in full from then on.
   */
  #repair(slice: string, before: unknown, after: unknown, action: unknown): void {
    const copy = this.#copy.get(slice)
    if (copy === undefined) return
    const found = typeof before === 'object' && before !== null ? verifySlice(copy, before) : undefined
    if (found !== undefined) this.#write(slice, found, VERIFICATION_CAUSE_JSON, ENTRY_DETECTED)
    const change = verifySlice(this.#copy.get(slice) as Json, after)
    this.#compareInFull(slice, after)
    if (change !== undefined) this.#write(slice, change, this.#causeJson(action), 0)
  }

  /**
   * The cause's JSON, made once per action: a step that changes three slices records three entries
   * with the same cause. Made again in each batch, so an action object the runtime reuses and
   * changes later is encoded anew.
   */
  #causeJson(action: unknown): string {
    if (action !== this.#lastAction || this.#lastCauseBatch !== this.#sink.sent) {
      this.#lastAction = action
      this.#lastCause = JSON.stringify(causeOf(action))
      this.#lastCauseBatch = this.#sink.sent
    }
    return this.#lastCause
  }

  #activity(): void {
    if (this.#mode !== 'verify') return
    this.#dirty = true
    this.#cancelIdle ??= this.#schedule(() => {
      this.#cancelIdle = undefined
      this.#idle()
    }, 0)
  }

  /** Verifies if something may have changed and verification's share of the thread's time allows; else later. */
  #idle(): void {
    if (!this.#dirty || this.#mode !== 'verify') return
    const wait = this.#lastVerifyEnd + this.#lastVerifyMs / VERIFY_SHARE - this.#now()
    if (wait <= 0) {
      try {
        this.verify()
      } catch (e) {
        this.#dirty = false
        this.#onError(e)
      }
      return
    }
    this.#cancelIdle?.()
    this.#cancelIdle = this.#schedule(() => {
      this.#cancelIdle = undefined
      this.#idle()
    }, Math.ceil(wait))
  }
}

/** Creates the recorder of one runtime (see `Recorder`). */
export function createRecorder(options: RecorderOptions): Recorder {
  return new Recorder(options)
}
