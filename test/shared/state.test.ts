import fc from 'fast-check'
import jsonpatch from 'fast-json-patch'
import { describe, expect, test } from 'vitest'
import type { HistoryEvent, Json, Operation, Slices, StateUpdateEvent } from '../../src/shared/protocol'
import { applyEvent, applyPatch, deepEqual, newEdit, PatchError, replay, valueAt } from '../../src/shared/state'

/** Freezes a value and everything in it, so that any change in place throws (ES modules are strict). */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const v of Object.values(value)) deepFreeze(v)
  }
  return value
}

const update = (slice: string, change: Partial<StateUpdateEvent>, seq = 1): StateUpdateEvent => ({
  type: 'state.update',
  seq,
  slice,
  cause: { type: 'test' },
  timestamp: 0,
  ...change
})

/** JSON documents without `__proto__` keys, which fast-json-patch refuses to touch. */
const json = fc.jsonValue().filter((v) => !JSON.stringify(v).includes('"__proto__"')) as fc.Arbitrary<Json>

describe('applyPatch', () => {
  test('gives what fast-json-patch gives for the patches of compare, and changes neither input', () => {
    // compare only makes sense between two objects or two arrays.
    const object = fc.dictionary(fc.string(), json).filter((o) => !Object.hasOwn(o, '__proto__')) as fc.Arbitrary<Json>
    const pair = fc.oneof(fc.tuple(object, object), fc.tuple(fc.array(json), fc.array(json)))
    fc.assert(
      fc.property(pair, ([doc, target]) => {
        const ops = jsonpatch.compare(doc as object, target as object) as Operation[]
        const expected = jsonpatch.applyPatch(jsonpatch.deepClone(doc), jsonpatch.deepClone(ops), true, false).newDocument as Json
        deepFreeze(ops)
        const before = JSON.stringify(doc)
        const out = applyPatch(deepFreeze(doc), ops, newEdit())
        // Through JSON, as on the wire: fast-json-patch's clone turns -0 into 0.
        expect(JSON.parse(JSON.stringify(out))).toEqual(expected)
        expect(JSON.parse(JSON.stringify(out))).toEqual(JSON.parse(JSON.stringify(target)))
        expect(JSON.stringify(doc)).toBe(before)
      }),
      { numRuns: 500 }
    )
  })

  test('applies add, remove, replace, move, copy and test as RFC 6902 says', () => {
    const doc = deepFreeze({ a: { b: [1, 2, 3] }, c: 'x', 'k/~': 1 } as Json)
    const ops: Operation[] = [
      { op: 'add', path: '/a/b/1', value: 9 },
      { op: 'add', path: '/a/b/-', value: 4 },
      { op: 'remove', path: '/a/b/0' },
      { op: 'replace', path: '/c', value: { y: true } },
      { op: 'move', from: '/c', path: '/d' },
      { op: 'copy', from: '/a/b', path: '/e' },
      { op: 'test', path: '/e/0', value: 9 },
      { op: 'replace', path: '/k~1~0', value: 2 },
      { op: 'add', path: '/', value: 'empty key' }
    ]
    expect(applyPatch(doc, ops, newEdit())).toEqual({ a: { b: [9, 2, 3, 4] }, d: { y: true }, e: [9, 2, 3, 4], 'k/~': 2, '': 'empty key' })
  })

  test('replaces the whole document for the path ""', () => {
    expect(applyPatch({ a: 1 }, [{ op: 'replace', path: '', value: [1] }], newEdit())).toEqual([1])
    expect(applyPatch(null, [{ op: 'add', path: '', value: 'x' }], newEdit())).toBe('x')
  })

  test('keeps a copied value apart from its source when either is changed later in the same edit', () => {
    const doc = deepFreeze({ a: { x: 1 } } as Json)
    const out = applyPatch(
      doc,
      [
        { op: 'replace', path: '/a/x', value: 2 },
        { op: 'copy', from: '/a', path: '/b' },
        { op: 'replace', path: '/b/x', value: 3 },
        { op: 'add', path: '/a/y', value: 4 }
      ],
      newEdit()
    )
    expect(out).toEqual({ a: { x: 2, y: 4 }, b: { x: 3 } })
  })

  test('stores the key "__proto__" as data, never as the prototype', () => {
    const out = applyPatch({}, [{ op: 'add', path: '/__proto__', value: { polluted: true } }], newEdit()) as Record<string, Json>
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype)
    expect(Object.hasOwn(out, '__proto__')).toBe(true)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  test.each<[string, Json, Operation, RegExp]>([
    ['replace of a missing key', { a: 1 }, { op: 'replace', path: '/b', value: 1 }, /replace \/b: "b" does not exist/],
    ['remove of a missing key', { a: 1 }, { op: 'remove', path: '/b' }, /remove \/b/],
    ['remove past the end', [1], { op: 'remove', path: '/1' }, /out of bounds/],
    ['add past the end', [1], { op: 'add', path: '/2', value: 0 }, /out of bounds/],
    ['an index with a leading zero', [1, 2], { op: 'replace', path: '/01', value: 0 }, /not an array index/],
    ['replace at "-"', [1], { op: 'replace', path: '/-', value: 0 }, /not an array index/],
    ['a path through a number', { a: 1 }, { op: 'add', path: '/a/b', value: 0 }, /\/a is not an object or an array/],
    ['a path through a missing key', { a: 1 }, { op: 'add', path: '/x/y', value: 0 }, /"x" does not exist/],
    ['a failed test', { a: 1 }, { op: 'test', path: '/a', value: 2 }, /not the one tested for/],
    ['a move into itself', { a: { b: 1 } }, { op: 'move', from: '/a', path: '/a/b/c' }, /into itself/],
    ['removing the whole document', { a: 1 }, { op: 'remove', path: '' }, /whole document/],
    ['a bad pointer', { a: 1 }, { op: 'add', path: 'a', value: 1 }, /must start with/],
    ['a patch on a primitive', 5, { op: 'add', path: '/a', value: 1 }, /the document is number/]
  ])('refuses %s with a PatchError naming the operation', (_name, doc, op, message) => {
    expect(() => applyPatch(deepFreeze(doc), [op], newEdit())).toThrow(PatchError)
    expect(() => applyPatch(deepFreeze(doc), [op], newEdit())).toThrow(message)
  })
})

describe('applyEvent', () => {
  test('takes the slices of a state.initial as the new state', () => {
    const initial: HistoryEvent = { type: 'state.initial', seq: 0, slices: { a: 1 }, timestamp: 0 }
    expect(applyEvent({ old: 1 }, initial, newEdit())).toEqual({ a: 1 })
  })

  test('sets a value, applies patches, and deletes a removed slice', () => {
    let state: Slices = { a: { x: 1 }, b: 2 }
    state = applyEvent(state, update('a', { patches: [{ op: 'add', path: '/y', value: 2 }] }), newEdit())
    state = applyEvent(state, update('c', { value: null }), newEdit())
    state = applyEvent(state, update('b', { removed: true }), newEdit())
    expect(state).toEqual({ a: { x: 1, y: 2 }, c: null })
  })

  test('leaves the state as it is for execution statuses and custom events', () => {
    const state: Slices = { a: 1 }
    expect(applyEvent(state, { type: 'custom-event', seq: 1, data: 1, timestamp: 0 }, newEdit())).toBe(state)
    expect(applyEvent(state, { type: 'execution.status', seq: 1, status: 'started', executionId: 'e', timestamp: 0 }, newEdit())).toBe(
      state
    )
  })

  test('refuses patches for a slice that does not exist, and an update with no change in it', () => {
    expect(() => applyEvent({}, update('a', { patches: [] }), newEdit())).toThrow(/slice "a" does not exist/)
    expect(() => applyEvent({ a: 1 }, update('a', {}), newEdit())).toThrow(/neither patches, nor a value, nor removed/)
  })

  test('can apply the same event to many states without changing it or the states', () => {
    const event = deepFreeze(update('a', { patches: [{ op: 'add', path: '/list/-', value: { n: 1 } }] }))
    const start = deepFreeze({ a: { list: [] } } as Slices)
    const once = applyEvent(start, event, newEdit())
    const twice = applyEvent(once, event, newEdit())
    expect(twice).toEqual({ a: { list: [{ n: 1 }, { n: 1 }] } })
    expect(start).toEqual({ a: { list: [] } })
  })
})

describe('replay', () => {
  test('gives the state after every event, sharing what did not change', () => {
    const start = deepFreeze({ big: { keep: [1, 2, 3] }, n: 0 } as Slices)
    const events: HistoryEvent[] = [
      update('n', { value: 1 }),
      update('big', { patches: [{ op: 'add', path: '/more', value: true }] }),
      update('n', { value: 2 })
    ]
    const out = replay(start, events)
    expect(out).toEqual({ big: { keep: [1, 2, 3], more: true }, n: 2 })
    expect((out.big as { keep: Json }).keep).toBe((start.big as { keep: Json }).keep)
  })
})

describe('valueAt and deepEqual', () => {
  test('valueAt finds a value by pointer, or gives undefined', () => {
    const doc: Json = { a: [{ 'x/y': 1 }] }
    expect(valueAt(doc, '/a/0/x~1y')).toBe(1)
    expect(valueAt(doc, '/a/1')).toBeUndefined()
    expect(valueAt(doc, '/a/x')).toBeUndefined()
    expect(valueAt(doc, ['a', '0'])).toEqual({ 'x/y': 1 })
  })

  test('deepEqual ignores key order and tells arrays from objects', () => {
    expect(deepEqual({ a: 1, b: [1] }, { b: [1], a: 1 })).toBe(true)
    expect(deepEqual([], {})).toBe(false)
    expect(deepEqual({ a: undefined as unknown as Json }, { b: 1 })).toBe(false)
    expect(deepEqual([1, 2], [1])).toBe(false)
  })
})
