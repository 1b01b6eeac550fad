/**
 * The window's copy of the history: every entry in order, kept small enough for a million of
 * them. Each entry is kept as its JSON text (parsed again on demand, a few at a time) beside a
 * few typed-array columns the timeline and the filters read without parsing: type, slice, cause,
 * time and the turn that was running (and, for the rare update found by verification, the entry
 * after which its slice was changed in place). Every `CHECKPOINT_EVERY` entries the state is kept
 * in a `CheckpointLog` (copy-on-write, sharing what did not change), so the state at any entry is
 * a short replay.
 *
 * Index 0 is the base `state.initial`; entry `i` has seq `baseSeq + i`.
 */
import {
  HISTORY_EVENT_TYPES as TYPES,
  type HistoryEvent,
  type HistoryEventType,
  type Slices,
  type StateInitialEvent
} from '../../../../shared/protocol'
import { CheckpointLog } from '../../../../shared/checkpoint-log'
import { applyEvent, type Owned } from '../../../../shared/state'
import { Column, Interner } from './columns'
import { Executions } from './executions'

/** Entries between two kept states: the longest replay `stateAt` does. */
export const CHECKPOINT_EVERY = 512

const PARSED_CACHE = 4096

export class HistoryStore {
  /** Names of slices, cause types, executions and turns, by number. */
  readonly names = new Interner()
  readonly executions = new Executions()
  /** Slice names and action types seen, for the filter's choices. */
  readonly sliceNames = new Set<string>()
  readonly actionTypes = new Set<string>()
  #baseSeq = 0
  #raw: string[] = []
  #type = new Column(Uint8Array)
  #slice = new Column(Int32Array)
  #cause = new Column(Int32Array)
  #turn = new Column(Int32Array)
  #time = new Column(Float64Array)
  /** Index → `detected.since` of the updates verification found: rare, so a map rather than a column. */
  #inPlace = new Map<number, number>()
  /**
   * The states kept, by index: the empty state at -1, the state every `CHECKPOINT_EVERY` entries and
   * the newest one, which ingest changes in place until `stateAt` hands it out.
   */
  readonly #states = new CheckpointLog({
    entries: { applyEntry: (state, i, owned) => this.#applyEntry(state, i, owned) },
    baseAt: -1
  })
  #parsed = new Map<number, HistoryEvent>()
  #generation = 0

  /** Counts `reset()` calls, so that a view can tell a history that started over from one that grew. */
  get generation(): number {
    return this.#generation
  }

  /** The seq of entry 0 (the base). */
  get baseSeq(): number {
    return this.#baseSeq
  }

  /** Entries, the base included (0 before the first `reset`). */
  get length(): number {
    return this.#raw.length
  }

  /** The seq of the newest entry. */
  get lastSeq(): number {
    return this.#baseSeq + this.#raw.length - 1
  }

  /** Forgets everything and starts from `base` (the first event of a connection, or after a gap). */
  reset(base: StateInitialEvent, raw: string = JSON.stringify(base)): void {
    this.#baseSeq = base.seq
    this.#raw = []
    for (const c of [this.#type, this.#slice, this.#cause, this.#turn, this.#time]) c.clear()
    this.#states.restart({}, -1)
    this.#parsed.clear()
    this.#inPlace.clear()
    this.executions.clear()
    this.sliceNames.clear()
    this.actionTypes.clear()
    this.#generation++
    this.ingest(base, raw)
  }

  /**
   * Appends the next entry; the first one a store receives must be a `state.initial`, and sets the base seq.
   * An entry that throws leaves the store as it was.
   * @throws {RangeError} when its seq is not the next one (the caller reconnects)
   * @throws {PatchError} when it does not apply to the state (the caller reconnects)
   */
  ingest(event: HistoryEvent, raw: string): void {
    const index = this.#raw.length
    if (index === 0) {
      if (event.type !== 'state.initial') throw new RangeError(`the history starts with a state.initial, not a ${event.type}`)
      // The first entry may be a reset one that reached a new store: its seq is the base's.
      this.#baseSeq = event.seq
    } else if (event.seq !== this.#baseSeq + index) {
      throw new RangeError(`expected entry ${this.#baseSeq + index}, got ${event.seq}`)
    }
    // An entry that fails half-way leaves no part of itself in the head (the log computes it again).
    this.#states.advance((state, owned) => applyEvent(state, event, owned))
    this.#raw.push(raw)
    this.#type.push(TYPES.indexOf(event.type))
    if (event.type === 'state.update') {
      this.sliceNames.add(event.slice)
      this.actionTypes.add(event.cause.type)
      // A session file can hold anything the host let through: only a number names an entry.
      if (typeof event.detected?.since === 'number') this.#inPlace.set(index, event.detected.since)
    }
    this.#slice.push(event.type === 'state.update' ? this.names.id(event.slice) : -1)
    this.#cause.push(event.type === 'state.update' ? this.names.id(event.cause.type) : -1)
    this.#time.push(event.timestamp)
    // A reload, a new runtime or an import inside the history: executions start over with it.
    if (event.type === 'state.initial' && index > 0) this.executions.newLife(index)
    if (event.type === 'execution.status') this.executions.record(event, index, this.names)
    // A turn's own status entries are part of it, the one that ends it too.
    const ownTurn = event.type === 'execution.status' ? event.turnId : undefined
    this.#turn.push(ownTurn !== undefined ? this.names.id(ownTurn) : this.executions.activeTurn)
    // Later entries copy what they change, so the kept state stays as it is.
    if (index % CHECKPOINT_EVERY === 0) this.#states.checkpoint(index)
  }

  /** The index of a seq, or -1 when it is not held. */
  indexOf(seq: number): number {
    const i = seq - this.#baseSeq
    return i >= 0 && i < this.#raw.length ? i : -1
  }

  seqAt(index: number): number {
    return this.#baseSeq + index
  }

  type(index: number): HistoryEventType {
    return TYPES[this.#type.get(index)] as HistoryEventType
  }

  /** The slice of a `state.update`, else undefined. */
  slice(index: number): string | undefined {
    return this.names.name(this.#slice.get(index))
  }

  sliceId(index: number): number {
    return this.#slice.get(index)
  }

  /** The cause's action type of a `state.update`, else undefined. */
  causeType(index: number): string | undefined {
    return this.names.name(this.#cause.get(index))
  }

  causeId(index: number): number {
    return this.#cause.get(index)
  }

  /** The turn that was running when the entry was recorded, if any. */
  turn(index: number): string | undefined {
    return this.names.name(this.#turn.get(index))
  }

  /**
   * For an update verification found (its slice changed in place), the seq of the last entry known
   * exact before it (`detected.since`); undefined for every other entry.
   */
  inPlaceSince(index: number): number | undefined {
    return this.#inPlace.get(index)
  }

  time(index: number): number {
    return this.#time.get(index)
  }

  /** The entry's JSON, as received. */
  raw(index: number): string {
    return this.#raw[index] as string
  }

  /** The entry, parsed (a few thousand are kept parsed; the rest are parsed again when asked for). */
  event(index: number): HistoryEvent {
    let e = this.#parsed.get(index)
    if (e === undefined) {
      e = JSON.parse(this.raw(index)) as HistoryEvent
      if (this.#parsed.size >= PARSED_CACHE) this.#parsed.delete(this.#parsed.keys().next().value as number)
    } else {
      // Least recently used first: a Map iterates in insertion order, so a hit moves to the end.
      this.#parsed.delete(index)
    }
    this.#parsed.set(index, e)
    return e
  }

  /**
   * An entry parsed for a replay. Not kept in the parsed-entry cache: a replay reads hundreds of
   * entries once, and keeping them would make every one survive a garbage collection (and be
   * promoted) only to be dropped later.
   */
  #replayed(i: number): HistoryEvent {
    return this.#parsed.get(i) ?? (JSON.parse(this.#raw[i] as string) as HistoryEvent)
  }

  /**
   * The state right after entry `index`; shared with the store, never to be changed. A replay from
   * the latest known state at or before it (a checkpoint, or the state last asked for, so that
   * stepping through old entries costs one entry a step).
   */
  stateAt(index: number): Slices {
    if (index < 0 || index >= this.#raw.length) throw new RangeError(`no entry at index ${index} (the store holds ${this.#raw.length})`)
    return this.#states.stateAt(index)
  }

  #applyEntry(state: Slices, i: number, owned: Owned): Slices {
    const t = this.#type.get(i)
    return t === 0 || t === 1 ? applyEvent(state, this.#replayed(i), owned) : state
  }
}
