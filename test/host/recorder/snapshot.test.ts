import fc from 'fast-check'
import jsonpatch, { type Operation as JsonPatchOperation } from 'fast-json-patch'
import { describe, expect, test } from 'vitest'
import { encode } from '../../../src/host/recorder/encode'
import { Snapshot, type SliceChange } from '../../../src/host/recorder/snapshot'
import type { Json, Operation } from '../../../src/shared/protocol'
import { tagOf } from '../../../src/shared/tags'
import { applyPatch, deepEqual, newEdit } from '../../../src/shared/state'
import { applyStep, deepFreeze, initialSlices, Point } from '../../fixtures/mutations'
import { json, steps } from '../../helpers/arbitraries'

const isContainer = (v: Json | undefined): v is Json[] | { [key: string]: Json } => typeof v === 'object' && v !== null
const kindOf = (v: Json | undefined): string => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v)

/**
 * The recorder's view of a runtime, checked at every change: each change turns the last encoding
 * of the slice into the new one (applied by the shared applier and by fast-json-patch, and with
 * the same effect as fast-json-patch's `compare`), is never empty, and is a whole value only
 * where the protocol says so.
 */
class Recorder {
  readonly snapshot: Snapshot
  mirror: Record<string, Json> = {}

  constructor(options: { policy?: 'trust' | 'full' } = {}) {
    this.snapshot = new Snapshot(options)
  }

  reset(slices: Record<string, unknown>): void {
    this.mirror = this.snapshot.reset(slices)
    for (const slice of Object.keys(slices)) expect(this.mirror[slice]).toEqual(encode(slices[slice]))
  }

  update(slice: string, after: unknown): SliceChange | undefined {
    const expected = encode(after)
    const existed = Object.hasOwn(this.mirror, slice)
    const prev = this.mirror[slice]
    const change = this.snapshot.update(slice, after)
    if (existed && deepEqual(prev, expected)) {
      expect(change, `an update of "${slice}" that changes nothing`).toBeUndefined()
      return change
    }
    expect(change, `no update for a change of "${slice}"`).toBeDefined()
    if (change === undefined) return change
    if ('patches' in change) {
      expect(change.patches.length).toBeGreaterThan(0)
      expect(existed).toBe(true)
      expect(kindOf(prev)).toBe(kindOf(expected))
      expect(isContainer(prev)).toBe(true)
      const ours = applyPatch(prev as Json, change.patches, newEdit())
      expect(ours).toEqual(expected)
      const theirs = jsonpatch.applyPatch(
        jsonpatch.deepClone(prev),
        jsonpatch.deepClone(change.patches) as JsonPatchOperation[],
        true
      ).newDocument
      expect(theirs).toEqual(expected)
      const compared = jsonpatch.compare(prev as object, expected as object)
      expect(jsonpatch.applyPatch(jsonpatch.deepClone(prev), compared, true).newDocument).toEqual(theirs)
      this.mirror[slice] = ours
    } else if ('value' in change) {
      expect(change.value).toEqual(expected)
      const allowed =
        !existed ||
        !isContainer(prev) ||
        !isContainer(expected) ||
        kindOf(prev) !== kindOf(expected) ||
        tagOf(prev) !== undefined ||
        tagOf(expected) !== undefined
      expect(allowed, `a whole value where patches were due: ${JSON.stringify(prev)} → ${JSON.stringify(expected)}`).toBe(true)
      this.mirror[slice] = change.value
    } else {
      throw new Error(`update() gave a removal for "${slice}"`)
    }
    return change
  }

  patches(slice: string, after: unknown): Operation[] {
    const change = this.update(slice, after)
    if (change === undefined || !('patches' in change)) throw new Error(`expected patches, got ${JSON.stringify(change)}`)
    return change.patches
  }
}

/** A value of every JSON kind. */
const JSON_KINDS: [string, () => unknown][] = [
  ['an empty object', () => ({})],
  ['an object', () => ({ a: 1, b: { c: [2] } })],
  ['an empty array', () => []],
  ['an array', () => [1, { a: 2 }, [3]]],
  ['a string', () => 'text'],
  ['the empty string', () => ''],
  ['a number', () => 42],
  ['zero', () => 0],
  ['true', () => true],
  ['false', () => false],
  ['null', () => null]
]

/** A value of every kind JSON cannot carry (each call makes a fresh one). */
const SPECIAL_KINDS: [string, () => unknown][] = [
  ['a BigInt', () => 10n],
  ['a Date', () => new Date(1000)],
  ['an invalid Date', () => new Date(Number.NaN)],
  ['a Map', () => new Map<unknown, unknown>([['k', 1n]])],
  ['a Set', () => new Set([1, 'a'])],
  ['undefined', () => undefined],
  ['NaN', () => Number.NaN],
  ['Infinity', () => Infinity],
  ['-Infinity', () => -Infinity],
  ['a function', () => function named() {}],
  ['an Error', () => new TypeError('bad')],
  ['a RegExp', () => /a+/g],
  ['a Symbol', () => Symbol('s')],
  ['a Uint8Array', () => new Uint8Array([1, 2])],
  ['an ArrayBuffer', () => new ArrayBuffer(3)],
  ['an object with toJSON', () => ({ toJSON: () => ({ cents: 5 }) })],
  ['a class instance', () => new Point(1)],
  ['an object whose only key starts with $', () => ({ $ref: '/x' })],
  ['a cycle', () => cycle()],
  ['an object with a getter that throws', () => throwingGetter()]
]

function cycle(): object {
  const o: Record<string, unknown> = { n: 1 }
  o.self = o
  return o
}

function throwingGetter(): object {
  return Object.defineProperty({ ok: 1 }, 'bad', {
    enumerable: true,
    get() {
      throw new Error('no')
    }
  })
}

const ALL_KINDS = [...JSON_KINDS, ...SPECIAL_KINDS]

describe('Snapshot', () => {
  test('sends a new slice whole, then nothing while it does not change', () => {
    const r = new Recorder()
    r.reset({})
    expect(r.update('s', { a: 1 })).toEqual({ value: { a: 1 } })
    expect(r.update('s', { a: 1 })).toBeUndefined()
  })

  test.each(ALL_KINDS)('records a slice going from %s to a value of every kind and back', (_from, a) => {
    for (const [to, b] of ALL_KINDS) {
      try {
        const r = new Recorder()
        r.reset({ s: a(), nested: { v: a() }, list: [a()] })
        r.update('s', b())
        r.update('nested', { v: b() })
        r.update('list', [b()])
        r.update('s', a())
        r.update('nested', { v: a() })
        r.update('list', [a()])
      } catch (e) {
        throw new Error(`to ${to}: ${(e as Error).message}`, { cause: e })
      }
    }
  })

  test('sends patches while a slice stays an object or an array, and the whole value when it changes kind', () => {
    const r = new Recorder()
    r.reset({ s: { a: 1 } })
    expect(r.update('s', { a: 2 })).toEqual({ patches: [{ op: 'replace', path: '/a', value: 2 }] })
    expect(r.update('s', [1])).toEqual({ value: [1] })
    expect(r.update('s', [1, 2])).toEqual({ patches: [{ op: 'add', path: '/1', value: 2 }] })
    expect(r.update('s', null)).toEqual({ value: null })
    expect(r.update('s', 'x')).toEqual({ value: 'x' })
    expect(r.update('s', { b: null })).toEqual({ value: { b: null } })
    expect(r.update('s', { b: [] })).toEqual({ patches: [{ op: 'replace', path: '/b', value: [] }] })
  })

  test('escapes "/" and "~" in paths and keeps the empty key', () => {
    const r = new Recorder()
    r.reset({ s: { 'a/b': 1, 'm~n': 2, '': 3, '~1': 4, nested: { '': { '/': 5 } } } })
    const ops = r.patches('s', { 'a/b': 10, 'm~n': 20, '': 30, '~1': 40, nested: { '': { '/': 50 } } })
    expect(ops.map((op) => op.path).sort()).toEqual(['/', '/a~1b', '/m~0n', '/nested//~1', '/~01'].sort())
    expect(r.patches('s', { nested: {} }).map((op) => op.path)).toContain('/nested/')
  })

  test('removes a slice once, and sends it whole when it comes back', () => {
    const r = new Recorder()
    r.reset({ s: [1] })
    expect(r.snapshot.remove('s')).toEqual({ removed: true })
    expect(r.snapshot.remove('s')).toBeUndefined()
    expect(r.snapshot.has('s')).toBe(false)
    expect(r.snapshot.update('s', [1])).toEqual({ value: [1] })
  })

  test('records nothing for an equal value, be it a new object, a new date or NaN again', () => {
    const r = new Recorder()
    r.reset({ s: { d: new Date(5), n: Number.NaN, m: new Map([[1, 2]]), list: [{ a: 1 }], u: undefined, f: () => 1 } })
    expect(
      r.update('s', { d: new Date(5), n: Number.NaN, m: new Map([[1, 2]]), list: [{ a: 1 }], u: undefined, f: () => 1 })
    ).toBeUndefined()
  })

  describe('a runtime that mutates its state in place', () => {
    test('is diffed against the snapshot, not against `before` (which is the same object)', () => {
      const r = new Recorder()
      const state = { todos: [{ text: 'a', done: false }], count: 1, meta: { tags: ['x'] } as Record<string, unknown> }
      r.reset({ s: state })
      state.todos.push({ text: 'b', done: false })
      expect(r.patches('s', state)).toEqual([{ op: 'add', path: '/todos/1', value: { text: 'b', done: false } }])
      ;(state.todos[0] as { done: boolean }).done = true
      state.count++
      delete state.meta.tags
      state.meta.added = new Set([1])
      expect(r.patches('s', state)).toEqual(
        expect.arrayContaining([
          { op: 'replace', path: '/todos/0/done', value: true },
          { op: 'replace', path: '/count', value: 2 },
          { op: 'remove', path: '/meta/tags' },
          { op: 'add', path: '/meta/added', value: { $set: [1] } }
        ])
      )
      state.todos.length = 0
      r.update('s', state)
      expect(r.update('s', state)).toBeUndefined()
    })

    test('sees changes under a new root whose children were mutated', () => {
      const r = new Recorder()
      let state = { list: [1, 2, 3], deep: { a: { b: 1 } } }
      r.reset({ s: state })
      state.list.splice(1, 1)
      state.deep.a.b = 2
      state = { ...state }
      r.update('s', state)
      state.list.unshift(0)
      r.update('s', { ...state })
    })

    test('sees a Map, a Set, a Date and a typed array changed in place', () => {
      const r = new Recorder()
      const value = { m: new Map<string, number>(), s: new Set<number>(), d: new Date(0), b: new Uint8Array(2) }
      r.reset({ s: value })
      value.m.set('k', 1)
      expect(r.patches('s', value)).toEqual([{ op: 'replace', path: '/m', value: { $map: [['k', 1]] } }])
      value.s.add(1)
      value.d.setTime(1000)
      value.b[1] = 9
      expect(r.patches('s', value).map((op) => op.path)).toEqual(['/s', '/d', '/b'])
    })

    test('follows a cycle that appears, moves and goes away', () => {
      const r = new Recorder()
      const root: Record<string, unknown> = { a: { x: 1 } }
      r.reset({ s: root })
      ;(root.a as Record<string, unknown>).back = root
      expect(r.patches('s', root)).toEqual([{ op: 'add', path: '/a/back', value: { $ref: '' } }])
      root.b = root.a
      delete root.a
      r.update('s', root)
      ;(root.b as Record<string, unknown>).back = root.b
      expect(r.patches('s', root)).toEqual([{ op: 'replace', path: '/b/back', value: { $ref: '/b' } }])
      delete (root.b as Record<string, unknown>).back
      r.update('s', root)
    })

    test('wraps an object in $object when its only key starts with $, and unwraps it when it gets another', () => {
      const r = new Recorder()
      const value: Record<string, unknown> = { a: 1 }
      r.reset({ s: { v: value } })
      delete value.a
      value.$a = 1
      r.update('s', { v: value })
      value.$a = 2
      expect(r.patches('s', { v: value })).toEqual([{ op: 'replace', path: '/v', value: { $object: { $a: 2 } } }])
      value.b = 1
      r.update('s', { v: value })
    })
  })

  describe('frozen state', () => {
    /** An Immer-like producer: copies the path it changes and deep-freezes the result. */
    const produce = <T>(base: T, recipe: (draft: T) => T): T => deepFreeze(recipe(base))

    test('gives correct patches for Immer-style deep-frozen state with structural sharing', () => {
      const r = new Recorder()
      let state = deepFreeze({
        todos: [
          { id: 1, done: false },
          { id: 2, done: false }
        ],
        filter: 'all',
        big: Array.from({ length: 100 }, (_, i) => ({ i }))
      })
      r.reset({ s: state })
      state = produce(state, (s) => ({ ...s, todos: s.todos.map((t) => (t.id === 2 ? { ...t, done: true } : t)) }))
      expect(r.patches('s', state)).toEqual([{ op: 'replace', path: '/todos/1/done', value: true }])
      state = produce(state, (s) => ({ ...s, todos: [...s.todos, { id: 3, done: false }], filter: 'done' }))
      expect(r.patches('s', state)).toHaveLength(2)
      state = produce(state, (s) => ({ ...s, big: s.big.slice(1) }))
      r.update('s', state)
      expect(r.update('s', state)).toBeUndefined()
    })

    test('gives correct patches for shallow-frozen state whose children are mutated in place', () => {
      const r = new Recorder()
      const child = { n: 1, list: [1] }
      const state = Object.freeze({ child, when: new Date(0) })
      r.reset({ s: state })
      child.n = 2
      child.list.push(2)
      state.when.setTime(5)
      expect(r.patches('s', state).map((op) => op.path)).toEqual(['/child/n', '/child/list/1', '/when'])
    })

    test('gives correct patches for a frozen object reused at another position', () => {
      const r = new Recorder()
      const shared = deepFreeze({ n: 1, list: [{ deep: true }] })
      r.reset({ s: deepFreeze({ a: shared, b: null, list: [] as unknown[] }) })
      r.update('s', deepFreeze({ a: shared, b: shared, list: [shared] }))
      r.update('s', deepFreeze({ b: shared, list: [shared, shared], c: { inner: shared } }))
      r.update('s', deepFreeze({ list: [1, shared] }))
      r.update('t', shared)
      r.update('t', deepFreeze({ again: shared }))
      expect(r.update('s', deepFreeze({ list: [1, shared] }))).toBeUndefined()
    })

    test('sees a Date, a Map or a mutable child inside deep-frozen state change', () => {
      const r = new Recorder()
      const mutable = { n: 1 }
      // Frozen all the way down but for one object a runtime keeps mutable on purpose.
      const state = Object.freeze({ d: Object.freeze(new Date(0)), m: Object.freeze(new Map([['a', 1]])), arr: Object.freeze([mutable]) })
      r.reset({ s: state })
      state.d.setTime(1)
      state.m.set('b', 2)
      mutable.n = 2
      expect(r.patches('s', state).map((op) => op.path)).toEqual(['/d', '/m', '/arr/0/n'])
    })

    test('treats an object frozen after it was recorded as it is now', () => {
      const r = new Recorder()
      const state: Record<string, unknown> = { a: { n: 1 } }
      r.reset({ s: state })
      ;(state.a as Record<string, unknown>).n = 2
      deepFreeze(state)
      r.update('s', state)
      expect(r.update('s', state)).toBeUndefined()
    })
  })

  describe('a getter that throws', () => {
    test('is recorded as its error, in an object and in an array, frozen or not, change after change', () => {
      for (const freeze of [false, true]) {
        const r = new Recorder()
        const make = (n: number): object => {
          const arr = Object.defineProperty([n, 0], 1, {
            enumerable: true,
            get() {
              throw new Error('index getter')
            }
          })
          const obj = { n, bad: 0, arr }
          Object.defineProperty(obj, 'bad', {
            enumerable: true,
            get() {
              throw new Error('property getter')
            }
          })
          return freeze ? deepFreeze(obj) : obj
        }
        r.reset({ s: make(1) })
        r.update('s', make(2))
        r.update('s', make(2))
        r.update('s', [make(3)])
        r.update('s', [make(4)])
      }
    })

    test('at an index does not hide the changes after it in the array', () => {
      const r = new Recorder()
      const make = (v: number): number[] =>
        Object.defineProperty([0, v, 5, v], 0, {
          enumerable: true,
          get() {
            throw new Error('index getter')
          }
        })
      r.reset({ s: make(1) })
      expect(r.patches('s', make(2))).toEqual([
        { op: 'replace', path: '/1', value: 2 },
        { op: 'replace', path: '/3', value: 2 }
      ])
    })

    test('at an index of a runtime declared immutable, change after change', () => {
      const r = new Recorder({ policy: 'trust' })
      const make = (v: number): number[] =>
        Object.defineProperty([0, v], 0, {
          enumerable: true,
          get() {
            throw new Error('boom')
          }
        })
      r.reset({ a: make(1) })
      expect(r.patches('a', make(2))).toEqual([{ op: 'replace', path: '/1', value: 2 }])
      expect(r.patches('a', make(3))).toEqual([{ op: 'replace', path: '/1', value: 3 }])
    })

    test('is recorded as the value it gives once it stops throwing', () => {
      const r = new Recorder()
      let fail = true
      const obj = Object.defineProperty({}, 'v', {
        enumerable: true,
        get() {
          if (fail) throw new Error('not yet')
          return 1
        }
      })
      r.reset({ s: obj })
      fail = false
      expect(r.patches('s', obj)).toEqual([{ op: 'replace', path: '/v', value: 1 }])
    })
  })

  test('gives patches with the effect of fast-json-patch compare between any two JSON values', () => {
    fc.assert(
      fc.property(json, json, (a, b) => {
        const r = new Recorder()
        r.reset({ s: a, nested: { v: a, list: [a] } })
        r.update('s', b)
        r.update('nested', { v: b, list: [b] })
      }),
      { numRuns: 400 }
    )
  })

  test('records any run of changes, in place, immutable, Immer-style or under a new root, exactly', () => {
    fc.assert(
      fc.property(steps(25), (run) => {
        const r = new Recorder()
        const slices = initialSlices()
        r.reset(slices)
        for (const step of run) {
          const before = Object.keys(slices)
          applyStep(slices, step)
          for (const slice of new Set([...before, ...Object.keys(slices)])) {
            if (Object.hasOwn(slices, slice)) r.update(slice, slices[slice])
            else if (r.snapshot.remove(slice) !== undefined) delete r.mirror[slice]
          }
        }
      }),
      { numRuns: 250 }
    )
  })
})
