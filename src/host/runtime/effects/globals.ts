/**
 * Puts an `EffectSource` in place of the globals a runtime reads the clock, randomness, timers and
 * the network through: `Date` (`Date.now()`, `new Date()`, `Date()`), `performance.now`,
 * `process.hrtime`, `Math.random`, `crypto.randomUUID`, `crypto.getRandomValues`, `setTimeout`,
 * `setInterval`, `setImmediate` (and their `clear…`, also as `node:timers` exports) and `fetch`;
 * and `node:crypto`'s randomness (./builtins.ts) and `node:timers/promises`
 * (./timers-promises.ts). Calls made by Node's own code, and by the host's code inside `outside`,
 * go to the real ones.
 */
import { syncBuiltinESMExports } from 'node:module'
import { performance } from 'node:perf_hooks'
import timers from 'node:timers'
import { promisify } from 'node:util'
import { installHrtime, installNodeCrypto } from './builtins'
import { calledByNode } from './caller'
import { real } from './real'
import { installTimersPromises } from './timers-promises'

export type TimerKind = 'timeout' | 'interval' | 'immediate'
export type TimerCallback = (...args: unknown[]) => void

/** Where the values come from: the real ones, logged (recording), or the recorded ones (replay). */
export interface EffectSource {
  now(): number
  perf(): number
  /** A `process.hrtime()` reading, `[seconds, nanoseconds]`: the caller copies it, never changes it. */
  hrtime(): readonly [number, number]
  random(): number
  /** `node:crypto`'s `randomInt(min, max)`: `drawn` is what the real one gave (the call made it, refusing what Node refuses). */
  int(drawn: number, min: number, max: number): number
  uuid(): string
  /** Fills `bytes`, which the real call filled already (the bytes of `crypto.getRandomValues`' array, of `randomBytes`' buffer…). */
  bytes(bytes: Uint8Array): void
  timer(kind: TimerKind, callback: TimerCallback, ms: number, args: unknown[]): unknown
  /** Clears a timer this source made; false when `handle` is not one of its own. */
  clear(handle: unknown): boolean
  fetch(input: unknown, init: unknown): Promise<Response>
  /** Whether reads of the clock and randomness may be Node's own (its fetch's), and must be checked. */
  readonly checkCallers: boolean
}

let outsideDepth = 0

/** Runs the host's `task` with the real globals: nothing it does is recorded or replayed. */
export function outside<T>(task: () => T): T {
  outsideDepth++
  try {
    return task()
  } finally {
    outsideDepth--
  }
}

/** Installs `source` in place of the globals, for the rest of the thread's life. */
export function installGlobals(source: EffectSource): void {
  const g = globalThis as unknown as Record<string, unknown>
  const passThrough = (wrapper: (...args: never[]) => unknown): boolean =>
    outsideDepth > 0 || (source.checkCallers && calledByNode(wrapper))

  function now(): number {
    return passThrough(now) ? real.dateNow() : source.now()
  }
  const RealDate = real.Date
  g.Date = new Proxy(RealDate, {
    construct: (target, args, newTarget) => Reflect.construct(target, args.length === 0 ? [now()] : args, newTarget),
    apply: () => new RealDate(now()).toString(),
    get: (target, key, receiver) => (key === 'now' ? now : Reflect.get(target, key, receiver))
  })

  function perfNow(): number {
    return passThrough(perfNow) ? real.perfNow() : source.perf()
  }
  performance.now = perfNow

  function random(): number {
    return passThrough(random) ? real.random() : source.random()
  }
  Math.random = random

  installHrtime(source, () => outsideDepth > 0)

  const crypto = globalThis.crypto
  function randomUUID(): `${string}-${string}-${string}-${string}-${string}` {
    return (passThrough(randomUUID) ? real.randomUUID() : source.uuid()) as `${string}-${string}-${string}-${string}-${string}`
  }
  crypto.randomUUID = randomUUID
  function getRandomValues<T extends ArrayBufferView | null>(array: T): T {
    // `node:crypto`'s `getRandomValues` (and its `webcrypto`'s, this very object) calls this one for the runtime.
    if (
      outsideDepth > 0 ||
      (source.checkCallers && calledByNode(getRandomValues, 'node:crypto')) ||
      array === null ||
      !ArrayBuffer.isView(array)
    )
      return real.getRandomValues(array as never) as T
    // The real call first: it refuses what the Web Crypto API refuses (a float array, more than 65,536 bytes).
    real.getRandomValues(array as never)
    source.bytes(new Uint8Array(array.buffer, array.byteOffset, array.byteLength))
    return array
  }
  crypto.getRandomValues = getRandomValues
  installNodeCrypto(source, passThrough)
  const promises = installTimersPromises(source, passThrough)

  const timer = (kind: TimerKind, realSet: (...args: never[]) => unknown, pinned?: unknown) => {
    function set(callback: unknown, ms?: unknown, ...args: unknown[]): unknown {
      if (typeof callback !== 'function' || passThrough(set)) return (realSet as (...a: unknown[]) => unknown)(callback, ms, ...args)
      return kind === 'immediate'
        ? source.timer(kind, callback as TimerCallback, 0, ms === undefined ? args : [ms, ...args])
        : source.timer(kind, callback as TimerCallback, Number(ms) || 0, args)
    }
    // `util.promisify(setTimeout)` gives the `timers/promises` one, pinned as well.
    if (pinned !== undefined) Object.defineProperty(set, promisify.custom, { value: pinned })
    return set
  }
  const clear = (realClear: (handle: never) => void) =>
    function clear(handle: unknown): void {
      if (!source.clear(handle)) realClear(handle as never)
    }
  const replaced: Record<string, unknown> = {
    setTimeout: timer('timeout', real.setTimeout, promises.setTimeout),
    setInterval: timer('interval', real.setInterval),
    setImmediate: timer('immediate', real.setImmediate, promises.setImmediate),
    clearTimeout: clear(real.clearTimeout),
    clearInterval: clear(real.clearInterval),
    clearImmediate: clear(real.clearImmediate)
  }
  const timersModule = timers as unknown as Record<string, unknown>
  for (const [name, fn] of Object.entries(replaced)) {
    g[name] = fn
    timersModule[name] = fn
  }
  // `import { setTimeout } from 'node:timers'` (or `node:crypto`, `node:timers/promises`) in the runtime reads the replaced ones too.
  syncBuiltinESMExports()

  function fetch(input: unknown, init?: unknown): Promise<Response> {
    return outsideDepth > 0 ? real.fetch(input as never, init as never) : source.fetch(input, init)
  }
  g.fetch = fetch
}

/** The method, URL and string body of a `fetch` call's arguments (a `Request`, a URL or a string, and the init). */
export function describeRequest(input: unknown, init: unknown): { method: string; url: string; body?: string } {
  const i = (typeof init === 'object' && init !== null ? init : {}) as { method?: unknown; body?: unknown }
  const request = input instanceof Request ? input : undefined
  const url = request ? request.url : input instanceof URL ? input.href : String(input)
  const method = (typeof i.method === 'string' ? i.method : (request?.method ?? 'GET')).toUpperCase()
  const body = typeof i.body === 'string' ? i.body : i.body instanceof URLSearchParams ? i.body.toString() : undefined
  return { method, url, ...(body !== undefined ? { body } : {}) }
}
