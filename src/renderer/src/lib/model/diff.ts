/**
 * The net change between two states: what was added, removed or changed, path by path. States
 * share what did not change, so identical references are skipped without a look inside.
 */
import { escapeToken } from '../../../../shared/pointer'
import type { Json, Slices } from '../../../../shared/protocol'
import { deepEqual } from '../../../../shared/state'
import { tagOf } from '../../../../shared/tags'

export interface Change {
  /** A pointer into the whole state: the slice first. */
  path: string
  kind: 'added' | 'removed' | 'changed'
  before?: Json
  after?: Json
}

/** The changes from `a` to `b`, at most `limit` of them. */
export function diffStates(a: Slices, b: Slices, limit = 2000): { changes: Change[]; truncated: boolean } {
  const changes: Change[] = []
  const walk = (x: Json | undefined, y: Json | undefined, path: string): void => {
    if (changes.length > limit || x === y) return
    if (x === undefined) return void changes.push({ path, kind: 'added', after: y as Json })
    if (y === undefined) return void changes.push({ path, kind: 'removed', before: x })
    const containers = x !== null && y !== null && typeof x === 'object' && typeof y === 'object' && Array.isArray(x) === Array.isArray(y)
    // A tagged value (a date, a map…) is one value, not a structure to descend into.
    if (!containers || tagOf(x) !== undefined || tagOf(y) !== undefined) {
      if (!deepEqual(x, y)) changes.push({ path, kind: 'changed', before: x, after: y })
      return
    }
    if (Array.isArray(x) && Array.isArray(y)) {
      for (let i = 0; i < Math.max(x.length, y.length); i++) walk(x[i], y[i], `${path}/${i}`)
      return
    }
    const xo = x as Record<string, Json>
    const yo = y as Record<string, Json>
    for (const k of Object.keys(xo)) walk(xo[k], Object.hasOwn(yo, k) ? yo[k] : undefined, `${path}/${escapeToken(k)}`)
    for (const k of Object.keys(yo)) if (!Object.hasOwn(xo, k)) walk(undefined, yo[k], `${path}/${escapeToken(k)}`)
  }
  walk(a, b, '')
  const truncated = changes.length > limit
  return { changes: changes.slice(0, limit), truncated }
}
