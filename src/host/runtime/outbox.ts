/**
 * Batches the worker's entries into few messages: a burst of changes inside one dispatch becomes
 * one message, and a long burst is still sent in bounded pieces. Each batch says which of its
 * rows belong to which dispatch (`RuntimeBatch.owners`).
 */
import type { HistoryEventType } from '../../shared/protocol'
import { NOTE_TAG } from '../../shared/notes'
import { BatchWriter, type ChangeSpan } from '../recorder/entry'
import type { EntrySink } from '../recorder/recorder'
import { NO_DISPATCH } from './attribution'
import { real } from './effects/real'
import type { EffectLog } from './effects/record'
import type { RuntimeBatch } from './messages'

/** Entries a batch holds before it is sent without waiting for the burst to end. */
export const BATCH_ENTRIES = 2048
/** Characters of JSON a batch holds before it is sent. */
export const BATCH_CHARS = 1 << 20

export class Outbox implements EntrySink {
  #writer = new BatchWriter()
  /** Runs of rows of one dispatch: its number, from, to (see `RuntimeBatch.owners`). */
  #owners: number[] = []
  #scheduled = false
  #sent = 0
  /**
   * The effects recorded in this thread (./effects/): written as an `effects` note just before the
   * next entry, and before a batch is sent, so that each note sits exactly where its effects happened.
   */
  effects: EffectLog | undefined

  /**
   * @param send posts a batch to the host
   * @param ownerOf the dispatch an entry written now belongs to, given its flags (`NO_DISPATCH` if none)
   */
  constructor(
    private readonly send: (batch: RuntimeBatch) => void,
    private readonly ownerOf: (flags: number) => number = () => NO_DISPATCH
  ) {}

  /** Batches sent so far. */
  get sent(): number {
    return this.#sent
  }

  entry(type: HistoryEventType, slice: string | null, body: string, span?: ChangeSpan, flags = 0): void {
    this.#writeEffects()
    const n = this.ownerOf(flags)
    if (n !== NO_DISPATCH) this.#own(n, this.#writer.size)
    this.#writer.entry(type, slice, body, span, flags)
    this.#queued()
  }

  verified(): void {
    this.#writer.verified()
    this.#queued()
  }

  #own(n: number, row: number): void {
    const runs = this.#owners
    const last = runs.length - 3
    if (last >= 0 && runs[last] === n && runs[last + 2] === row) runs[last + 2] = row + 1
    else runs.push(n, row, row + 1)
  }

  #queued(): void {
    if (this.#writer.size >= BATCH_ENTRIES || this.#writer.chars >= BATCH_CHARS) this.flush()
    else if (!this.#scheduled) {
      this.#scheduled = true
      real.setImmediate(() => this.flush())
    }
  }

  /** Sends what is queued, now. */
  flush(): void {
    this.#scheduled = false
    this.#writeEffects()
    if (this.#writer.size === 0) return
    this.#sent++
    const batch: RuntimeBatch = this.#writer.take()
    if (this.#owners.length > 0) {
      batch.owners = this.#owners
      this.#owners = []
    }
    this.send(batch)
  }

  /** The effects logged since the last entry, as a note of no dispatch (never one of an action's own entries). */
  #writeEffects(): void {
    const effects = this.effects?.take()
    if (effects === undefined) return
    const note = JSON.stringify({ note: 'effects', effects })
    this.#writer.entry('custom-event', null, `"data":{${JSON.stringify(NOTE_TAG)}:${note}},"timestamp":${real.dateNow()}}`)
  }
}
