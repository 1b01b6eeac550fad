import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { BYTES_HEAD, encode } from '../../../src/host/recorder/encode'
import type { Json } from '../../../src/shared/protocol'

describe('encode', () => {
  test('keeps JSON values as they are, but for objects whose only key starts with $', () => {
    /** DESIGN.md's rule, stated on its own: such an object is wrapped in $object. */
    const expected = (v: Json): Json => {
      if (typeof v !== 'object' || v === null) return v
      if (Array.isArray(v)) return v.map(expected)
      const out: Record<string, Json> = {}
      for (const [k, x] of Object.entries(v)) Object.defineProperty(out, k, { value: expected(x), enumerable: true })
      const keys = Object.keys(v)
      return keys.length === 1 && keys[0]?.startsWith('$') ? { $object: out } : out
    }
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(encode(v)).toEqual(expected(JSON.parse(JSON.stringify(v)) as Json))
      }),
      { numRuns: 1000 }
    )
    expect(encode({ $: '' })).toEqual({ $object: { $: '' } })
  })

  test('writes -0 as 0, as JSON does', () => {
    expect(Object.is(encode(-0), 0)).toBe(true)
  })

  test.each<[string, unknown, Json]>([
    ['a BigInt', 10n, { $bigint: '10' }],
    ['a negative BigInt beyond 2^53', -(2n ** 64n), { $bigint: '-18446744073709551616' }],
    ['a Date', new Date(1000), { $date: '1970-01-01T00:00:01.000Z' }],
    ['an invalid Date', new Date(Number.NaN), { $date: null }],
    ['undefined', undefined, { $undefined: true }],
    ['NaN', Number.NaN, { $number: 'NaN' }],
    ['Infinity', Infinity, { $number: 'Infinity' }],
    ['-Infinity', -Infinity, { $number: '-Infinity' }],
    ['a named function', function handler() {}, { $function: 'handler' }],
    ['an anonymous function', [() => 1][0], { $function: '' }],
    ['a class', class Store {}, { $function: 'Store' }],
    ['an Error', new TypeError('bad input'), { $error: { name: 'TypeError', message: 'bad input' } }],
    ['a RegExp', /a+/g, { $regexp: '/a+/g' }],
    ['a Symbol', Symbol('desc'), { $symbol: 'desc' }],
    ['a Symbol with no description', Symbol(), { $symbol: '' }],
    ['a Uint8Array', new Uint8Array([1, 2, 3, 4]), { $bytes: { type: 'Uint8Array', length: 4, head: [1, 2, 3, 4] } }],
    ['an ArrayBuffer', new Uint8Array([5, 6]).buffer, { $bytes: { type: 'ArrayBuffer', length: 2, head: [5, 6] } }],
    ['a DataView', new DataView(new Uint8Array([7]).buffer), { $bytes: { type: 'DataView', length: 1, head: [7] } }],
    [
      'a Float64Array with NaN',
      new Float64Array([0.5, Number.NaN]),
      { $bytes: { type: 'Float64Array', length: 2, head: [0.5, { $number: 'NaN' }] } }
    ],
    ['a BigInt64Array', new BigInt64Array([1n]), { $bytes: { type: 'BigInt64Array', length: 1, head: [{ $bigint: '1' }] } }],
    ['a plain object whose only key starts with $', { $bigint: '10' }, { $object: { $bigint: '10' } }],
    ['a plain object whose only key is $', { $: 1 }, { $object: { $: 1 } }],
    ['an object with a $ key among others', { $x: 1, y: 2 }, { $x: 1, y: 2 }]
  ])('encodes %s as DESIGN.md says', (_name, value, encoded) => {
    expect(encode(value)).toEqual(encoded)
  })

  test('encodes the keys and values of a Map, and the values of a Set', () => {
    const map = new Map<unknown, unknown>([
      [1n, Number.NaN],
      [{ k: 1 }, new Set([undefined, 'x'])]
    ])
    expect(encode(map)).toEqual({
      $map: [
        [{ $bigint: '1' }, { $number: 'NaN' }],
        [{ k: 1 }, { $set: [{ $undefined: true }, 'x'] }]
      ]
    })
  })

  test('keeps a property whose value is undefined, and an undefined array element', () => {
    expect(encode({ a: undefined, b: 1 })).toEqual({ a: { $undefined: true }, b: 1 })
    expect(encode([undefined, 1])).toEqual([{ $undefined: true }, 1])
  })

  test('keeps the first 64 values of a long typed array, and its length', () => {
    const big = new Uint16Array(1000).map((_, i) => i)
    const out = encode(big) as { $bytes: { length: number; head: number[] } }
    expect(out.$bytes.length).toBe(1000)
    expect(out.$bytes.head).toEqual(Array.from({ length: BYTES_HEAD }, (_, i) => i))
  })

  test('writes a reference back to an enclosing object as a pointer from the slice', () => {
    const root: Record<string, unknown> = { list: [{ 'a/b': {} }] }
    const inner = (root.list as Record<string, Record<string, unknown>>[])[0] as Record<string, Record<string, unknown>>
    ;(inner['a/b'] as Record<string, unknown>).up = inner
    root.self = root
    expect(encode(root)).toEqual({ list: [{ 'a/b': { up: { $ref: '/list/0' } } }], self: { $ref: '' } })
  })

  test('points into maps, sets and wrapped objects by their encoded form', () => {
    const root: Record<string, unknown> = {}
    root.m = new Map([['k', root]])
    root.s = new Set([root])
    const wrapped: Record<string, unknown> = {}
    wrapped.$only = { back: wrapped }
    root.w = wrapped
    expect(encode(root)).toEqual({
      m: { $map: [['k', { $ref: '' }]] },
      s: { $set: [{ $ref: '' }] },
      w: { $object: { $only: { back: { $ref: '/w' } } } }
    })
  })

  test('encodes an object seen twice, but not in a cycle, in full both times', () => {
    const shared = { n: 1 }
    expect(encode({ a: shared, b: [shared] })).toEqual({ a: { n: 1 }, b: [{ n: 1 }] })
  })

  test('uses the result of toJSON, encoded in turn', () => {
    class Money {
      constructor(readonly cents: bigint) {}
      toJSON() {
        return { cents: this.cents, when: new Date(0) }
      }
    }
    expect(encode({ price: new Money(5n) })).toEqual({ price: { cents: { $bigint: '5' }, when: { $date: '1970-01-01T00:00:00.000Z' } } })
    expect(encode({ toJSON: () => 'short' })).toBe('short')
  })

  test('encodes a class instance as its own enumerable properties', () => {
    class Point {
      #secret = 1
      constructor(
        readonly x: number,
        readonly y: number
      ) {}
      get length(): number {
        return Math.hypot(this.x, this.y) + this.#secret
      }
    }
    expect(encode(new Point(3, 4))).toEqual({ x: 3, y: 4 })
    expect(encode(Object.assign(Object.create(null) as object, { a: 1 }))).toEqual({ a: 1 })
  })

  test('records a getter that throws as the error it threw, and keeps the other properties', () => {
    const obj = Object.defineProperty({ ok: 1 }, 'bad', {
      enumerable: true,
      get() {
        throw new RangeError('no value here')
      }
    })
    expect(encode(obj)).toEqual({ ok: 1, bad: { $error: { name: 'RangeError', message: 'no value here' } } })
    const arr = Object.defineProperty([1, 2], 1, {
      get() {
        throw 'a string'
      }
    })
    expect(encode(arr)).toEqual([1, { $error: { name: 'Error', message: 'a string' } }])
  })

  test('records a toJSON that throws, or a toJSON behind a getter that throws, as the error', () => {
    expect(
      encode({
        toJSON() {
          throw new Error('cannot serialize')
        }
      })
    ).toEqual({ $error: { name: 'Error', message: 'cannot serialize' } })
    const trap = Object.defineProperty({ a: 1 }, 'toJSON', {
      get() {
        throw new Error('trap')
      }
    })
    expect(encode(trap)).toEqual({ $error: { name: 'Error', message: 'trap' } })
  })

  test('keeps "__proto__" as an own key', () => {
    const obj = JSON.parse('{"__proto__": {"x": 1}}') as object
    const out = encode(obj) as Record<string, Json>
    expect(Object.hasOwn(out, '__proto__')).toBe(true)
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype)
  })

  test('never throws and always gives plain JSON, whatever the value', () => {
    const anything = fc.anything({
      withBigInt: true,
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withTypedArray: true,
      withSparseArray: true,
      withNullPrototype: true,
      withObjectString: true
    })
    fc.assert(
      fc.property(anything, (value) => {
        const out = encode(value)
        expect(JSON.parse(JSON.stringify(out))).toEqual(out)
      }),
      { numRuns: 300 }
    )
  })
})
