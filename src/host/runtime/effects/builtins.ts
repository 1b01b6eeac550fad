/**
 * `node:crypto`'s randomness (`randomUUID`, `randomBytes`, `randomInt`, `randomFillSync`,
 * `randomFill`) and `process.hrtime` put through an `EffectSource`, as the globals are
 * (./globals.ts). The module's exports are replaced, so `require('node:crypto')` sees them, and
 * `import { randomUUID } from 'node:crypto'` once the caller syncs the builtins' ESM exports.
 * `getRandomValues` (of `node:crypto` and of its `webcrypto`) is the global one: Node's calls it.
 *
 * The callback forms take their value at once, like the synchronous ones, and call back on the
 * next tick: the same in a recording and its replay, whatever the thread pool does.
 */
import nodeCrypto from 'node:crypto'
import type { EffectSource } from './globals'
import { real } from './real'

/** Whether a wrapper's call goes to the real function (the host's own code, or Node's own). */
export type PassThrough = (wrapper: (...args: never[]) => unknown) => boolean

type Callback = (error: Error | null | undefined, value?: unknown) => void

/** Replaces `process.hrtime` and `process.hrtime.bigint`. */
export function installHrtime(source: EffectSource, outsideHost: () => boolean): void {
  // Only the host's code is let through, not Node's: undici never reads it, and Node's
  // `console.time` reads it for the runtime, the same number of times when recording and replaying.
  function hrtime(time?: [number, number]): [number, number] {
    if (outsideHost()) return real.hrtime(time)
    // The real call first: it refuses what Node refuses (a `time` that is not two numbers).
    if (time !== undefined) real.hrtime(time)
    const [s, ns] = source.hrtime()
    if (time === undefined) return [s, ns]
    const d = ns - time[1]
    return d < 0 ? [s - time[0] - 1, d + 1e9] : [s - time[0], d]
  }
  function bigint(): bigint {
    if (outsideHost()) return real.hrtimeBigint()
    const [s, ns] = source.hrtime()
    return BigInt(s) * 1_000_000_000n + BigInt(ns)
  }
  hrtime.bigint = bigint
  process.hrtime = hrtime as NodeJS.HRTime
}

/** Replaces `node:crypto`'s random functions on its exports (the caller syncs the ESM exports). */
export function installNodeCrypto(source: EffectSource, passThrough: PassThrough): void {
  const exports = nodeCrypto as unknown as Record<string, unknown>
  const r = real.node

  function randomUUID(): string {
    return passThrough(randomUUID) ? real.randomUUID() : source.uuid()
  }

  function randomBytes(size: number, callback?: Callback): Buffer | undefined {
    if (passThrough(randomBytes) || (callback !== undefined && typeof callback !== 'function'))
      return (r.randomBytes as (...a: unknown[]) => Buffer | undefined)(size, callback)
    const bytes = r.randomBytes(size)
    source.bytes(bytes)
    if (callback === undefined) return bytes
    process.nextTick(callback, null, bytes)
    return undefined
  }

  function randomInt(min: number, max?: unknown, callback?: unknown): number | undefined {
    if (passThrough(randomInt)) return (r.randomInt as (...a: unknown[]) => number | undefined)(min, max, callback)
    const [lo, hi, done] = typeof max === 'function' || max === undefined ? [0, min, max] : [min, max as number, callback]
    if (done !== undefined && typeof done !== 'function')
      return (r.randomInt as (...a: unknown[]) => number | undefined)(min, max, callback)
    // The real call first: it refuses what Node refuses (a range that is empty, unsafe or too wide).
    const v = source.int(r.randomInt(lo, hi), lo, hi)
    if (done === undefined) return v
    process.nextTick(done as Callback, undefined, v)
    return undefined
  }

  /** Fills `buf` as `randomFillSync` does, gives the bytes it filled to the source, and returns them. */
  const fill = (buf: ArrayBufferView | ArrayBufferLike, offset?: number, size?: number): Uint8Array => {
    r.randomFillSync(buf as never, offset, size)
    const region = filled(buf, offset, size)
    if (region.byteLength > 0) source.bytes(region)
    return region
  }

  function randomFillSync<T extends ArrayBufferView | ArrayBufferLike>(buf: T, offset?: number, size?: number): T {
    if (passThrough(randomFillSync)) return r.randomFillSync(buf as never, offset, size) as T
    fill(buf, offset, size)
    return buf
  }

  function randomFill(buf: ArrayBufferView | ArrayBufferLike, ...rest: unknown[]): void {
    const at = rest.findIndex((a) => typeof a === 'function')
    if (passThrough(randomFill) || at < 0 || at > 2) return (r.randomFill as (...a: unknown[]) => void)(buf, ...rest)
    const callback = rest[at] as Callback
    // Node's reading of the optional offset and size: a callback in their place makes the size the
    // buffer's `length` (a typed array's elements; none for an ArrayBuffer), less the offset when one was given.
    const length = (buf as { length?: number }).length as number
    const offset = at === 0 ? 0 : (rest[0] as number)
    const size = at === 0 ? length : at === 1 ? length - offset : (rest[1] as number | undefined)
    // Node calls back at once when there was nothing to fill.
    if (fill(buf, offset, size).byteLength === 0) return callback(null, buf)
    process.nextTick(callback, null, buf)
  }

  exports.randomUUID = randomUUID
  exports.randomBytes = randomBytes
  exports.randomInt = randomInt
  exports.randomFillSync = randomFillSync
  exports.randomFill = randomFill
}

/** The bytes `randomFillSync(buf, offset, size)` filled (its arguments already accepted by Node). */
function filled(buf: ArrayBufferView | ArrayBufferLike, offset = 0, size?: number): Uint8Array {
  const view = ArrayBuffer.isView(buf) ? buf : undefined
  const element = (view as { BYTES_PER_ELEMENT?: number } | undefined)?.BYTES_PER_ELEMENT ?? 1
  const byteLength = view?.byteLength ?? (buf as ArrayBufferLike).byteLength
  const start = (offset * element) >>> 0
  const count = size === undefined ? byteLength - start : (size * element) >>> 0
  return new Uint8Array(view?.buffer ?? (buf as ArrayBufferLike), (view?.byteOffset ?? 0) + start, count)
}
