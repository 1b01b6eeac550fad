/**
 * The host's side of `Attribution`: the seqs the entries of each open dispatch were given as the
 * history recorded them, so that `POST /actions` answers the action's own first and last entry.
 * A dispatch is open from `open()` until its answer is taken (`result`); entries of a dispatch
 * answered already (an async one answered 202) are not tracked, so the ledger holds only the
 * dispatches in flight.
 */
import type { BatchReader, ChangeSpan } from '../recorder/entry'
import type { HistoryEventType } from '../../shared/protocol'
import type { RuntimeBatch } from './messages'

/** The entries of one dispatch: how many, and the first and last seq (none when `count` is 0). */
export interface OwnEntries {
  count: number
  first?: number
  last?: number
}

interface Open {
  own: OwnEntries
  /** The answer waits for this many entries (some are on their way: held while a session imports). */
  expected: number
  done?: () => void
}

export class DispatchLedger {
  readonly #open = new Map<number, Open>()
  #next = 1

  /** A new dispatch; its number goes with the command (`n`). */
  open(): number {
    const n = this.#next++
    this.#open.set(n, { own: { count: 0 }, expected: 0 })
    return n
  }

  /**
   * Dispatch `n`'s entries, once `expected` of them (the worker's count) are recorded, or at once
   * if not given, and at the latest after `waitMs` (then those recorded so far); the dispatch is closed.
   */
  async result(n: number, expected = 0, waitMs = 10_000): Promise<OwnEntries> {
    const open = this.#open.get(n)
    if (open === undefined) return { count: 0 }
    if (open.own.count < expected) {
      open.expected = expected
      let timer: NodeJS.Timeout | undefined
      await new Promise<void>((resolve) => {
        open.done = resolve
        timer = setTimeout(resolve, waitMs)
      })
      clearTimeout(timer)
    }
    this.#open.delete(n)
    return open.own
  }

  /** Forgets dispatch `n` (it failed). */
  close(n: number): void {
    this.#open.delete(n)
  }

  /**
   * Answers every dispatch waiting for entries with those it has: the runtime that would record
   * the rest is gone (stopped, replaced, or its entries dropped by an import).
   */
  release(): void {
    for (const open of this.#open.values()) open.done?.()
  }

  /**
   * `inner`, noting the seq of each entry of an open dispatch as it is recorded.
   * @param lastSeq the history's last seq, read right after each entry
   */
  reader(batch: RuntimeBatch, inner: BatchReader, lastSeq: () => number): BatchReader {
    const runs = batch.owners
    if (runs === undefined || this.#open.size === 0) return inner
    let row = 0
    let run = 0
    return {
      entry: (type: HistoryEventType, slice: string | null, body: string, span: ChangeSpan | undefined, flags: number) => {
        inner.entry(type, slice, body, span, flags)
        while (run < runs.length && (runs[run + 2] as number) <= row) run += 3
        if (run < runs.length && (runs[run + 1] as number) <= row) this.#note(runs[run] as number, lastSeq())
        row++
      },
      verified: () => {
        inner.verified()
        row++
      }
    }
  }

  #note(n: number, seq: number): void {
    const open = this.#open.get(n)
    if (open === undefined) return
    const own = open.own
    own.count++
    own.first ??= seq
    own.last = seq
    if (open.done !== undefined && own.count >= open.expected) open.done()
  }
}
