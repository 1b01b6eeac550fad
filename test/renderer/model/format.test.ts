import { describe, expect, test } from 'vitest'
import { clock, describeTagged, duration, preview, unwrap } from '../../../src/renderer/src/lib/model/format'
import type { Json } from '../../../src/shared/protocol'
import { TAGS } from '../../../src/shared/tags'

describe('describeTagged', () => {
  // Every row of DESIGN.md's table of values JSON cannot carry, encoded as the host encodes it.
  const cases: [string, Json, string][] = [
    ['a BigInt', { $bigint: '10' }, '10n'],
    ['a negative BigInt', { $bigint: '-12345678901234567890' }, '-12345678901234567890n'],
    ['a Date', { $date: '1970-01-01T00:00:01.000Z' }, '1970-01-01T00:00:01.000Z'],
    ['an invalid Date', { $date: null }, 'Invalid Date'],
    [
      'a Map',
      {
        $map: [
          ['a', 1],
          [{ $bigint: '1' }, { $set: [] }]
        ]
      },
      'Map(2)'
    ],
    ['an empty Map', { $map: [] }, 'Map(0)'],
    ['a Set', { $set: [1, 2, 3] }, 'Set(3)'],
    ['undefined', { $undefined: true }, 'undefined'],
    ['NaN', { $number: 'NaN' }, 'NaN'],
    ['Infinity', { $number: 'Infinity' }, 'Infinity'],
    ['-Infinity', { $number: '-Infinity' }, '-Infinity'],
    ['-0', { $number: '-0' }, '-0'],
    ['a named function', { $function: 'handler' }, 'ƒ handler'],
    ['an anonymous function', { $function: '' }, 'ƒ (anonymous)'],
    ['a cycle', { $ref: '/a' }, '[circular → /a]'],
    ['a cycle to the slice itself', { $ref: '' }, '[circular → (the slice)]'],
    ['an Error', { $error: { name: 'TypeError', message: 'x is not a function' } }, 'TypeError: x is not a function'],
    ['a RegExp', { $regexp: '/a+/g' }, '/a+/g'],
    ['a Symbol', { $symbol: 'token' }, 'Symbol(token)'],
    ['a typed array', { $bytes: { type: 'Uint8Array', length: 4, head: [1, 2, 3, 4] } }, 'Uint8Array(4)'],
    ['an ArrayBuffer', { $bytes: { type: 'ArrayBuffer', length: 1024, head: [] } }, 'ArrayBuffer(1024)'],
    ['a value nested too deep', { $truncated: 'nested deeper than 512 levels' }, '… (nested deeper than 512 levels)'],
    ['a redacted value', { $redacted: true }, 'redacted']
  ]

  test.each(cases)('shows %s as the design says', (_, value, shown) => {
    expect(describeTagged(value)).toBe(shown)
  })

  test('covers every tag there is', () => {
    const covered = new Set(cases.map(([, v]) => Object.keys(v as object)[0]))
    covered.add('$object')
    expect([...covered].sort()).toEqual([...TAGS].sort())
  })

  test('leaves plain data, and data wrapped in $object, to be shown as data', () => {
    for (const v of [null, 1, 'x', [1], {}, { a: 1 }, { $x: 1 }, { $bigint: '1', other: 2 }, { $object: { $bigint: '1' } }] as Json[]) {
      expect(describeTagged(v)).toBeUndefined()
    }
  })
})

describe('unwrap', () => {
  test('gives the user data inside $object, and anything else as it is', () => {
    expect(unwrap({ $object: { $bigint: 'not a tag' } })).toEqual({ $bigint: 'not a tag' })
    expect(unwrap({ $bigint: '1' })).toEqual({ $bigint: '1' })
    expect(unwrap([1])).toEqual([1])
  })
})

describe('preview', () => {
  test('shows primitives as JSON would, strings quoted, and a missing value as a dash', () => {
    expect(preview(null)).toBe('null')
    expect(preview(true)).toBe('true')
    expect(preview(-1.5)).toBe('-1.5')
    expect(preview('say "hi"')).toBe('"say \\"hi\\""')
    expect(preview(undefined)).toBe('—')
  })

  test('shows tagged values as what they were, also inside objects and arrays', () => {
    expect(preview({ $bigint: '10' })).toBe('10n')
    expect(preview({ when: { $date: null }, tags: { $set: [1] }, f: { $function: 'go' } })).toBe(
      '{when: Invalid Date, tags: Set(1), f: ƒ go}'
    )
    expect(preview([{ $undefined: true }, { $number: 'NaN' }, { $ref: '/a' }])).toBe('[undefined, NaN, [circular → /a]]')
  })

  test('shows the data inside $object as a plain object', () => {
    expect(preview({ $object: { $bigint: 'x' } })).toBe('{$bigint: "x"}')
  })

  test('cuts long values to the length asked for, with an ellipsis', () => {
    const long = preview(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`key${i}`, i])), 30)
    expect(long).toBe('{key0: 0, key1: 1, key2: 2, k…')
    expect(preview({ text: 'x'.repeat(200) })).toBe(`{text: "${'x'.repeat(18)}…}`)
    expect(preview('abc', 5)).toBe('"abc"')
    expect(preview('abcd', 5)).toBe('"abc…')
  })
})

describe('clock', () => {
  test('shows the time of day with milliseconds', () => {
    const t = new Date(2026, 0, 2, 3, 4, 5, 6).getTime()
    expect(clock(t)).toBe('03:04:05.006')
  })
})

describe('duration', () => {
  test.each([
    [0, '0 ms'],
    [850, '850 ms'],
    [999.4, '999 ms'],
    [999.6, '1.0 s'],
    [2400, '2.4 s'],
    [59_940, '59.9 s'],
    [59_960, '1 min 0 s'],
    [185_000, '3 min 5 s'],
    [119_600, '2 min 0 s'],
    [3_599_700, '60 min 0 s']
  ])('shows %d ms as %s', (ms, shown) => {
    expect(duration(ms)).toBe(shown)
  })
})
