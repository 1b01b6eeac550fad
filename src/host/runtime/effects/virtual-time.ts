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
    private readonly table: VirtualTimers
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

  /** Timers created so far. */
  get created(): number {
    return this.#count
  }

  create(kind: TimerKind, callback: TimerCallback, args: unknown[]): VirtualTimer {
    const timer = new VirtualTimer(++this.#count, kind, callback, args, this)
    this.#live.set(timer.id, timer)
    return timer
  }

  /** Clears a virtual timer (or its number); false when `handle` is not one. */
  clear(handle: unknown): boolean {
    const id = handle instanceof VirtualTimer ? handle.id : typeof handle === 'number' ? handle : undefined
    if (id === undefined) return false
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
}
