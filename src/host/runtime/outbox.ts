/**
 * Batches the worker's entries into few messages: a burst of changes inside one dispatch becomes
 * one message, and a long burst is still sent in bounded pieces.
 */
import type { HistoryEventType } from '../../shared/protocol'
import { BatchWriter, type ChangeSpan, type EntryBatch } from '../recorder/entry'
import type { EntrySink } from '../recorder/recorder'

/** Entries a batch holds before it is sent without waiting for the burst to end. */
export const BATCH_ENTRIES = 2048
/** Characters of JSON a batch holds before it is sent. */
export const BATCH_CHARS = 1 << 20

export class Outbox implements EntrySink {
  #writer = new BatchWriter()
  #scheduled = false
  #sent = 0

  constructor(private readonly send: (batch: EntryBatch) => void) {}

  /** Batches sent so far. */
  get sent(): number {
    return this.#sent
  }

  entry(type: HistoryEventType, slice: string | null, body: string, span?: ChangeSpan, flags?: number): void {
    this.#writer.entry(type, slice, body, span, flags)
    this.#queued()
  }

  verified(): void {
    this.#writer.verified()
    this.#queued()
  }

  #queued(): void {
    if (this.#writer.size >= BATCH_ENTRIES || this.#writer.chars >= BATCH_CHARS) this.flush()
    else if (!this.#scheduled) {
      this.#scheduled = true
      setImmediate(() => this.flush())
    }
  }

  /** Sends what is queued, now. */
  flush(): void {
    this.#scheduled = false
    if (this.#writer.size === 0) return
    this.#sent++
    this.send(this.#writer.take())
  }
}
