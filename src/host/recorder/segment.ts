/**
 * A run of consecutive history entries stored as the exact bytes of their SSE frames (the history
 * keeps the state just before its first entry as a checkpoint). Frames are written once and then
 * only read: every client and every export reads the same bytes.
 */
import { HISTORY_EVENT_TYPES } from '../../shared/protocol'
import type { ChangeSpan } from './entry'

/** Entries a segment holds: the longest replay `stateAt` ever does. */
export const SEGMENT_ENTRIES = 1024

const INITIAL_BYTES = 64 * 1024

/** The bytes before an entry's JSON in its frame: `id: N\nevent: TYPE\ndata: `. */
function headerLength(seq: number, kind: number): number {
  return 4 + String(seq).length + 8 + (HISTORY_EVENT_TYPES[kind] as string).length + 7
}

/**
 * The most bytes the frame of an entry with this body can take: the body and at most 128 bytes of
 * header and `type`/`seq`; a body given as text at 3 bytes of UTF-8 a UTF-16 unit at most.
 */
export function maxFrameBytes(body: string | Uint8Array): number {
  return typeof body === 'string' ? (body.length + 128) * 3 : body.length + 128
}

const FRAME_END = 0x0a

export class Segment {
  count = 0
  #buf: Buffer
  #used = 0
  readonly #ends = new Uint32Array(SEGMENT_ENTRIES)
  readonly #kinds = new Uint8Array(SEGMENT_ENTRIES)
  readonly #slices = new Int32Array(SEGMENT_ENTRIES)
  /** Per entry: 0, or the kind of its change (see `ChangeSpan`), whose bytes are `#changeStarts`..`#changeEnds`. */
  readonly #changeKinds = new Uint8Array(SEGMENT_ENTRIES)
  readonly #changeStarts = new Uint32Array(SEGMENT_ENTRIES)
  readonly #changeEnds = new Uint32Array(SEGMENT_ENTRIES)

  /**
   * @param firstSeq the seq of the first entry it will hold
   * @param capacity bytes to start with: what the previous segment needed, so that a steady
   *   stream of entries fills its buffer without growing (and copying) it
   */
  constructor(
    readonly firstSeq: number,
    capacity = INITIAL_BYTES
  ) {
    this.#buf = Buffer.allocUnsafe(Math.max(INITIAL_BYTES, Math.ceil(capacity * 1.1)))
  }

  get full(): boolean {
    return this.count === SEGMENT_ENTRIES
  }

  get lastSeq(): number {
    return this.firstSeq + this.count - 1
  }

  /** Bytes of the frames written. */
  get usedBytes(): number {
    return this.#used
  }

  /** Bytes held, counting the unused room of the buffer. */
  get bytes(): number {
    return this.#buf.length
  }

  /** What `bytes` will be, at most, once an entry with this body is appended. */
  bytesAfter(body: string | Uint8Array): number {
    const needed = this.#used + maxFrameBytes(body)
    let size = this.#buf.length
    while (size < needed) size *= 2
    return size
  }

  /**
   * Stores the entry with the next seq. `body` is its JSON without the opening brace and without
   * `type` and `seq` (which this adds in front), e.g. `"slice":"a","value":1,"timestamp":5}`, as
   * text or as its UTF-8 bytes (an import's line, stored without decoding and encoding it again);
   * `change`, where a `state.update`'s change is in a body given as text, when the caller knows.
   */
  append(kind: number, sliceId: number, body: string | Uint8Array, change?: ChangeSpan): number {
    const seq = this.firstSeq + this.count
    const type = HISTORY_EVENT_TYPES[kind] as string
    const header = `id: ${seq}\nevent: ${type}\ndata: {"type":"${type}","seq":${seq},`
    this.#reserve(maxFrameBytes(body))
    if (typeof body !== 'string') {
      this.#used += this.#buf.write(header, this.#used, 'latin1')
      this.#buf.set(body, this.#used)
      this.#used += body.length
      this.#buf[this.#used++] = FRAME_END
      this.#buf[this.#used++] = FRAME_END
      this.#changeKinds[this.count] = 0
      return this.#stored(kind, sliceId, seq)
    }
    const frame = `${header}${body}\n\n`
    const start = this.#used
    const written = this.#buf.write(frame, start, 'utf8')
    this.#used += written
    this.#changeKinds[this.count] = change === undefined ? 0 : change.kind
    if (change !== undefined) {
      // A frame of ASCII alone (most are) has a byte a character: the change's place carries over.
      // The header always is ASCII.
      const ascii = written === frame.length
      const from = start + header.length + (ascii ? change.from : Buffer.byteLength(body.slice(0, change.from), 'utf8'))
      this.#changeStarts[this.count] = from
      this.#changeEnds[this.count] =
        from + (ascii ? change.to - change.from : Buffer.byteLength(body.slice(change.from, change.to), 'utf8'))
    }
    return this.#stored(kind, sliceId, seq)
  }

  #stored(kind: number, sliceId: number, seq: number): number {
    this.#ends[this.count] = this.#used
    this.#kinds[this.count] = kind
    this.#slices[this.count] = sliceId
    this.count++
    return seq
  }

  /** Renumbers the slice of every entry: `table[old]` is the new number. */
  remapSlices(table: readonly number[]): void {
    for (let i = 0; i < this.count; i++) {
      const id = this.#slices[i] as number
      if (id >= 0) this.#slices[i] = table[id] as number
    }
  }

  /** Gives back the room a full segment no longer needs. */
  trim(): void {
    if (this.#buf.length - this.#used < 4096) return
    const exact = Buffer.allocUnsafeSlow(this.#used)
    this.#buf.copy(exact, 0, 0, this.#used)
    this.#buf = exact
  }

  #reserve(extra: number): void {
    if (this.#used + extra <= this.#buf.length) return
    let size = this.#buf.length * 2
    while (size < this.#used + extra) size *= 2
    const grown = Buffer.allocUnsafe(size)
    this.#buf.copy(grown, 0, 0, this.#used)
    this.#buf = grown
  }

  #startOf(i: number): number {
    return i === 0 ? 0 : (this.#ends[i - 1] as number)
  }

  kind(seq: number): number {
    return this.#kinds[seq - this.firstSeq] as number
  }

  sliceId(seq: number): number {
    return this.#slices[seq - this.firstSeq] as number
  }

  /** The frame of one entry. */
  frame(seq: number): Buffer {
    const i = seq - this.firstSeq
    return this.#buf.subarray(this.#startOf(i), this.#ends[i])
  }

  /** The frames of entries `from`..`to` (inclusive), as one view of the stored bytes. */
  frames(from: number, to: number): Buffer {
    return this.#buf.subarray(this.#startOf(from - this.firstSeq), this.#ends[to - this.firstSeq])
  }

  /**
   * As many consecutive frames from `from` on as fit in `maxBytes` (at least one), up to `last`:
   * one view of the stored bytes, and the seq of the last frame in it.
   */
  framesWithin(from: number, last: number, maxBytes: number): { bytes: Buffer; to: number } {
    const start = this.#startOf(from - this.firstSeq)
    let i = from - this.firstSeq
    const end = Math.min(last, this.lastSeq) - this.firstSeq
    while (i < end && (this.#ends[i + 1] as number) - start <= maxBytes) i++
    return { bytes: this.#buf.subarray(start, this.#ends[i]), to: this.firstSeq + i }
  }

  /** The JSON of one entry, as bytes. */
  dataBytes(seq: number): Buffer {
    const i = seq - this.firstSeq
    const start = this.#startOf(i) + headerLength(seq, this.#kinds[i] as number)
    return this.#buf.subarray(start, (this.#ends[i] as number) - 2)
  }

  /** Bytes the JSON of entries `from`..`to` (inclusive) takes, each with a newline after it (a session file's lines). */
  dataLinesLength(from: number, to: number): number {
    let size = 0
    for (let seq = from; seq <= to; seq++) {
      const i = seq - this.firstSeq
      size += (this.#ends[i] as number) - 2 - (this.#startOf(i) + headerLength(seq, this.#kinds[i] as number)) + 1
    }
    return size
  }

  /**
   * Copies the JSON of entries `from`..`to` (inclusive), each followed by a newline, into `target`
   * at `at`, without a view of each (a journal copies thousands a tick); returns where it ended.
   */
  copyDataLines(from: number, to: number, target: Uint8Array, at: number): number {
    for (let seq = from; seq <= to; seq++) {
      const i = seq - this.firstSeq
      const start = this.#startOf(i) + headerLength(seq, this.#kinds[i] as number)
      at += this.#buf.copy(target, at, start, (this.#ends[i] as number) - 2)
      target[at++] = FRAME_END
    }
    return at
  }

  /** The JSON of one entry. */
  data(seq: number): string {
    return this.dataBytes(seq).toString('utf8')
  }

  /** The kind of a `state.update`'s change whose place in the entry is known (see `ChangeSpan`), else 0. */
  changeKind(seq: number): number {
    return this.#changeKinds[seq - this.firstSeq] as number
  }

  /** The JSON of an entry's change, when `changeKind` is not 0. */
  changeJson(seq: number): string {
    const i = seq - this.firstSeq
    return this.#buf.toString('utf8', this.#changeStarts[i], this.#changeEnds[i])
  }
}
