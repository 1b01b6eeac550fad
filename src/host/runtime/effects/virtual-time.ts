/**
 * Virtual timers for a replay: a runtime's `setTimeout`, `setInterval` and `setImmediate` make
 * timers that never fire by themselves. The replay fires them by number, in the order the
 * recording says they fired, without waiting for any real time to pass. A timer is numbered in
 * the order the runtime created it, as the recording numbered them.
 */
import type { TimerCallback, TimerKind } from './globals'
import { real } from './real'

/** What a runtime holds for a virtual timer: Node's `Timeout` methods, which change nothing here. */
export class VirtualTimer {
  constructor(
    readonly id: number,
    readonly kind: TimerKind,
    readonly callback: TimerCallback,
    readonly args: unknown[],
    private readonly table: VirtualTimers,
    /** The delay it was set with (a resume gives a real timer this delay when it hands it over). */
    readonly ms: number = 0
  ) {}
  ref(): this {
    return this
  }
  unref(): this {
    return this
  }
  hasRef(): boolean {
    return true
  }
  refresh(): this {
    return this
  }
  close(): this {
    this.table.clear(this)
    return this
  }
  [Symbol.toPrimitive](): number {
    return this.id
  }
}

export class VirtualTimers {
  #count = 0
  readonly #live = new Map<number, VirtualTimer>()
  /** Timers handed over to real ones (a resume going live): how to clear each. */
  readonly #handed = new Map<number, () => void>()

  /** Timers created so far. */
  get created(): number {
    return this.#count
  }

  create(kind: TimerKind, callback: TimerCallback, args: unknown[], ms = 0): VirtualTimer {
    const timer = new VirtualTimer(++this.#count, kind, callback, args, this, ms)
    this.#live.set(timer.id, timer)
    return timer
  }

  /** Clears a virtual timer (or its number); false when `handle` is not one. */
  clear(handle: unknown): boolean {
    const id = handle instanceof VirtualTimer ? handle.id : typeof handle === 'number' ? handle : undefined
    if (id === undefined) return false
    const handed = this.#handed.get(id)
    if (handed !== undefined && (handle instanceof VirtualTimer || !this.#live.has(id))) {
      this.#handed.delete(id)
      handed()
      return true
    }
    if (handle instanceof VirtualTimer || this.#live.has(id)) {
      this.#live.delete(id)
      return true
    }
    return false
  }

  /**
   * Fires timer `id` in a turn of its own, as the event loop would (what it throws reaches the
   * thread's `uncaughtException`); resolves once it has run. False when no such timer is pending
   * (never created, cleared, or a timeout or immediate that fired already).
   */
  fire(id: number): Promise<boolean> {
    const timer = this.#live.get(id)
    if (timer === undefined) return Promise.resolve(false)
    if (timer.kind !== 'interval') this.#live.delete(id)
    return new Promise((resolve) =>
      real.setImmediate(() => {
        resolve(true)
        // Node calls a timer's callback with the timer as `this`.
        Reflect.apply(timer.callback, timer, timer.args)
      })
    )
  }

  /**
   * Hands every pending timer over to `start` (a resume going live), in the order they were created,
   * so that a replay of the same resume hands them over in the same order: each then runs as a real
   * timer, with its whole delay counted from now (virtual time kept no clock to say how much of it
   * had passed). Clearing the virtual timer afterwards clears the real one `start` made.
   */
  handOver(start: (timer: VirtualTimer) => () => void): number {
    const pending = [...this.#live.values()]
    this.#live.clear()
    for (const timer of pending) this.#handed.set(timer.id, start(timer))
    return pending.length
  }
}
