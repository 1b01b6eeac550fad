import fc from 'fast-check'
import jsonpatch, { type Operation as JsonPatchOperation } from 'fast-json-patch'
import { describe, expect, test } from 'vitest'
import { encode } from '../../../src/host/recorder/encode'
import { RecordedCopy } from '../../../src/host/recorder/recorded-copy'
import { Snapshot, type PolicyName, type SliceChange } from '../../../src/host/recorder/snapshot'
import { verifySlice } from '../../../src/host/recorder/verify'
import type { Json } from '../../../src/shared/protocol'
import { applyPatch, deepEqual, newEdit, toPlain } from '../../../src/shared/state'
import { deepFreeze } from '../../fixtures/mutations'

/**
 * Arrays as people change them: an element removed or inserted is one `remove` or `add` at its
 * index, whatever the compare policy, whether elements are frozen, copied or changed in place, and
 * in verification's comparison with the recorder's copy too; and every patch applies exactly
 * wherever patches are applied (the shared applier, chunked or not, fast-json-patch, the
 * recorder's own copy in place).
 */

/** The kinds of element the properties use; each element is made from its kind and a number. */
const KINDS = ['number', 'string', 'object', 'array', 'date', 'map', 'toJSON', 'frozen', 'nested'] as const
/** Kinds whose encoding depends on where they are (a cycle), or that repeat (equal elements). */
const ODD_KINDS = ['cycle', 'same', 'nan', 'undefined'] as const
type Kind = (typeof KINDS)[number] | (typeof ODD_KINDS)[number]

function element(kind: Kind, n: number): unknown {
  switch (kind) {
    case 'number':
      return n
    case 'string':
      return `s${n}`
    case 'object':
      return { id: n, text: `t${n}` }
    case 'array':
      return [n, `a${n}`]
    case 'date':
      return new Date(n * 1000)
    case 'map':
      return new Map([['id', n]])
    case 'toJSON':
      return { id: n, toJSON: () => ({ cents: n }) }
    case 'frozen':
      return deepFreeze({ id: n, tags: [n] })
    case 'nested':
      return { id: n, items: [{ n }, { n: n + 0.5 }] }
    case 'cycle': {
      const o: Record<string, unknown> = { id: n }
      o.self = o
      return o
    }
    case 'same':
      return { same: n % 2 }
    case 'nan':
      return Number.NaN
    case 'undefined':
      return undefined
  }
}

/** A structural copy (new objects, the same encoding): what a reducer that rebuilds its elements makes. */
function clone(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v
  if (v instanceof Date) return new Date(v.getTime())
  if (v instanceof Map) return new Map(v)
  if (Array.isArray(v)) return v.map(clone)
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return { ...v }
  if ((v as { self?: unknown }).self === v) return element('cycle', (v as { id: number }).id)
  const out = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clone(x)]))
  return Object.isFrozen(v) ? deepFreeze(out) : out
}

interface Edit {
  op: 'insert' | 'remove' | 'replace'
  at: number
  kind: Kind
}

/** How the runtime makes the new array: a new array over the same elements, over copies of them, in place, or frozen. */
type Style = 'immutable' | 'copies' | 'in-place' | 'frozen'

/** Applies edits to `list` (in place) as a runtime would; new elements are numbered from `next`. */
function edit(list: unknown[], edits: readonly Edit[], next: { n: number }): void {
  for (const e of edits) {
    if (e.op === 'insert') list.splice(e.at % (list.length + 1), 0, element(e.kind, next.n++))
    else if (list.length === 0) continue
    else if (e.op === 'remove') list.splice(e.at % list.length, 1)
    else list[e.at % list.length] = element(e.kind, next.n++)
  }
}

const editArb = (kinds: readonly Kind[]): fc.Arbitrary<Edit> =>
  fc.record({ op: fc.constantFrom('insert', 'remove', 'replace'), at: fc.nat(1000), kind: fc.constantFrom(...kinds) })

/** The encodings the two arrays begin and end with alike (the end bounded so the two never overlap). */
function commonEnds(a: readonly Json[], b: readonly Json[]): { prefix: number; suffix: number } {
  const common = Math.min(a.length, b.length)
  let prefix = 0
  while (prefix < common && deepEqual(a[prefix], b[prefix])) prefix++
  let suffix = 0
  while (suffix < common - prefix && deepEqual(a[a.length - 1 - suffix], b[b.length - 1 - suffix])) suffix++
  return { prefix, suffix }
}

/**
 * Checks a change of the array at `at` (a pointer in the slice) from `before` to `after` (both
 * encoded): its patches turn `before` into `after` wherever they are applied, and, when `minimal`,
 * touch only the elements between those both arrays begin and end with, adding or removing only
 * as many as the length changed by.
 */
function checkChange(change: SliceChange | undefined, before: Json, after: Json, at: string, minimal: boolean): void {
  if (deepEqual(before, after)) {
    expect(change).toBeUndefined()
    return
  }
  expect(change).toBeDefined()
  if (change === undefined || !('patches' in change)) throw new Error(`expected patches, got ${JSON.stringify(change)}`)
  const ops = change.patches
  expect(applyPatch(before, ops, newEdit())).toEqual(after)
  expect(toPlain(applyPatch(before, ops, newEdit({ chunkArrays: { chunk: 3, threshold: 4 } })))).toEqual(after)
  expect(jsonpatch.applyPatch(jsonpatch.deepClone(before), jsonpatch.deepClone(ops) as JsonPatchOperation[], true).newDocument).toEqual(
    after
  )
  // The recorder's copy applies them in place; one that fails at its last operation undoes the others.
  const copy = new RecordedCopy()
  copy.reset({ s: toPlain(before) })
  expect(copy.apply('s', { patches: [...ops, { op: 'remove', path: '/nowhere/0' }] })).toBe(false)
  expect(copy.get('s')).toEqual(before)
  expect(copy.apply('s', change)).toBe(true)
  expect(copy.get('s')).toEqual(after)
  if (!minimal) return
  const a = (at === '' ? before : ((before as Record<string, Json>)[at.slice(1)] as Json)) as Json[]
  const b = (at === '' ? after : ((after as Record<string, Json>)[at.slice(1)] as Json)) as Json[]
  const { prefix, suffix } = commonEnds(a, b)
  const changed = Math.max(a.length, b.length) - prefix - suffix
  for (const op of ops) {
    expect(op.path.startsWith(at + '/')).toBe(true)
    const index = Number(op.path.slice(at.length + 1).split('/')[0])
    expect(index, `${op.op} ${op.path} outside [${prefix}, ${prefix + changed})`).toBeGreaterThanOrEqual(prefix)
    expect(index, `${op.op} ${op.path} outside [${prefix}, ${prefix + changed})`).toBeLessThan(prefix + changed)
  }
  const lengthOps = ops.filter((op) => (op.op === 'add' || op.op === 'remove') && op.path.split('/').length === at.split('/').length + 1)
  expect(lengthOps).toHaveLength(Math.abs(a.length - b.length))
}

/** Runs rounds of edits under a policy and a style, checking the snapshot's and verification's patches every round. */
function runEdits(policy: PolicyName, style: Style, nested: boolean, start: Kind[], rounds: Edit[][], minimal: boolean): void {
  const next = { n: 0 }
  let list: unknown[] = start.map((kind) => element(kind, next.n++))
  if (style === 'frozen') list = deepFreeze(list)
  const wrap = (l: unknown[]): unknown => (nested ? { list: l, other: 1 } : l)
  const at = nested ? '/list' : ''
  const snap = new Snapshot({ policy })
  let recorded = snap.reset({ s: wrap(list) }).s as Json
  for (const edits of rounds) {
    let after: unknown[]
    if (style === 'in-place') {
      after = list
      edit(after, edits, next)
    } else {
      after = style === 'copies' ? list.map(clone) : list.slice()
      edit(after, edits, next)
      if (style === 'frozen') after = deepFreeze(after)
    }
    const expected = encode(wrap(after))
    // Verification compares the runtime's value with the recorder's copy of what was recorded.
    checkChange(verifySlice(toPlain(recorded), wrap(after)), recorded, expected, at, minimal)
    checkChange(snap.update('s', wrap(after)), recorded, expected, at, minimal)
    recorded = expected
    list = after
  }
}

const policyArb = fc.constantFrom<PolicyName>('trust', 'full')
const styleArb = fc.constantFrom<Style>('immutable', 'copies', 'in-place', 'frozen')

describe('arrays as people change them', () => {
  test.each([
    ['trust', 'objects'],
    ['trust', 'numbers'],
    ['full', 'objects'],
    ['full', 'numbers'],
    ['full', 'frozen objects']
  ] as const)('one removal in the middle of 1,000 elements is one remove at its index (%s, %s)', (policy, kind) => {
    const make = (i: number): unknown => (kind === 'numbers' ? i : kind === 'objects' ? { id: i } : deepFreeze({ id: i }))
    const list = Array.from({ length: 1000 }, (_, i) => make(i))
    const snap = new Snapshot({ policy })
    const copy = encode({ todos: list })
    snap.reset({ s: { todos: list } })
    const after = [...list.slice(0, 500), ...list.slice(501)]
    expect(snap.update('s', { todos: after })).toEqual({ patches: [{ op: 'remove', path: '/todos/500' }] })
    expect(verifySlice(copy, { todos: after })).toEqual({ patches: [{ op: 'remove', path: '/todos/500' }] })
    // And the elements that moved are still known where they are now.
    const again = [...after.slice(0, 998), make(5000)]
    const last = snap.update('s', { todos: again })
    expect(last).toEqual({
      patches: [
        kind === 'numbers' ? { op: 'replace', path: '/todos/998', value: 5000 } : { op: 'replace', path: '/todos/998/id', value: 5000 }
      ]
    })
  })

  test.each([
    ['trust', 'objects'],
    ['trust', 'numbers'],
    ['full', 'objects'],
    ['full', 'numbers']
  ] as const)('one insertion in the middle of 1,000 elements is one add at its index (%s, %s)', (policy, kind) => {
    const make = (i: number): unknown => (kind === 'numbers' ? i : { id: i })
    const list = Array.from({ length: 1000 }, (_, i) => make(i))
    const snap = new Snapshot({ policy })
    snap.reset({ s: list })
    const after = [...list.slice(0, 321), make(-1), ...list.slice(321)]
    expect(snap.update('s', after)).toEqual({ patches: [{ op: 'add', path: '/321', value: encode(make(-1)) }] })
    expect(verifySlice(encode(list), after)).toEqual({ patches: [{ op: 'add', path: '/321', value: encode(make(-1)) }] })
    expect(snap.update('s', after.slice(1))).toEqual({ patches: [{ op: 'remove', path: '/0' }] })
    // The hot cases stay one operation: appending, replacing the last element, removing it.
    let list2 = [...after.slice(1), make(-2)]
    expect(snap.update('s', list2)).toEqual({ patches: [{ op: 'add', path: '/1000', value: encode(make(-2)) }] })
    list2 = [...list2.slice(0, -1), 'last']
    expect(snap.update('s', list2)).toEqual({ patches: [{ op: 'replace', path: '/1000', value: 'last' }] })
    expect(snap.update('s', list2.slice(0, -1))).toEqual({ patches: [{ op: 'remove', path: '/1000' }] })
  })

  test('a removal among elements copied anew (equal, not the same objects) is still one remove, under either policy', () => {
    for (const policy of ['trust', 'full'] as const) {
      const list = Array.from({ length: 50 }, (_, i) => ({ id: i, tags: [i] }))
      const snap = new Snapshot({ policy })
      snap.reset({ s: list })
      const after = list.filter((t) => t.id !== 20).map((t) => ({ ...t, tags: [...t.tags] }))
      expect(snap.update('s', after)).toEqual({ patches: [{ op: 'remove', path: '/20' }] })
    }
  })

  test('an element that refers to itself is compared where it is now: moved, its pointer changes', () => {
    const make = (id: number): Record<string, unknown> => {
      const o: Record<string, unknown> = { id }
      o.self = o
      return o
    }
    for (const policy of ['trust', 'full'] as const) {
      const list = [make(0), make(1), make(2), 'end']
      const snap = new Snapshot({ policy })
      const before = snap.reset({ s: list }).s as Json
      const after = list.slice(1)
      // Where an element moved, its $ref changed: 'end' alone is left alone.
      for (const change of [snap.update('s', after), verifySlice(before, after)]) {
        checkChange(change, before, encode(after), '', true)
        expect(change && 'patches' in change ? change.patches.length : 0).toBe(3)
      }
    }
  })

  test('random edits (inserts, removals, replacements, several at once) give patches that reproduce the new array, and touch only what changed', () => {
    fc.assert(
      fc.property(
        policyArb,
        styleArb,
        fc.boolean(),
        fc.array(fc.constantFrom(...KINDS), { maxLength: 30 }),
        fc.array(fc.array(editArb(KINDS), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 5 }),
        (policy, style, nested, start, rounds) => {
          // A runtime that declared immutable: true never changes its arrays in place.
          if (policy === 'trust' && style === 'in-place') style = 'immutable'
          runEdits(policy, style, nested, start, rounds, true)
        }
      ),
      { numRuns: 400 }
    )
  })

  test('random edits with equal elements, NaN, undefined and cycles give patches that reproduce the new array, and touch only what changed', () => {
    const kinds = [...KINDS, ...ODD_KINDS]
    fc.assert(
      fc.property(
        policyArb,
        styleArb,
        fc.boolean(),
        fc.array(fc.constantFrom(...kinds), { maxLength: 30 }),
        fc.array(fc.array(editArb(kinds), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 5 }),
        (policy, style, nested, start, rounds) => {
          if (policy === 'trust' && style === 'in-place') style = 'immutable'
          runEdits(policy, style, nested, start, rounds, true)
        }
      ),
      { numRuns: 400 }
    )
  })
})
