/**
 * Batches the worker's entries into few messages: a burst of changes inside one dispatch becomes
 * one message, and a long burst is still sent in bounded pieces.
 */
import type { HistoryEventType } from '../../shared/protocol'
import type { EntryBatch } from './messages'

/** Entries a batch holds before it is sent without waiting for the burst to end. */
export const BATCH_ENTRIES = 2048
/** Characters of JSON a batch holds before it is sent. */
export const BATCH_CHARS = 1 << 20

export class Outbox {
  #types: HistoryEventType[] = []
  #slices: (string | null)[] = []
  #bodies: string[] = []
  #chars = 0
  #scheduled = false

  constructor(private readonly send: (batch: EntryBatch) => void) {}

  /** Queues an entry; `fields` are its JSON fields after `type` and `seq`, in order. */
  push(type: HistoryEventType, slice: string | null, fields: object): void {
    this.pushBody(type, slice, JSON.stringify(fields).slice(1))
  }

  /** Queues an entry given as its body: its JSON after `type` and `seq`, without the opening brace. */
  pushBody(type: HistoryEventType, slice: string | null, body: string): void {
    this.#types.push(type)
    this.#slices.push(slice)
    this.#bodies.push(body)
    this.#chars += body.length
    if (this.#bodies.length >= BATCH_ENTRIES || this.#chars >= BATCH_CHARS) this.flush()
    else if (!this.#scheduled) {
      this.#scheduled = true
      setImmediate(() => this.flush())
    }
  }

  /** Sends what is queued, now. */
  flush(): void {
    this.#scheduled = false
    if (this.#bodies.length === 0) return
    this.send({ t: 'entries', types: this.#types, slices: this.#slices, bodies: this.#bodies })
    this.#types = []
    this.#slices = []
    this.#bodies = []
    this.#chars = 0
  }
}
