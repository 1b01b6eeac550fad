import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import type { Json, Operation, Slices } from '../../src/shared/protocol'
import { applyEvent, ChunkedArray, deepEqual, newEdit, toPlain, valueAt, type Owned } from '../../src/shared/state'

/** Indexes near and past the ends of short lists, `-`, and junk. */
const index = fc.oneof(fc.integer({ min: 0, max: 12 }).map(String), fc.constantFrom('-', '01', 'x'))
const where = fc.constantFrom('/list', '/nested/items')
const value: fc.Arbitrary<Json> = fc.oneof(fc.integer({ min: 0, max: 9 }), fc.record({ v: fc.integer({ min: 0, max: 9 }) }))
const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc
    .record({ op: fc.constant('add' as const), at: where, i: index, value })
    .map(({ at, i, value }): Operation => ({ op: 'add', path: `${at}/${i}`, value })),
  fc.record({ at: where, i: index }).map(({ at, i }): Operation => ({ op: 'remove', path: `${at}/${i}` })),
  fc.record({ at: where, i: index, value }).map(({ at, i, value }): Operation => ({ op: 'replace', path: `${at}/${i}`, value })),
  fc.record({ at: where, i: index, value }).map(({ at, i, value }): Operation => ({ op: 'replace', path: `${at}/${i}/v`, value })),
  fc
    .record({ from: where, i: index, to: where, j: index })
    .map(({ from, i, to, j }): Operation => ({ op: 'move', from: `${from}/${i}`, path: `${to}/${j}` })),
  fc
    .record({ from: where, i: index, to: where, j: index })
    .map(({ from, i, to, j }): Operation => ({ op: 'copy', from: `${from}/${i}`, path: `${to}/${j}` })),
  fc.record({ at: where, i: index, value }).map(({ at, i, value }): Operation => ({ op: 'test', path: `${at}/${i}`, value })),
  fc.constantFrom<Operation>(
    { op: 'replace', path: '/nested/items', value: [1, 2, 3, 4, 5] },
    { op: 'copy', from: '/list', path: '/nested/items' }
  )
)
const list = fc.array(value, { maxLength: 14 })

/** Applies each batch of operations as one edit, as a history's segments do; gives the state after each. */
function run(start: Slices, batches: Operation[][], edit: () => Owned): { states: Slices[]; errors: string[] } {
  const states: Slices[] = []
  const errors: string[] = []
  let state = start
  for (const batch of batches) {
    const owned = edit()
    for (const op of batch) {
      try {
        state = applyEvent(state, { type: 'state.update', seq: 1, slice: 'doc', patches: [op], cause: { type: 't' }, timestamp: 0 }, owned)
      } catch (e) {
        errors.push((e as Error).message)
      }
    }
    states.push(state)
  }
  return { states, errors }
}

describe('chunked arrays in a chunking edit', () => {
  test('give the states plain arrays give, and leave every earlier state as it was', () => {
    fc.assert(
      fc.property(list, list, fc.array(fc.array(operation, { maxLength: 6 }), { maxLength: 6 }), (a, b, batches) => {
        const start: Slices = { doc: { list: a, nested: { items: b } } }
        const plain = run(start, batches, () => newEdit())
        const frozenAfter = plain.states.map((s) => JSON.stringify(s))
        const chunked = run(start, batches, () => newEdit({ chunkArrays: { chunk: 2, threshold: 3 } }))
        expect(chunked.errors).toEqual(plain.errors)
        chunked.states.forEach((s, k) => expect(JSON.stringify(s), `state ${k}`).toBe(frozenAfter[k]))
        // Nothing a later edit did changed an earlier state (they share chunks).
        expect(plain.states.map((s) => JSON.stringify(s))).toEqual(frozenAfter)
        expect(JSON.stringify(start)).toBe(JSON.stringify({ doc: { list: a, nested: { items: b } } }))
      }),
      { numRuns: 3000 }
    )
  })

  test('chunk only arrays at least as long as the threshold, and read back as plain', () => {
    const long = Array.from({ length: 10 }, (_, i) => i)
    let state: Slices = { s: { long, short: [1, 2] } }
    const owned = newEdit({ chunkArrays: { chunk: 4, threshold: 8 } })
    for (const path of ['/long/3', '/short/0'])
      state = applyEvent(
        state,
        { type: 'state.update', seq: 1, slice: 's', patches: [{ op: 'replace', path, value: 99 }], cause: { type: 't' }, timestamp: 0 },
        owned
      )
    const s = state.s as unknown as { long: unknown; short: unknown }
    expect(s.long).toBeInstanceOf(ChunkedArray)
    expect(Array.isArray(s.short)).toBe(true)
    expect((s.long as ChunkedArray).chunks.map((c) => c.length)).toEqual([4, 4, 2])
    expect(toPlain(state)).toEqual({ s: { long: [0, 1, 2, 99, 4, 5, 6, 7, 8, 9], short: [99, 2] } })
    const doc = state.s as Json
    expect(valueAt(doc, '/long/3')).toBe(99)
    expect(valueAt(doc, '/long/10')).toBeUndefined()
    expect(deepEqual(doc, toPlain(doc))).toBe(true)
    // The array it was made from is untouched.
    expect(long[3]).toBe(3)
  })
})
