/**
 * A look at every entry of a range, in slices of a few milliseconds with `setImmediate` between
 * them, so that recording, the stream and the API never wait on it. Cancellable; it says how far
 * it has gone.
 */
import { performance } from 'node:perf_hooks'
import type { WatchScan } from '../../shared/watches'

export interface ScanOptions {
  /** The first entry to look at. */
  from: number
  /** The last entry to look at. */
  to: number
  /** Looks at one entry. */
  step(seq: number): void
  /** The first entry still retained: the scan skips entries dropped while it runs. */
  floor(): number
  /** After each slice of work, and once at the end. */
  onProgress(): void
  /** Milliseconds of work a slice. @default 4 */
  sliceMs?: number
}

/** Entries looked at between two readings of the clock. */
const CLOCK_EVERY = 16

export class Scan {
  #next: number
  #state: WatchScan['state'] = 'scanning'
  #timer: NodeJS.Immediate | undefined

  constructor(private readonly options: ScanOptions) {
    this.#next = options.from
    if (options.from > options.to) this.#state = 'done'
    else this.#timer = setImmediate(() => this.#work())
  }

  get progress(): WatchScan {
    const { from, to } = this.options
    return { state: this.#state, done: Math.min(this.#next, to + 1) - from, total: Math.max(0, to - from + 1) }
  }

  /** Stops it where it is; the entries not looked at are never looked at. */
  cancel(): boolean {
    if (this.#state !== 'scanning') return false
    this.#state = 'cancelled'
    if (this.#timer !== undefined) clearImmediate(this.#timer)
    this.#timer = undefined
    return true
  }

  #work(): void {
    this.#timer = undefined
    const { to, step, floor, onProgress, sliceMs = 4 } = this.options
    const end = performance.now() + sliceMs
    this.#next = Math.max(this.#next, floor())
    let n = 0
    while (this.#next <= to) {
      step(this.#next++)
      if (++n % CLOCK_EVERY === 0 && performance.now() >= end) break
    }
    if (this.#next > to) this.#state = 'done'
    else this.#timer = setImmediate(() => this.#work())
    onProgress()
  }
}
