/**
 * `node:timers/promises` (`setTimeout`, `setImmediate`, the `setInterval` iterator, and
 * `scheduler.wait` and `scheduler.yield`) made of an `EffectSource`'s timers, as the global timers
 * are (./globals.ts): numbered with them in the order the runtime creates them, logged when they
 * fire, virtual in a replay. Node's own (lib/timers/promises.js) do not call the global timers,
 * so they are rebuilt here, as Node builds them; what Node refuses (an argument of the wrong type,
 * a signal already aborted) is handed to Node's, which refuses it in its own words.
 */
import timersPromises from 'node:timers/promises'
import type { PassThrough } from './builtins'
import type { EffectSource, TimerKind } from './globals'
import { real } from './real'

/** What `timers/promises` rejects with when its signal aborts: Node's `AbortError`, as Node makes it. */
class AbortError extends Error {
  code = 'ABORT_ERR'
  constructor(options?: ErrorOptions) {
    super('The operation was aborted', options)
    this.name = 'AbortError'
  }
}

interface Options {
  signal?: AbortSignal
  ref?: boolean
}

/** Whether Node would start the timer: a numeric delay (or none), plain options, a signal not aborted. */
function accepted(delay: unknown, options: unknown): options is Options | undefined {
  if (delay !== undefined && typeof delay !== 'number') return false
  if (options === undefined) return true
  if (typeof options !== 'object' || options === null || Array.isArray(options)) return false
  const { signal, ref } = options as Record<string, unknown>
  // Node takes any object with an `aborted` field as a signal.
  const signalOk = signal === undefined || (typeof signal === 'object' && signal !== null && 'aborted' in signal && signal.aborted !== true)
  return signalOk && (ref === undefined || typeof ref === 'boolean')
}

/** The pinned `setTimeout` and `setImmediate`: the global ones' `util.promisify` gives them. */
export interface PinnedPromises {
  setTimeout: typeof timersPromises.setTimeout
  setImmediate: typeof timersPromises.setImmediate
}

/** Replaces `node:timers/promises`' exports (the caller syncs the builtins' ESM exports). */
export function installTimersPromises(source: EffectSource, passThrough: PassThrough): PinnedPromises {
  const clear = (kind: TimerKind, handle: unknown): void => {
    if (source.clear(handle)) return
    if (kind === 'immediate') real.clearImmediate(handle as NodeJS.Immediate)
    else if (kind === 'interval') real.clearInterval(handle as NodeJS.Timeout)
    else real.clearTimeout(handle as NodeJS.Timeout)
  }
  const unref = (handle: unknown): void => void (handle as { unref?: () => unknown }).unref?.()

  /** A timeout or immediate that resolves with `value`, or rejects when `signal` aborts first. */
  function once<T>(kind: 'timeout' | 'immediate', ms: number, value: T, { signal, ref = true }: Options = {}): Promise<T> {
    let cancel: (() => void) | undefined
    const done = new Promise<T>((resolve, reject) => {
      const handle = source.timer(kind, () => resolve(value), ms, [])
      if (!ref) unref(handle)
      if (signal === undefined) return
      cancel = () => {
        clear(kind, handle)
        reject(new AbortError({ cause: signal.reason }))
      }
      signal.addEventListener('abort', cancel)
    })
    return cancel === undefined ? done : done.finally(() => signal?.removeEventListener('abort', cancel as () => void))
  }

  function setTimeout<T = void>(delay?: number, value?: T, options?: Options): Promise<T> {
    if (passThrough(setTimeout) || !accepted(delay, options)) return real.promises.setTimeout(delay, value as T, options)
    return once('timeout', Number(delay) || 0, value as T, options)
  }

  function setImmediate<T = void>(value?: T, options?: Options): Promise<T> {
    if (passThrough(setImmediate) || !accepted(undefined, options)) return real.promises.setImmediate(value as T, options)
    return once('immediate', 0, value as T, options)
  }

  function setInterval<T = void>(delay?: number, value?: T, options?: Options): AsyncIterable<T> {
    if (passThrough(setInterval)) return real.promises.setInterval(delay, value as T, options)
    return interval(delay, value as T, options)
  }

  /** Node's iterator: the interval starts at the first `next()`, and each firing not yet taken is yielded once. */
  async function* interval<T>(delay: number | undefined, value: T, options: Options | undefined): AsyncGenerator<T> {
    // Node checks its arguments, and the signal, when the iteration begins: its own iterator says what is wrong.
    if (!accepted(delay, options)) return yield* real.promises.setInterval(delay, value, options)
    const { signal, ref = true } = options ?? {}
    let handle: unknown
    let onCancel: (() => void) | undefined
    try {
      let notYielded = 0
      let wake: ((v?: PromiseLike<void>) => void) | undefined
      handle = source.timer(
        'interval',
        () => {
          notYielded++
          wake?.()
          wake = undefined
        },
        Number(delay) || 0,
        []
      )
      if (!ref) unref(handle)
      if (signal !== undefined) {
        onCancel = () => {
          clear('interval', handle)
          wake?.(Promise.reject(new AbortError({ cause: signal.reason })))
          wake = undefined
        }
        signal.addEventListener('abort', onCancel, { once: true })
      }
      while (signal?.aborted !== true) {
        if (notYielded === 0) await new Promise<void>((resolve) => (wake = resolve))
        for (; notYielded > 0; notYielded--) yield value
      }
      throw new AbortError({ cause: signal.reason })
    } finally {
      if (handle !== undefined) clear('interval', handle)
      if (onCancel !== undefined) signal?.removeEventListener('abort', onCancel)
    }
  }

  const scheduler = timersPromises.scheduler
  const proto = Object.getPrototypeOf(scheduler) as typeof scheduler
  // Node's methods call its own timers, not the exports: they are rebuilt too, refusing another `this` as Node's do.
  function wait(this: unknown, delay: number, options?: Options): Promise<void> {
    if (this !== scheduler || passThrough(wait) || !accepted(delay, options)) return Reflect.apply(proto.wait, this, [delay, options])
    return once('timeout', Number(delay) || 0, undefined, options)
  }
  function yieldTurn(this: unknown): Promise<void> {
    if (this !== scheduler || passThrough(yieldTurn)) return Reflect.apply(proto.yield, this, [])
    return once('immediate', 0, undefined)
  }

  const exports = timersPromises as unknown as Record<string, unknown>
  exports.setTimeout = setTimeout
  exports.setImmediate = setImmediate
  exports.setInterval = setInterval
  Object.assign(scheduler, { wait, yield: yieldTurn })
  return { setTimeout, setImmediate } as PinnedPromises
}
