import fc from 'fast-check'
import jsonpatch from 'fast-json-patch'
import { describe, expect, test } from 'vitest'
import { diffStates, type Change } from '../../../src/renderer/src/lib/model/diff'
import { parsePointer } from '../../../src/shared/pointer'
import type { Json, JsonObject, Slices } from '../../../src/shared/protocol'
import { deepEqual, valueAt } from '../../../src/shared/state'
import { historyOf, stepArb } from './random-history'

/** `a` with the changes made to a copy of it: what the diff says `b` is. */
function applyChanges(a: Slices, changes: Change[]): Slices {
  const out = jsonpatch.deepClone(a) as Slices
  // Removed array elements are the tail: take them off from the end.
  const removals = changes.filter((c) => c.kind === 'removed').reverse()
  for (const c of [...changes.filter((c) => c.kind !== 'removed'), ...removals]) {
    const tokens = parsePointer(c.path)
    const last = tokens.pop() as string
    const parent = valueAt(out, tokens) as Json[] | JsonObject
    if (Array.isArray(parent)) {
      if (c.kind === 'removed') parent.splice(Number(last), 1)
      else parent[Number(last)] = c.after as Json
    } else if (c.kind === 'removed') delete parent[last]
    else parent[last] = c.after as Json
  }
  return out
}

describe('diffStates', () => {
  test('finds what was added, removed and changed, at the paths where it was', () => {
    const a: Slices = { todos: { items: ['a', 'b', 'c'], owner: 'ann', meta: { v: 1 } }, gone: 1 }
    const b: Slices = { todos: { items: ['a', 'B'], owner: 'ann', meta: { v: 2, w: true } }, fresh: [] }
    expect(diffStates(a, b)).toEqual({
      changes: [
        { path: '/todos/items/1', kind: 'changed', before: 'b', after: 'B' },
        { path: '/todos/items/2', kind: 'removed', before: 'c' },
        { path: '/todos/meta/v', kind: 'changed', before: 1, after: 2 },
        { path: '/todos/meta/w', kind: 'added', after: true },
        { path: '/gone', kind: 'removed', before: 1 },
        { path: '/fresh', kind: 'added', after: [] }
      ],
      truncated: false
    })
  })

  test('gives nothing for identical states, whether shared or equal copies', () => {
    const a: Slices = { x: { deep: [1, { y: null }] }, s: 'text' }
    expect(diffStates(a, a).changes).toEqual([])
    expect(diffStates(a, JSON.parse(JSON.stringify(a)) as Slices).changes).toEqual([])
  })

  test('compares a tagged value as one value, never by its inside', () => {
    const a: Slices = { s: { when: { $date: '1970-01-01T00:00:01.000Z' }, m: { $map: [['k', 1]] }, same: { $bigint: '1' } } }
    const b: Slices = { s: { when: { $date: null }, m: { $map: [['k', 2]] }, same: { $bigint: '1' } } }
    expect(diffStates(a, b).changes).toEqual([
      { path: '/s/when', kind: 'changed', before: { $date: '1970-01-01T00:00:01.000Z' }, after: { $date: null } },
      { path: '/s/m', kind: 'changed', before: { $map: [['k', 1]] }, after: { $map: [['k', 2]] } }
    ])
  })

  test('takes a change between a tagged value and plain data, or between kinds, as one change', () => {
    expect(diffStates({ s: { v: { $undefined: true } } }, { s: { v: { a: 1 } } }).changes).toEqual([
      { path: '/s/v', kind: 'changed', before: { $undefined: true }, after: { a: 1 } }
    ])
    expect(diffStates({ s: [1] }, { s: { 0: 1 } }).changes).toEqual([{ path: '/s', kind: 'changed', before: [1], after: { 0: 1 } }])
    expect(diffStates({ s: null }, { s: {} }).changes).toEqual([{ path: '/s', kind: 'changed', before: null, after: {} }])
  })

  test('escapes keys in the paths it gives', () => {
    expect(diffStates({ 'a/b': { 'm~n': 1, '': 1 } }, { 'a/b': { 'm~n': 2, '': 2 } }).changes.map((c) => c.path)).toEqual([
      '/a~1b/m~0n',
      '/a~1b/'
    ])
  })

  test('stops at the limit and says so', () => {
    const a = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, i]))
    const b = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, -i - 1]))
    const { changes, truncated } = diffStates(a, b, 4)
    expect(changes.map((c) => c.path)).toEqual(['/k0', '/k1', '/k2', '/k3'])
    expect(truncated).toBe(true)
    expect(diffStates(a, b, 10).truncated).toBe(false)
  })

  test('between any two states of a history, says exactly what turns the first into the second', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 40 }), fc.nat(), fc.nat(), (steps, i, j) => {
        const { states } = historyOf(steps)
        const a = states[i % states.length] as Slices
        const b = states[j % states.length] as Slices
        const { changes, truncated } = diffStates(a, b, Number.MAX_SAFE_INTEGER)
        expect(truncated).toBe(false)
        expect(changes.length === 0).toBe(deepEqual(a, b))
        for (const c of changes) {
          expect(c.before, `before at ${c.path}`).toEqual(valueAt(a, c.path))
          expect(c.after, `after at ${c.path}`).toEqual(valueAt(b, c.path))
        }
        expect(applyChanges(a, changes)).toEqual(b)
      }),
      { numRuns: 200 }
    )
  })
})
