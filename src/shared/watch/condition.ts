/**
 * Whether a condition holds for one place: its value before a change and after it (undefined where
 * there is none). Values are compared as JSON (`deepEqual`), in their encoded form (see `tags.ts`).
 */
import type { Json } from '../protocol'
import { ChunkedArray, deepEqual } from '../state'
import { tagOf } from '../tags'
import type { Condition, ValueTest } from './types'

/** Whether `condition` holds for a place whose value went from `before` to `after`. */
export function holds(condition: Condition, before: Json | undefined, after: Json | undefined): boolean {
  switch (condition.kind) {
    case 'changed':
      return !deepEqual(before, after)
    case 'is':
      return passes(condition.test, after) && !deepEqual(before, after)
    case 'becomes':
      return passes(condition.test, after) && !passes(condition.test, before)
    case 'leaves':
      return passes(condition.test, before) && !passes(condition.test, after)
    case 'appears':
      return before === undefined && after !== undefined
    case 'removed':
      return before !== undefined && after === undefined
    case 'changes-type':
      return before !== undefined && after !== undefined && typeOf(before) !== typeOf(after)
  }
}

/** Whether a value passes a test; no value (undefined) passes none. */
export function passes(test: ValueTest, value: Json | undefined): boolean {
  if (value === undefined) return false
  switch (test.kind) {
    case 'equals':
      return deepEqual(value, test.value)
    case 'not-equals':
      return !deepEqual(value, test.value)
    case 'matches':
      return typeof value === 'string' && test.regexp.test(value)
    case 'compare': {
      const n = numberOf(value)
      if (n === undefined) return false
      switch (test.op) {
        case '>':
          return n > test.bound
        case '>=':
          return n >= test.bound
        case '<':
          return n < test.bound
        case '<=':
          return n <= test.bound
      }
    }
  }
}

/**
 * The type a user sees: `null`, `boolean`, `number`, `string`, `array`, `object`, or for an
 * encoded value what it was (`bigint`, `date`, `map`, `set`, `undefined`, `function`, `error`,
 * `regexp`, `symbol`, `bytes`, `ref`, `truncated`; `{"$number": "NaN"}` is a `number`).
 */
export function typeOf(value: Json): string {
  if (value === null) return 'null'
  if (Array.isArray(value) || (value as unknown) instanceof ChunkedArray) return 'array'
  if (typeof value !== 'object') return typeof value
  const tag = tagOf(value)
  return tag === undefined || tag === '$object' ? 'object' : tag.slice(1)
}

/** A number, or an encoded one (`{"$number": "Infinity"}`, `{"$bigint": "10"}`, compared as a double). */
function numberOf(value: Json): number | undefined {
  if (typeof value === 'number') return value
  const tag = tagOf(value)
  if (tag !== '$number' && tag !== '$bigint') return undefined
  const s = (value as Record<string, Json>)[tag]
  return typeof s === 'string' ? Number(s) : undefined
}
