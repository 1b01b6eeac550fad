/**
 * The retained history: every entry with its global seq, as the SSE frames the events route sends.
 *
 * Entries live in segments of at most `SEGMENT_ENTRIES`; a `CheckpointLog` keeps the state just
 * before each segment's first entry (sharing structure with its neighbours), so the state right
 * after any retained entry is a checkpoint plus a replay of at most one segment. Before an entry
 * would take the history past its limits, the oldest segments are dropped (the segment being
 * written is closed early if need be) and the base moves up to the next checkpoint: their entries
 * are folded into the base, never lost from the state.
 *
 * The history knows no transport: consumers `subscribe` and read.
 */
import {
  HISTORY_EVENT_TYPES,
  type HistoryEvent,
  type HistoryEventType,
  type Json,
  type Operation,
  type Slices
} from '../../shared/protocol'
import { CheckpointLog } from '../../shared/checkpoint-log'
import { applyEvent, applyUpdate, type Owned } from '../../shared/state'
import { CHANGE_PATCHES, typeNumber, type ChangeSpan } from './entry'
import { Segment } from './segment'

/** How much history is kept; past either bound the oldest entries fold into the base. */
export interface HistoryLimits {
  /** @default 1_000_000 */
  maxEntries: number
  /** Bytes of stored frames. @default 512 MiB */
  maxBytes: number
}

/** The limits a history gets when none are given. */
export const DEFAULT_HISTORY_LIMITS: Readonly<HistoryLimits> = { maxEntries: 1_000_000, maxBytes: 512 * 1024 * 1024 }

/** A seq outside the retained history. */
export class RetentionError extends RangeError {
  override name = 'RetentionError'
}

export interface HistoryOptions {
  /** The state the first entry applies to. @default {} */
  base?: Slices
  /** The seq of the last entry the base includes. @default 0 */
  baseSeq?: number
  /** When the base came to be: the time the history began. @default Date.now() */
  baseTime?: number
  limits?: Partial<HistoryLimits>
}

export class History {
  #segments: Segment[]
  #limits: HistoryLimits
  #sliceIds = new Map<string, number>()
  #sliceNames: string[] = []
  #entries = 0
  #sealedBytes = 0
  /** A checkpoint at the start of each segment; replays apply entries through `#applyEntry`. */
  readonly #states: CheckpointLog
  /** The segment the last replayed entry was in: a replay reads one segment's entries in order. */
  #replaying: Segment | undefined
  #listeners = new Set<() => void>()
  #replaceListeners = new Set<() => void>()
  #generation = 0
  #baseTime: number

  constructor({ base = {}, baseSeq = 0, baseTime = Date.now(), limits = {} }: HistoryOptions = {}) {
    this.#limits = { ...DEFAULT_HISTORY_LIMITS, ...limits }
    this.#baseTime = baseTime
    this.#segments = [new Segment(baseSeq + 1)]
    this.#states = new CheckpointLog({
      entries: { applyEntry: (state, seq, owned) => this.#applyEntry(state, seq, owned) },
      base,
      baseAt: baseSeq,
      chunkArrays: true
    })
  }

  /** The seq of the last entry folded into the base. */
  get baseSeq(): number {
    return this.#first.firstSeq - 1
  }

  /** The seq of the newest entry (`baseSeq` when none is retained). */
  get lastSeq(): number {
    return this.#last.lastSeq
  }

  /**
   * The time of the base: when the history began, or, once older entries were folded into it,
   * the time of the last of them (the entry the base now stands for).
   */
  get baseTime(): number {
    return this.#baseTime
  }

  /** The time of the state right after `seq`: the base's for `baseSeq`, else the entry's own timestamp. */
  timeAt(seq: number): number {
    if (seq === this.baseSeq) return this.#baseTime
    return timestampOf(this.segment(seq).data(seq))
  }

  /** Retained entries. */
  get size(): number {
    return this.#entries
  }

  /** Bytes held by the retained frames. */
  get bytes(): number {
    return this.#sealedBytes + this.#last.bytes
  }

  get #first(): Segment {
    return this.#segments[0] as Segment
  }

  get #last(): Segment {
    return this.#segments[this.#segments.length - 1] as Segment
  }

  /** The state the retained entries apply to (right after `baseSeq`). */
  base(): Slices {
    return this.#states.base
  }

  /**
   * Records an entry and returns its seq. `body` is the entry's JSON without the opening brace,
   * `type` and `seq`; `slice` names the slice of a `state.update`, and `change` where its change
   * is in `body` when the caller knows (a replay then parses that alone).
   */
  append(type: HistoryEventType, slice: string | null, body: string | Uint8Array, change?: ChangeSpan): number {
    if (this.#last.full || (this.#last.count > 0 && this.#over(body))) this.#nextSegment()
    let dropped = false
    while (this.#segments.length > 1 && this.#over(body)) {
      const oldest = this.#segments.shift() as Segment
      // The base now stands for the oldest segment's last entry: it takes that entry's time.
      if (oldest.count > 0) this.#baseTime = timestampOf(oldest.data(oldest.lastSeq))
      this.#entries -= oldest.count
      this.#sealedBytes -= oldest.bytes
      dropped = true
    }
    if (dropped) this.#states.dropBefore(this.baseSeq)
    this.#entries++
    this.#states.append()
    return this.#last.append(typeNumber(type), slice === null ? -1 : this.sliceId(slice), body, change)
  }

  /** True when one more entry, with this body, would take the history past a limit. */
  #over(body: string | Uint8Array): boolean {
    return this.#entries + 1 > this.#limits.maxEntries || this.#sealedBytes + this.#last.bytesAfter(body) > this.#limits.maxBytes
  }

  /** Records an entry given as an event without its seq. */
  appendEvent(event: DistributiveOmit<HistoryEvent, 'seq'>): number {
    const { type, ...rest } = event
    const body = JSON.stringify(rest).slice(1)
    return this.append(type, type === 'state.update' ? (rest as { slice: string }).slice : null, body)
  }

  /** True when the next entry starts a new segment (and so a checkpoint is taken). */
  get segmentFull(): boolean {
    return this.#last.full
  }

  /**
   * Takes `state` as the state right after the newest entry, from a caller that built it (an
   * import, which applied every entry to check it): the next checkpoint is then taken from it
   * instead of replaying the segment. The caller must never change `state` afterwards.
   */
  offerHead(state: Slices): void {
    this.#states.offerHead(state)
  }

  /** Closes the segment being written and starts the next one, at a checkpoint. */
  #nextSegment(): void {
    const full = this.#last
    this.#states.checkpoint(full.lastSeq)
    const seg = new Segment(full.lastSeq + 1, full.usedBytes)
    full.trim()
    this.#sealedBytes += full.bytes
    this.#segments.push(seg)
  }

  /** Tells every subscriber that entries were appended (or the history replaced). */
  notify(): void {
    for (const listener of this.#listeners) listener()
  }

  /** Counts the times the history was replaced (`restart`, `adopt`): a reader holding seqs knows they now mean other entries. */
  get generation(): number {
    return this.#generation
  }

  /** Calls `listener` just before the history is replaced (its entries still readable); returns the unsubscribe function. */
  beforeReplace(listener: () => void): () => void {
    this.#replaceListeners.add(listener)
    return () => this.#replaceListeners.delete(listener)
  }

  #replacing(): void {
    for (const listener of this.#replaceListeners) listener()
    this.#generation++
  }

  /** Calls `listener` after each batch of appends; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** A small number for a slice name (entries store it, filters compare it). */
  sliceId(name: string): number {
    let id = this.#sliceIds.get(name)
    if (id === undefined) {
      id = this.#sliceNames.push(name) - 1
      this.#sliceIds.set(name, id)
    }
    return id
  }

  /** The segment holding `seq`, which must be retained. */
  segment(seq: number): Segment {
    this.#check(seq, this.baseSeq + 1)
    return findSegment(this.#segments, seq)
  }

  /** The type of a retained entry. */
  type(seq: number): HistoryEventType {
    return HISTORY_EVENT_TYPES[this.segment(seq).kind(seq)] as HistoryEventType
  }

  /** A retained entry, parsed. */
  event(seq: number): HistoryEvent {
    return JSON.parse(this.segment(seq).data(seq)) as HistoryEvent
  }

  /**
   * The state right after entry `seq` (the base for `baseSeq`): a replay from the latest known state
   * at or before it, its segment's checkpoint, the head or the state last asked for (so stepping
   * through old entries costs one entry a step). The result is shared with the history's
   * checkpoints and must not be changed. Long arrays in it may be `ChunkedArray`s, which
   * share their chunks with the checkpoints: its JSON is the plain state (`toPlain` gives it).
   * @throws {RetentionError} when `seq` is not retained
   */
  stateAt(seq: number): Slices {
    this.#check(seq, this.baseSeq)
    return this.#states.stateAt(seq)
  }

  /**
   * Applies one retained entry for a replay (see `CheckpointLog`): of a `state.update` whose
   * change's place is known, that change alone is parsed.
   */
  #applyEntry(state: Slices, seq: number, owned: Owned): Slices {
    let seg = this.#replaying
    if (seg === undefined || seq < seg.firstSeq || seq > seg.lastSeq) seg = this.#replaying = findSegment(this.#segments, seq)
    const kind = seg.kind(seq)
    if (kind === 1 && seg.changeKind(seq) !== 0) {
      const change = JSON.parse(seg.changeJson(seq)) as unknown
      const slice = this.#sliceNames[seg.sliceId(seq)] as string
      return applyUpdate(
        state,
        slice,
        seg.changeKind(seq) === CHANGE_PATCHES ? { patches: change as Operation[] } : { value: change as Json },
        owned
      )
    }
    return kind === 0 || kind === 1 ? applyEvent(state, JSON.parse(seg.data(seq)) as HistoryEvent, owned) : state
  }

  /**
   * A fixed view of what is retained now: later appends and drops do not change it, so a long
   * export reads a consistent history.
   */
  view(): HistoryView {
    const segments = this.#segments.slice()
    const first = segments[0] as Segment
    const lastSeq = this.lastSeq
    return {
      baseSeq: first.firstSeq - 1,
      lastSeq,
      base: this.base(),
      baseTime: this.#baseTime,
      segment: (seq) => findSegment(segments, seq)
    }
  }

  /** Drops every entry and starts again from `base` at `baseSeq`, which came to be at `time`. */
  restart(base: Slices, baseSeq: number, time = Date.now()): void {
    this.#replacing()
    this.#baseTime = time
    this.#segments = [new Segment(baseSeq + 1)]
    this.#states.restart(base, baseSeq)
    this.#replaying = undefined
    this.#entries = 0
    this.#sealedBytes = 0
  }

  /**
   * Takes over every entry `other` holds; `other` must not be used afterwards. Its entries are
   * renumbered to this history's slice numbers, which filters of open streams already hold.
   */
  adopt(other: History): void {
    this.#replacing()
    const table = other.#sliceNames.map((name) => this.sliceId(name))
    for (const seg of other.#segments) seg.remapSlices(table)
    this.#segments = other.#segments
    this.#states.adopt(other.#states)
    this.#baseTime = other.#baseTime
    this.#replaying = undefined
    this.#entries = other.#entries
    this.#sealedBytes = other.#sealedBytes
  }

  #check(seq: number, min: number): void {
    if (!Number.isSafeInteger(seq) || seq < min || seq > this.lastSeq) {
      throw new RetentionError(
        this.size === 0
          ? `entry ${seq} is not retained: the history holds no entries (its base is at ${this.baseSeq})`
          : `entry ${seq} is not retained: the history holds ${this.baseSeq + 1}..${this.lastSeq} (base ${this.baseSeq})`
      )
    }
  }
}

/** The segment holding `seq` (segments are in order, and may hold fewer than `SEGMENT_ENTRIES`). */
function findSegment(segments: readonly Segment[], seq: number): Segment {
  let lo = 0
  let hi = segments.length - 1
  // Most reads are of the newest entries.
  if ((segments[hi] as Segment).firstSeq <= seq) return segments[hi] as Segment
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if ((segments[mid] as Segment).firstSeq <= seq) lo = mid
    else hi = mid - 1
  }
  return segments[lo] as Segment
}

/** What `History.view` gives. */
export interface HistoryView {
  readonly baseSeq: number
  readonly lastSeq: number
  readonly base: Slices
  /** When the base came to be (see `History.baseTime`). */
  readonly baseTime: number
  /** The segment of a seq in `baseSeq + 1`..`lastSeq`. */
  segment(seq: number): Segment
}

/** An entry's own timestamp, from its JSON (every entry has one; `checkEvent` requires it of a file's). */
function timestampOf(json: string): number {
  const { timestamp } = JSON.parse(json) as { timestamp?: unknown }
  return typeof timestamp === 'number' ? timestamp : Number.NaN
}

/** `Omit` over each member of a union. */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never
