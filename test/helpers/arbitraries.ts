/**
 * fast-check arbitraries for the steps of `test/fixtures/mutations.ts`: values of every kind,
 * keys that need escaping, and changes in every style at random paths.
 */
import fc from 'fast-check'
import type { Mode, Step, ValueSpec } from '../fixtures/mutations'

/** Keys worth trying: ones a pointer must escape, the empty key, and one that looks like a tag. */
export const KEYS = ['a', 'b', 'list', 'a/b', 'm~n', '~1', '', '$x', 'when'] as const

/** Slice names, some of which need escaping too. */
export const SLICES = ['a', 'b', 'x/y~z', '', 'frozen', 'special', 'fresh'] as const

const key = fc.constantFrom(...KEYS)

/** JSON values without `__proto__` keys (fast-json-patch, the reference, refuses to touch them). */
export const json = fc.jsonValue({ maxDepth: 3 }).filter((v) => !JSON.stringify(v).includes('"__proto__"'))

const leafSpec: fc.Arbitrary<ValueSpec> = fc.oneof(
  { weight: 6, arbitrary: json.map((v) => ({ k: 'json' as const, v })) },
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map((v) => ({ k: 'bigint' as const, v: v.toString() })),
  fc.oneof(fc.constant(null), fc.integer({ min: -8.64e15, max: 8.64e15 })).map((t) => ({ k: 'date' as const, t })),
  fc.constant({ k: 'undefined' as const }),
  fc.constantFrom('NaN', 'Infinity', '-Infinity', '-0').map((v) => ({ k: 'number' as const, v: v as 'NaN' })),
  fc.constantFrom('', 'handler', 'f').map((name) => ({ k: 'function' as const, name })),
  fc
    .record({ name: fc.constantFrom('Error', 'TypeError', 'CustomError'), message: fc.string() })
    .map((e) => ({ k: 'error' as const, ...e })),
  fc.constantFrom({ source: 'a+', flags: 'g' }, { source: '^x$', flags: '' }).map((r) => ({ k: 'regexp' as const, ...r })),
  fc.string({ maxLength: 5 }).map((d) => ({ k: 'symbol' as const, d })),
  fc
    .record({
      type: fc.constantFrom('Uint8Array', 'Float64Array', 'BigInt64Array', 'ArrayBuffer', 'DataView'),
      values: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 70 })
    })
    .map((b) => ({ k: 'bytes' as const, ...(b as { type: 'Uint8Array'; values: number[] }) })),
  fc.constant({ k: 'getter' as const }),
  fc.array(fc.nat(5), { maxLength: 3 }).map((path) => ({ k: 'ref' as const, path }))
)

/** A value of any kind, nested a little. */
export const valueSpec: fc.Arbitrary<ValueSpec> = fc.letrec<{ value: ValueSpec }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 5, arbitrary: leafSpec },
    fc.array(fc.tuple(key, tie('value')), { maxLength: 3 }).map((entries) => ({ k: 'obj' as const, entries })),
    fc.array(tie('value'), { maxLength: 4 }).map((items) => ({ k: 'arr' as const, items })),
    fc.array(fc.tuple(tie('value'), tie('value')), { maxLength: 2 }).map((entries) => ({ k: 'map' as const, entries })),
    fc.array(tie('value'), { maxLength: 3 }).map((items) => ({ k: 'set' as const, items })),
    tie('value').map((v) => ({ k: 'toJSON' as const, v })),
    fc.array(fc.tuple(key, tie('value')), { maxLength: 2 }).map((entries) => ({ k: 'instance' as const, entries })),
    fc.tuple(fc.constantFrom('$x', '$bigint', '$ref', '$'), tie('value')).map(([k, v]) => ({ k: 'dollar' as const, key: k, v })),
    tie('value').map((v) => ({ k: 'frozen' as const, v }))
  )
})).value

export const mode: fc.Arbitrary<Mode> = fc.constantFrom('mutate', 'immutable', 'immer', 'newroot')

/** One change to one slice. */
export const step: fc.Arbitrary<Step> = fc.record({
  op: fc.constantFrom('set', 'set', 'delete', 'insert', 'replace', 'freeze', 'drop'),
  slice: fc.constantFrom(...SLICES),
  path: fc.array(fc.nat(7), { maxLength: 4 }),
  key,
  index: fc.nat(7),
  value: valueSpec,
  mode
})

/** How many steps may build a reference: each can double what a slice encodes to. */
const MAX_REFS = 2

function refs(spec: ValueSpec): number {
  switch (spec.k) {
    case 'ref':
      return 1
    case 'obj':
    case 'instance':
      return spec.entries.reduce((n, [, v]) => n + refs(v), 0)
    case 'arr':
    case 'set':
      return spec.items.reduce((n, v) => n + refs(v), 0)
    case 'map':
      return spec.entries.reduce((n, [k, v]) => n + refs(k) + refs(v), 0)
    case 'toJSON':
    case 'dollar':
    case 'frozen':
      return refs(spec.v)
    default:
      return 0
  }
}

/** A run of steps. */
export function steps(maxLength: number): fc.Arbitrary<Step[]> {
  return fc.array(step, { maxLength }).filter((list) => list.reduce((n, s) => n + refs(s.value), 0) <= MAX_REFS)
}
