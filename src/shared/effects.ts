/**
 * Effects: what a runtime's thread could not know in advance, recorded in the order it happened
 * (an `effects` note, src/shared/notes.ts) so that a replay feeds the same values back. Values
 * read (`now`, `perf`, `hrtime`, `random`, `int`, `uuid`, `bytes`) are consumed in order by the same calls; events
 * (`fire`, `response`) are what made the runtime run, replayed in the same order.
 *
 * Timers and fetches are numbered in the order the runtime created them (from 1, for the
 * runtime's life), so a replay that creates them in the same order names them the same. A resumed
 * branch's runtime goes on numbering from its replay: those the replay handed over keep their
 * numbers, new ones follow those it made (its resume note says `numbered`, src/shared/notes.ts).
 */
import type { Json } from './protocol'

export type Effect =
  /**
   * `Date.now()`, `new Date()` or `Date()`: milliseconds since the epoch; `n` reads in a row gave
   * it (absent: one). A runtime that polls the clock in a loop reads the same millisecond many times.
   */
  | { k: 'now'; v: number; n?: number }
  /** `performance.now()`. */
  | { k: 'perf'; v: number }
  /**
   * `process.hrtime()` or `process.hrtime.bigint()`: the reading as `[seconds, nanoseconds]` (a
   * bigint of nanoseconds would not fit a JSON number once the machine has been up ~104 days).
   */
  | { k: 'hrtime'; v: [number, number] }
  /** `Math.random()`. */
  | { k: 'random'; v: number }
  /** `randomInt()` of `node:crypto`: the integer it gave. */
  | { k: 'int'; v: number }
  /** `crypto.randomUUID()`, also `node:crypto`'s. */
  | { k: 'uuid'; v: string }
  /**
   * Random bytes, base64: what `crypto.getRandomValues(array)` (also `node:crypto`'s and
   * `webcrypto`'s), or `node:crypto`'s `randomBytes`, `randomFillSync` or `randomFill` wrote.
   */
  | { k: 'bytes'; v: string }
  /** Timer `id` (a `setTimeout`, `setInterval` or `setImmediate`, also of `node:timers/promises`) fired. */
  | { k: 'fire'; id: number }
  /** `fetch` number `id` was called. `body` is the request's body when it was a string. */
  | { k: 'fetch'; id: number; method: string; url: string; body?: string }
  /** Fetch `id`'s promise settled: the response (its whole body, as text or `base64`), or the error it rejected with. */
  | FetchResponse

export type FetchResponse =
  | { k: 'response'; id: number; status: number; statusText: string; headers: [string, string][]; body: string; base64?: true }
  | { k: 'response'; id: number; error: string }

export type EffectKind = Effect['k']

/** Effects recorded between two inputs: the input that began them (none before the first), then what happened until the next one. */
export interface ReplaySegment {
  /** The input dispatched at the start of the segment, as its note recorded it; absent for what ran before the first input. */
  action?: Json
  effects: Effect[]
}

/** What a replay feeds a fresh runtime: the segments, in order. */
export interface ReplayScript {
  segments: ReplaySegment[]
}

const KINDS = new Set<string>(['now', 'perf', 'hrtime', 'random', 'int', 'uuid', 'bytes', 'fire', 'fetch', 'response'])

/** Whether a value read from a file is an effect this build knows (its fields checked). */
export function isEffect(v: unknown): v is Effect {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false
  const e = v as Record<string, unknown>
  if (typeof e.k !== 'string' || !KINDS.has(e.k)) return false
  switch (e.k) {
    case 'now':
      return typeof e.v === 'number' && (e.n === undefined || (Number.isSafeInteger(e.n) && (e.n as number) > 0))
    case 'perf':
    case 'random':
      return typeof e.v === 'number'
    case 'int':
      return Number.isSafeInteger(e.v)
    case 'hrtime':
      return isHrtime(e.v)
    case 'uuid':
    case 'bytes':
      return typeof e.v === 'string'
    case 'fire':
      return typeof e.id === 'number'
    case 'fetch':
      return typeof e.id === 'number' && typeof e.method === 'string' && typeof e.url === 'string'
    default:
      return typeof e.id === 'number' && (typeof e.error === 'string' || (typeof e.status === 'number' && typeof e.body === 'string'))
  }
}

/** `[seconds, nanoseconds]`, both whole, not negative, nanoseconds under a second. */
function isHrtime(v: unknown): v is [number, number] {
  if (!Array.isArray(v) || v.length !== 2) return false
  const [s, ns] = v as unknown[]
  return Number.isSafeInteger(s) && (s as number) >= 0 && Number.isSafeInteger(ns) && (ns as number) >= 0 && (ns as number) < 1e9
}
