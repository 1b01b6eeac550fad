/**
 * Histories for the window's model tests, written as the host would send them: each entry gets
 * the next seq and a timestamp 10 ms after the one before, starting from a base `state.initial`.
 */
import type {
  Cause,
  CustomEvent,
  ExecutionStatusEvent,
  HistoryEvent,
  Json,
  Operation,
  Slices,
  StateInitialEvent,
  StateUpdateEvent
} from '../../../src/shared/protocol'
import { VERIFICATION_CAUSE } from '../../../src/shared/protocol'
import { HistoryStore } from '../../../src/renderer/src/lib/model/store'

/** What a `state.update` carries: patches, a whole value, or the slice's removal. */
export type Change = { patches: Operation[] } | { value: Json } | { removed: true }

/** The timestamp of the entry with this seq in every log. */
export const timeOf = (seq: number): number => 1_000_000 + seq * 10

export class Log {
  readonly events: HistoryEvent[] = []

  constructor(slices: Slices = {}, baseSeq = 0) {
    this.events.push({ type: 'state.initial', seq: baseSeq, slices, timestamp: timeOf(baseSeq) })
  }

  /** The seq the next entry gets. */
  get next(): number {
    return (this.events[this.events.length - 1] as HistoryEvent).seq + 1
  }

  get base(): StateInitialEvent {
    return this.events[0] as StateInitialEvent
  }

  update(slice: string, change: Change, cause: Cause = { type: 'set' }): this {
    const e: StateUpdateEvent = { type: 'state.update', seq: this.next, slice, cause, timestamp: timeOf(this.next), ...change }
    this.events.push(e)
    return this
  }

  /** An update the host's verification found: the slice changed in place after entry `since`. */
  found(slice: string, change: Change, since: number): this {
    const seq = this.next
    const e: StateUpdateEvent = {
      type: 'state.update',
      seq,
      slice,
      cause: { type: VERIFICATION_CAUSE },
      timestamp: timeOf(seq),
      ...change,
      detected: { inPlace: true, since }
    }
    this.events.push(e)
    return this
  }

  /** A load, reload or import: a `state.initial` recorded in the history. */
  reset(slices: Slices): this {
    this.events.push({ type: 'state.initial', seq: this.next, slices, timestamp: timeOf(this.next), reset: true })
    return this
  }

  status(status: string, executionId: string, more: { turnId?: string; error?: string; timestamp?: number } = {}): this {
    const { timestamp = timeOf(this.next), ...rest } = more
    const e: ExecutionStatusEvent = { type: 'execution.status', seq: this.next, status, executionId, timestamp, ...rest }
    this.events.push(e)
    return this
  }

  custom(data: Json): this {
    const e: CustomEvent = { type: 'custom-event', seq: this.next, data, timestamp: timeOf(this.next) }
    this.events.push(e)
    return this
  }

  /** A store that received this log, each entry as its JSON. */
  store(): HistoryStore {
    const store = new HistoryStore()
    store.reset(this.base)
    for (const e of this.events.slice(1)) store.ingest(e, JSON.stringify(e))
    return store
  }
}

/** Feeds a store the entries of a log it does not have yet. */
export function feed(store: HistoryStore, log: Log): void {
  for (const e of log.events) if (e.seq > store.lastSeq) store.ingest(e, JSON.stringify(e))
}
