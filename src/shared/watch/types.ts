/**
 * A parsed watch: a path with wildcards from the state's root, and a condition on the value there.
 * `parseWatch` builds one from its text, `formatWatch` writes it back.
 */
import type { Json } from '../protocol'

/** One token of a watched path. */
export type PathToken =
  /** A key of an object or an index of an array, as it is (no `~0`/`~1` escapes left). */
  | { kind: 'key'; key: string }
  /** `*`: any one key or index. */
  | { kind: 'any' }
  /** `-` (last token only): an element appended to the array there. */
  | { kind: 'append' }

/** A test of one value (the value after a change, or before it for `leaves`). */
export type ValueTest =
  | { kind: 'equals'; value: Json }
  | { kind: 'not-equals'; value: Json }
  | { kind: 'compare'; op: CompareOp; bound: number }
  | { kind: 'matches'; regexp: RegExp }

/** The comparisons of a number with a bound. */
export type CompareOp = '>' | '>=' | '<' | '<='

/** What must happen at a watched path for a change to hit. */
export type Condition =
  /** The value there is different after the change (the default). */
  | { kind: 'changed' }
  /** It changed, and the value after passes the test. */
  | { kind: 'is'; test: ValueTest }
  /** The value after passes the test and the value before did not. */
  | { kind: 'becomes'; test: ValueTest }
  /** The value before passed the test and the value after does not. */
  | { kind: 'leaves'; test: ValueTest }
  /** Absent before, present after. */
  | { kind: 'appears' }
  /** Present before, absent after. */
  | { kind: 'removed' }
  /** Present before and after, with a different type (see `typeOf`). */
  | { kind: 'changes-type' }

/** A parsed watch. */
export interface Watch {
  /** The text it was parsed from. */
  readonly source: string
  /** The path from the state's root: the first token names the slice. Never empty. */
  readonly path: readonly PathToken[]
  readonly condition: Condition
}

/** One place where a change met a watch. */
export interface WatchHit {
  /** The concrete path from the state's root, wildcards filled in, as a JSON Pointer (`/cart/items/3/price`). */
  path: string
  /** The value there before the change; undefined where there was none. */
  before: Json | undefined
  /** The value there after the change; undefined where there is none. */
  after: Json | undefined
}

/** A watch's text that cannot be parsed: says what is wrong and where. */
export class WatchSyntaxError extends Error {
  override name = 'WatchSyntaxError'
  constructor(
    /** What is wrong, without the position. */
    readonly reason: string,
    /** 1-based column of the character at fault. */
    readonly column: number
  ) {
    super(`${reason} at column ${column}`)
  }
}
