import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import type { Json } from '../../../src/shared/protocol'
import {
  formatWatch,
  parseWatch,
  WatchSyntaxError,
  type Condition,
  type PathToken,
  type ValueTest,
  type Watch
} from '../../../src/shared/watch'

const key = (k: string): PathToken => ({ kind: 'key', key: k })
const ANY: PathToken = { kind: 'any' }
const APPEND: PathToken = { kind: 'append' }

/** A watch as plain data: its regular expression as text, so `toEqual` compares it. */
function plain(w: Pick<Watch, 'path' | 'condition'>): { path: unknown; condition: unknown } {
  return JSON.parse(JSON.stringify({ path: w.path, condition: w.condition }, (_k, v: unknown) => (v instanceof RegExp ? String(v) : v)))
}

function fails(text: string): WatchSyntaxError {
  try {
    parseWatch(text)
  } catch (e) {
    expect(e).toBeInstanceOf(WatchSyntaxError)
    return e as WatchSyntaxError
  }
  throw new Error(`${JSON.stringify(text)} parsed`)
}

describe('watch paths', () => {
  test.each<[string, PathToken[]]>([
    ['/cart', [key('cart')]],
    ['/cart/items/*/price', [key('cart'), key('items'), ANY, key('price')]],
    ['/chat/messages/-', [key('chat'), key('messages'), APPEND]],
    ['/*', [ANY]],
    ['/*/*', [ANY, ANY]],
    ['/a~1b/m~0n', [key('a/b'), key('m~n')]],
    ['/~01', [key('~1')]],
    ['/', [key('')]],
    ['/a//b', [key('a'), key(''), key('b')]],
    ['/a/', [key('a'), key('')]],
    ['/list/0', [key('list'), key('0')]],
    ['/flags/"*"', [key('flags'), key('*')]],
    ['/"-"', [key('-')]],
    ['/"my slice"/a', [key('my slice'), key('a')]],
    ['/"a~1b"', [key('a~1b')]],
    ['/"q\\"uote"/x', [key('q"uote'), key('x')]],
    ['/"a=b"', [key('a=b')]],
    ['/a-b/x-', [key('a-b'), key('x-')]],
    ['/é/日本', [key('é'), key('日本')]],
    ['  /padded  ', [key('padded')]]
  ])('%s names %j', (text, path) => {
    const w = parseWatch(text)
    expect(w.path).toEqual(path)
    expect(w.condition).toEqual({ kind: 'changed' })
    expect(w.source).toBe(text)
  })
})

const eq = (value: Json): ValueTest => ({ kind: 'equals', value })

describe('watch conditions', () => {
  test.each<[string, unknown]>([
    ['/x changed', { kind: 'changed' }],
    ['/x appears', { kind: 'appears' }],
    ['/x removed', { kind: 'removed' }],
    ['/x is removed', { kind: 'removed' }],
    ['/x   is \t removed', { kind: 'removed' }],
    ['/x changes type', { kind: 'changes-type' }],
    ['/x == 1', { kind: 'is', test: eq(1) }],
    ['/x==1', { kind: 'is', test: eq(1) }],
    ['/x equals "a b"', { kind: 'is', test: eq('a b') }],
    ['/a == {"b":1}', { kind: 'is', test: eq({ b: 1 }) }],
    ['/a == { "b": [1, "x y", {"c": null}] }', { kind: 'is', test: eq({ b: [1, 'x y', { c: null }] }) }],
    ['/a == [1, "]"]', { kind: 'is', test: eq([1, ']']) }],
    ['/a == null', { kind: 'is', test: eq(null) }],
    ['/a == false', { kind: 'is', test: eq(false) }],
    ['/a == -1.5e3', { kind: 'is', test: eq(-1500) }],
    ['/a != "x"', { kind: 'is', test: { kind: 'not-equals', value: 'x' } }],
    ['/a > 100', { kind: 'is', test: { kind: 'compare', op: '>', bound: 100 } }],
    ['/a>=-2', { kind: 'is', test: { kind: 'compare', op: '>=', bound: -2 } }],
    ['/a < 0.5', { kind: 'is', test: { kind: 'compare', op: '<', bound: 0.5 } }],
    ['/a <= 1E2', { kind: 'is', test: { kind: 'compare', op: '<=', bound: 100 } }],
    ['/a matches /^a/i', { kind: 'is', test: { kind: 'matches', regexp: '/^a/i' } }],
    ['/a matches /a\\/b[/]c/', { kind: 'is', test: { kind: 'matches', regexp: '/a\\/b[/]c/' } }],
    ['/a matches /x/dimsu', { kind: 'is', test: { kind: 'matches', regexp: '/x/dimsu' } }],
    ['/a matches //', { kind: 'is', test: { kind: 'matches', regexp: '/(?:)/' } }],
    ['/status becomes "failed"', { kind: 'becomes', test: eq('failed') }],
    ['/status becomes == "failed"', { kind: 'becomes', test: eq('failed') }],
    ['/n becomes > 100', { kind: 'becomes', test: { kind: 'compare', op: '>', bound: 100 } }],
    ['/n becomes != 0', { kind: 'becomes', test: { kind: 'not-equals', value: 0 } }],
    ['/s becomes matches /err/', { kind: 'becomes', test: { kind: 'matches', regexp: '/err/' } }],
    ['/s becomes true', { kind: 'becomes', test: eq(true) }],
    ['/s becomes [1]', { kind: 'becomes', test: eq([1]) }],
    ['/s leaves "idle"', { kind: 'leaves', test: eq('idle') }],
    ['/s leaves <= 3', { kind: 'leaves', test: { kind: 'compare', op: '<=', bound: 3 } }],
    ['/s leaves equals {}', { kind: 'leaves', test: eq({}) }]
  ])('%s', (text, condition) => {
    expect(plain(parseWatch(text)).condition).toEqual(condition)
  })

  test('a regular expression keeps its flags and tests strings', () => {
    const w = parseWatch('/user/name matches /^a/i')
    expect(w.condition.kind === 'is' && w.condition.test.kind === 'matches' && w.condition.test.regexp.test('Alice')).toBe(true)
  })
})

describe('watch errors name what is wrong and the column', () => {
  test.each<[string, string]>([
    ['', 'expected a path like /cart/items/*/price at column 1'],
    ['   ', 'expected a path like /cart/items/*/price at column 4'],
    ['cart', 'expected "/" to start the path (like /cart/items/*/price), found "cart" at column 1'],
    ['/a/b*', '"*" stands for a whole key; write a key containing "*" in quotes, like /"a*" at column 5'],
    ['/a/~2', '"~" must be followed by 0 (for "~") or 1 (for "/") at column 4'],
    ['/a/b~', '"~" must be followed by 0 (for "~") or 1 (for "/") at column 5'],
    ['/a/-/b', '"-" (an append) must be the last token of the path at column 4'],
    ['/-', '"-" (an append) needs an array before it; write /"-" for a slice named "-" at column 2'],
    ['/a"b', 'a quote can only open a key: write the whole key in quotes, like /"a b" at column 3'],
    ['/"ab', 'the quoted key is never closed at column 2'],
    ['/"a\\qb"', 'bad quoted key (Bad escaped character) at column 5'],
    ['/"a"b', 'expected "/" or a space after the quoted key, found "b" at column 5'],
    [
      '/x chnged',
      'unknown condition "chnged"; expected changed, == V, != V, > N, >= N, < N, <= N, matches /re/, becomes …, leaves …, appears, removed or changes type at column 4'
    ],
    ['/x 5', 'expected a condition, found "5" (for equality write == V) at column 4'],
    ['/x = 1', 'unknown operator "="; write "==" for equality at column 4'],
    ['/x => 1', 'unknown operator "=>"; expected ==, !=, >, >=, < or <= at column 4'],
    ['/x changes', 'expected "type" after "changes" at column 11'],
    ['/x changes kind', 'expected "type" after "changes" at column 12'],
    ['/x is 5', 'expected "removed" after "is" (for equality write == V) at column 7'],
    ['/x ==', 'expected a JSON value after "==" at column 6'],
    ['/x equals', 'expected a JSON value after "equals" at column 10'],
    ['/x != ', 'expected a JSON value after "!=" at column 7'],
    ['/status becomes failed', 'expected a JSON value after "becomes" (a string needs double quotes: "failed") at column 17'],
    ["/status leaves 'idle'", "expected a JSON value after \"leaves\" (Unexpected token ''', \"'idle'\" is not valid JSON) at column 16"],
    ['/x == {"a":', 'expected a JSON value after "==" (Unexpected end of JSON input) at column 7'],
    ['/x == "a\\q"', 'expected a JSON value after "==" (Bad escaped character) at column 10'],
    ['/x == 01', 'expected a JSON value after "==" (Unexpected number) at column 8'],
    ['/x becomes', 'expected a JSON value or a test (== V, > N, matches /re/) after "becomes" at column 11'],
    ['/x leaves   ', 'expected a JSON value or a test (== V, > N, matches /re/) after "leaves" at column 13'],
    ['/x becomes => 3', 'unknown operator "=>"; expected ==, !=, >, >=, < or <= at column 12'],
    ['/x > abc', 'expected a number after ">" at column 6'],
    ['/x >= "5"', 'expected a number after ">=" at column 7'],
    ['/x < 5abc', 'expected a number after "<" at column 6'],
    ['/x <=', 'expected a number after "<=" at column 6'],
    ['/x < 1e999', '1e999 is too large a bound at column 6'],
    ['/x matches abc', 'expected a regular expression like /^a/i after "matches" at column 12'],
    ['/x matches "abc"', 'expected a regular expression like /^a/i after "matches" at column 12'],
    ['/x matches /abc', 'the regular expression is never closed with "/" at column 12'],
    ['/x matches /a[/', 'the regular expression is never closed with "/" at column 12'],
    ['/x matches /(/', 'invalid regular expression /(/: Unterminated group at column 12'],
    ['/x matches /a/uv', "invalid regular expression /a/uv: Invalid flags supplied to RegExp constructor 'uv' at column 12"],
    ['/x matches /a/g', 'the flag "g" is not allowed (a watch tests one value at a time) at column 15'],
    ['/x matches /a/iy', 'the flag "y" is not allowed (a watch tests one value at a time) at column 16'],
    ['/x matches /a/q', 'unknown flag "q" (a watch\'s regular expression may use d, i, m, s, u, v) at column 15'],
    ['/x == 1 2', 'unexpected "2" after the condition at column 9'],
    ['/x changed now', 'unexpected "now" after the condition at column 12'],
    ['/x > 1 and /y', 'unexpected "and" after the condition at column 8'],
    ['/x appears!', 'unexpected "!" after the condition at column 11']
  ])('%j: %s', (text, message) => {
    const e = fails(text)
    expect(e.message).toBe(message)
    expect(e.message).toBe(`${e.reason} at column ${e.column}`)
  })
})

/** Keys worth writing: ones that need escaping, quoting, or neither. */
const KEYS = ['a', 'items', '0', '12', '', '*', '-', 'a/b', 'm~n', '~1', 'a b', 'x"y', 'a=b', '<>', 'a*b', '-x', 'é'] as const

const token: fc.Arbitrary<PathToken> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...KEYS).map(key) },
  { weight: 1, arbitrary: fc.string({ maxLength: 4 }).map(key) },
  { weight: 2, arbitrary: fc.constant(ANY) }
)

const path: fc.Arbitrary<PathToken[]> = fc
  .tuple(token, fc.array(token, { maxLength: 4 }), fc.boolean())
  .map(([first, rest, append]) => [first, ...rest, ...(append ? [APPEND] : [])])

const json = fc.jsonValue({ maxDepth: 2 }).map((v) => v as Json)
const valueTest: fc.Arbitrary<ValueTest> = fc.oneof(
  json.map(eq),
  json.map((value) => ({ kind: 'not-equals' as const, value })),
  fc.record({
    kind: fc.constant('compare' as const),
    op: fc.constantFrom('>' as const, '>=' as const, '<' as const, '<=' as const),
    bound: fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n))
  }),
  fc
    .constantFrom('^a', 'a/b', '[/]', '\\d+$', 'x|y', '')
    .chain((source) =>
      fc.constantFrom('', 'i', 'ms', 'u').map((flags) => ({ kind: 'matches' as const, regexp: new RegExp(source, flags) }))
    )
)
const condition: fc.Arbitrary<Condition> = fc.oneof(
  fc.constantFrom<Condition>({ kind: 'changed' }, { kind: 'appears' }, { kind: 'removed' }, { kind: 'changes-type' }),
  valueTest.map((test) => ({ kind: 'is' as const, test })),
  valueTest.map((test) => ({ kind: 'becomes' as const, test })),
  valueTest.map((test) => ({ kind: 'leaves' as const, test }))
)

describe('formatWatch', () => {
  test('writes every watch so that parsing gives it back', () => {
    fc.assert(
      fc.property(path, condition, (p, c) => {
        const text = formatWatch({ path: p, condition: c })
        expect(plain(parseWatch(text)), text).toEqual(plain({ path: p, condition: c }))
      }),
      { numRuns: 2000 }
    )
  })

  test('writes the canonical spelling', () => {
    expect(formatWatch(parseWatch('  /cart/items/*/price>100 '))).toBe('/cart/items/*/price > 100')
    expect(formatWatch(parseWatch('/x changed'))).toBe('/x')
    expect(formatWatch(parseWatch('/x is removed'))).toBe('/x removed')
    expect(formatWatch(parseWatch('/x equals {"a": [1, 2]}'))).toBe('/x == {"a":[1,2]}')
    expect(formatWatch(parseWatch('/x becomes == "a"'))).toBe('/x becomes "a"')
    expect(formatWatch(parseWatch('/"a~1b"/a~1b/"*"/"-"/-'))).toBe('/a~01b/a~1b/"*"/"-"/-')
  })

  test('parsing never throws anything but a WatchSyntaxError', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...'/*-~01 "ab=!<>{}[]:,\\.e5 matches becomes leaves is removed changes type'.split('')) }),
        (text) => {
          try {
            parseWatch(text)
          } catch (e) {
            expect(e).toBeInstanceOf(WatchSyntaxError)
            const { column } = e as WatchSyntaxError
            expect(column).toBeGreaterThanOrEqual(1)
            expect(column).toBeLessThanOrEqual(text.length + 1)
          }
        }
      ),
      { numRuns: 3000 }
    )
  })
})
