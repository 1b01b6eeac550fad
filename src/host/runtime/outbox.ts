/**
 * Batches the worker's entries into few messages: a burst of changes inside one dispatch becomes
 * one message, and a long burst is still sent in bounded pieces.
 */
import type { HistoryEventType } from '../../shared/protocol'
import type { ChangeSpan } from '../recorder/segment'
import type { EntryBatch } from './messages'

/** Entries a batch holds before it is sent without waiting for the burst to end. */
export const BATCH_ENTRIES = 2048
/** Characters of JSON a batch holds before it is sent. */
export const BATCH_CHARS = 1 << 20

export class Outbox {
  #types: HistoryEventType[] = []
  #slices: (string | null)[] = []
  #bodies: string[] = []
  #changes: number[] = []
  #chars = 0
  #scheduled = false

  constructor(private readonly send: (batch: EntryBatch) => void) {}

  /** Queues an entry; `fields` are its JSON fields after `type` and `seq`, in order. */
  push(type: HistoryEventType, slice: string | null, fields: object): void {
    this.pushBody(type, slice, JSON.stringify(fields).slice(1))
  }

  /**
   * Queues an entry given as its body: its JSON after `type` and `seq`, without the opening brace;
   * `change` says where a `state.update`'s patches or value are in it.
   */
  pushBody(type: HistoryEventType, slice: string | null, body: string, change?: ChangeSpan): void {
    this.#types.push(type)
    this.#slices.push(slice)
    this.#bodies.push(body)
    if (change === undefined) this.#changes.push(0, 0, 0)
    else this.#changes.push(change.kind, change.from, change.to)
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
    this.send({ t: 'entries', types: this.#types, slices: this.#slices, bodies: this.#bodies, changes: this.#changes })
    this.#types = []
    this.#slices = []
    this.#bodies = []
    this.#changes = []
    this.#chars = 0
  }
}
