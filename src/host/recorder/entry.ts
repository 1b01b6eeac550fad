/**
 * One recorded entry on its way from the runtime's thread to the history: its body (the entry's
 * JSON after `type` and `seq`, built once, as text), where a `state.update`'s change is in it, and
 * the batches that carry entries across the thread boundary as a few parallel arrays (cheap to
 * clone). The recorder writes entries with `BatchWriter`; the host reads them with `readBatch`.
 */
import { HISTORY_EVENT_TYPES, type HistoryEventType } from '../../shared/protocol'
import type { SliceChange } from './snapshot'

/** A `ChangeSpan` kind: the JSON is a `state.update`'s `patches`. */
export const CHANGE_PATCHES = 1
/** A `ChangeSpan` kind: the JSON is a `state.update`'s `value`. */
export const CHANGE_VALUE = 2

/**
 * Where the change of a `state.update` (its `patches` or its `value`) is in the entry's body, in
 * UTF-16 units from `from` to `to`: a replay parses that JSON alone, not the cause and the rest.
 * Both fall next to ASCII punctuation (`:` before, `,` after), never inside a surrogate pair.
 */
export interface ChangeSpan {
  kind: typeof CHANGE_PATCHES | typeof CHANGE_VALUE
  from: number
  to: number
}

/** The small number entries of a type are stored by (in a batch, a segment, the window's columns). */
export function typeNumber(type: HistoryEventType): number {
  return HISTORY_EVENT_TYPES.indexOf(type)
}

/** An update found by verification: the host adds `detected` (with the last entry known exact) to its body. */
export const ENTRY_DETECTED = 1
/** The runtime reported a change handing back the same object: the slice is compared in full from this entry on. */
export const ENTRY_REPORTED_IN_PLACE = 2

/** A batch row that is no entry: everything recorded before it was verified exact. */
const ROW_VERIFIED = 15
/** Row numbers: the entry type's number in the low 4 bits, its flags above. */
const FLAG_SHIFT = 4

/** Entries recorded in the runtime's thread, in order, as parallel arrays. */
export interface EntryBatch {
  t: 'entries'
  /** Per row: the entry type's number and its flags (see `BatchWriter.entry`), or a verification mark. */
  rows: number[]
  /** The slice of each `state.update`, else null. */
  slices: (string | null)[]
  /** Each entry's body (see `Segment.append`); empty for a mark. */
  bodies: string[]
  /** Three numbers a row: its `ChangeSpan` (kind, from, to), or `0, 0, 0`. */
  changes: number[]
}

/** The body of a `state.update`: `"slice":…,"patches"|"value"|"removed":…,"cause":…,"timestamp":…}`, and where its change is. */
export function updateBody(slice: string, change: SliceChange, causeJson: string, timestamp: number): { body: string; span?: ChangeSpan } {
  const head = `"slice":${JSON.stringify(slice)},`
  const tail = `,"cause":${causeJson},"timestamp":${timestamp}}`
  if ('removed' in change) return { body: `${head}"removed":true${tail}` }
  const patches = 'patches' in change
  const key = patches ? '"patches":' : '"value":'
  const json = JSON.stringify(patches ? change.patches : change.value)
  const from = head.length + key.length
  return { body: head + key + json + tail, span: { kind: patches ? CHANGE_PATCHES : CHANGE_VALUE, from, to: from + json.length } }
}

/** Collects rows into the arrays of an `EntryBatch`. */
export class BatchWriter {
  #rows: number[] = []
  #slices: (string | null)[] = []
  #bodies: string[] = []
  #changes: number[] = []
  #chars = 0

  /** Rows written since the last `take`. */
  get size(): number {
    return this.#rows.length
  }

  /** Characters of bodies written since the last `take`. */
  get chars(): number {
    return this.#chars
  }

  /** Writes an entry; `flags` are `ENTRY_DETECTED` and `ENTRY_REPORTED_IN_PLACE`. */
  entry(type: HistoryEventType, slice: string | null, body: string, span?: ChangeSpan, flags = 0): void {
    this.#row(typeNumber(type) | (flags << FLAG_SHIFT), slice, body, span)
  }

  /** Writes a mark: every entry before it was verified exact. */
  verified(): void {
    this.#row(ROW_VERIFIED, null, '', undefined)
  }

  #row(row: number, slice: string | null, body: string, span: ChangeSpan | undefined): void {
    this.#rows.push(row)
    this.#slices.push(slice)
    this.#bodies.push(body)
    if (span === undefined) this.#changes.push(0, 0, 0)
    else this.#changes.push(span.kind, span.from, span.to)
    this.#chars += body.length
  }

  /** The batch written so far; the writer starts a new one. */
  take(): EntryBatch {
    const batch: EntryBatch = { t: 'entries', rows: this.#rows, slices: this.#slices, bodies: this.#bodies, changes: this.#changes }
    this.#rows = []
    this.#slices = []
    this.#bodies = []
    this.#changes = []
    this.#chars = 0
    return batch
  }
}

/** What `readBatch` calls for each row. */
export interface BatchReader {
  entry(type: HistoryEventType, slice: string | null, body: string, span: ChangeSpan | undefined, flags: number): void
  verified(): void
}

/** Reads a batch's rows in order. */
export function readBatch(batch: EntryBatch, reader: BatchReader): void {
  const { rows, slices, bodies, changes } = batch
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as number
    if (row === ROW_VERIFIED) {
      reader.verified()
      continue
    }
    const kind = changes[3 * i] as number
    const span =
      kind === 0 ? undefined : { kind: kind as ChangeSpan['kind'], from: changes[3 * i + 1] as number, to: changes[3 * i + 2] as number }
    reader.entry(HISTORY_EVENT_TYPES[row & 15] as HistoryEventType, slices[i] ?? null, bodies[i] as string, span, row >> FLAG_SHIFT)
  }
}
