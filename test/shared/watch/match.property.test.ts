/**
 * The matcher against a plain evaluation: random slice values, random changes (patches applied by
 * the project's own applier, diffs from fast-json-patch, whole new values), random watches. The
 * plain evaluation lists every place of the value before and after, keeps those the watch's path
 * names, and tests the condition there, with its own equality and its own reading of each condition.
 */
import fc from 'fast-check'
import jsonpatch from 'fast-json-patch'
import { isDeepStrictEqual } from 'node:util'
import { describe, expect, test } from 'vitest'
import { toPointer } from '../../../src/shared/pointer'
import type { Json, Operation } from '../../../src/shared/protocol'
import type { Slices } from '../../../src/shared/protocol'
import {
  applyOperation,
  applyPatch,
  applyUpdate,
  newEdit,
  PatchError,
  toPlain,
  type Owned,
  type SliceUpdate
} from '../../../src/shared/state'
import { matchChange, touches, type Condition, type PathToken, type ValueTest, type Watch, type WatchHit } from '../../../src/shared/watch'

/** Keys of the generated values and watches: a few that need escaping or quoting, and indexes. */
const KEYS = ['a', 'b', 'price', 'x/y', 'm~n', '', '*', '-'] as const
const INDEXES = ['0', '1', '2', '3'] as const
const SLICES = ['s', 't'] as const
/** Leaves that the tests of the watches below meet often (and encoded numbers). */
const LEAVES: Json[] = [
  0,
  1,
  5,
  150,
  -3,
  'a',
  'apple',
  'B',
  '',
  null,
  true,
  false,
  { $bigint: '200' },
  { $number: 'NaN' },
  { $number: 'Infinity' }
]

const key = fc.constantFrom(...KEYS)
const leaf = fc.constantFrom(...LEAVES)
const value: fc.Arbitrary<Json> = fc.letrec<{ v: Json }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 3, arbitrary: leaf },
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(key, tie('v'), { maxKeys: 4, noNullPrototype: true })
  )
})).v
/** A slice's value: mostly a container, so that paths go somewhere. */
const sliceValue = fc.oneof(
  { weight: 4, arbitrary: fc.dictionary(key, value, { maxKeys: 4, noNullPrototype: true }) },
  { weight: 2, arbitrary: fc.array(value, { maxLength: 5 }) },
  { weight: 1, arbitrary: leaf }
)

// ---- watches

const pathToken: fc.Arbitrary<PathToken> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...KEYS, ...INDEXES).map((k) => ({ kind: 'key' as const, key: k })) },
  { weight: 2, arbitrary: fc.constant({ kind: 'any' as const }) }
)
const test_: fc.Arbitrary<ValueTest> = fc.oneof(
  leaf.map((v) => ({ kind: 'equals' as const, value: v })),
  leaf.map((v) => ({ kind: 'not-equals' as const, value: v })),
  fc.record({
    kind: fc.constant('compare' as const),
    op: fc.constantFrom('>' as const, '>=' as const, '<' as const, '<=' as const),
    bound: fc.constantFrom(-1, 0, 1, 100)
  }),
  fc.constantFrom(/^a/i, /p/, /^$/).map((regexp) => ({ kind: 'matches' as const, regexp }))
)
const condition: fc.Arbitrary<Condition> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: 'changed' as const }) },
  fc.constantFrom<Condition>({ kind: 'appears' }, { kind: 'removed' }, { kind: 'changes-type' }),
  test_.map((t) => ({ kind: 'is' as const, test: t })),
  test_.map((t) => ({ kind: 'becomes' as const, test: t })),
  test_.map((t) => ({ kind: 'leaves' as const, test: t }))
)
const watch: fc.Arbitrary<Watch> = fc
  .record({
    slice: fc.oneof({ weight: 4, arbitrary: fc.constant<PathToken>({ kind: 'key', key: 's' }) }, fc.constant<PathToken>({ kind: 'any' })),
    rest: fc.array(pathToken, { maxLength: 3 }),
    append: fc.boolean(),
    condition
  })
  .map(({ slice, rest, append, condition }) => ({
    source: '(generated)',
    path: [slice, ...rest, ...(append ? [{ kind: 'append' as const }] : [])],
    condition
  }))

// ---- changes

interface Seed {
  kind: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test'
  a: number
  b: number
  key: string
  end: boolean
  value: Json
}
const seed: fc.Arbitrary<Seed> = fc.record({
  kind: fc.constantFrom('add', 'add', 'remove', 'replace', 'replace', 'move', 'copy', 'test'),
  a: fc.nat(),
  b: fc.nat(),
  key,
  end: fc.boolean(),
  value
})

/**
 * Applies the operations the seeds describe, each against the value as it is by then, with the
 * project's applier (sharing what it does not change); seeds that do not apply are dropped.
 */
function change(before: Json, seeds: Seed[], edit: () => Owned): { after: Json; patches: Operation[] } {
  let doc = before
  const patches: Operation[] = []
  for (const s of seeds) {
    const op = operation(toPlain(doc), s)
    if (op === undefined) continue
    try {
      // One edit each: a failed operation must leave `doc` as it was.
      doc = applyOperation(doc, op, edit())
      patches.push(op)
    } catch (e) {
      if (!(e instanceof PatchError)) throw e
    }
  }
  return { after: doc, patches }
}

function operation(doc: Json, s: Seed): Operation | undefined {
  const paths = placesOf(doc)
  const containers = paths.filter((p) => isContainer(at(doc, p)))
  const nonRoot = paths.slice(1)
  const pick = <T>(list: readonly T[], n: number): T | undefined => list[n % Math.max(1, list.length)]
  const slot = (): string | undefined => {
    const c = pick(containers, s.b)
    if (c === undefined) return undefined
    const node = at(doc, c)
    const token = Array.isArray(node) ? (s.end ? '-' : String(s.a % (node.length + 1))) : s.key
    return toPointer([...c, token])
  }
  const p = pick(paths, s.a) as string[]
  switch (s.kind) {
    case 'add': {
      const path = slot()
      return path === undefined ? undefined : { op: 'add', path, value: s.value }
    }
    case 'replace':
      return { op: 'replace', path: toPointer(p), value: s.value }
    case 'test':
      return { op: 'test', path: toPointer(p), value: at(doc, p) as Json }
    case 'remove': {
      const q = pick(nonRoot, s.a)
      return q === undefined ? undefined : { op: 'remove', path: toPointer(q) }
    }
    case 'move':
    case 'copy': {
      const from = s.kind === 'move' ? pick(nonRoot, s.a) : p
      const path = slot()
      return from === undefined || path === undefined ? undefined : { op: s.kind, from: toPointer(from), path }
    }
  }
}

// ---- the plain evaluation

function isContainer(v: unknown): v is Json[] | Record<string, Json> {
  return typeof v === 'object' && v !== null
}

/** The value at `tokens`, or undefined; read as RFC 6901 reads it, without the project's code. */
function at(doc: Json | undefined, tokens: readonly string[]): Json | undefined {
  let node = doc
  for (const t of tokens) {
    if (Array.isArray(node)) node = /^(0|[1-9][0-9]*)$/.test(t) && Number(t) < node.length ? node[Number(t)] : undefined
    else if (isContainer(node)) node = Object.prototype.hasOwnProperty.call(node, t) ? node[t] : undefined
    else return undefined
  }
  return node
}

/** Every place of a value, the root first. */
function placesOf(doc: Json | undefined, prefix: string[] = []): string[][] {
  if (doc === undefined) return []
  const out = [prefix]
  if (isContainer(doc)) for (const k of Object.keys(doc)) out.push(...placesOf(at(doc, [k]), [...prefix, k]))
  return out
}

function fits(pattern: readonly PathToken[], place: readonly string[]): boolean {
  return pattern.length === place.length && pattern.every((t, i) => t.kind === 'any' || (t.kind === 'key' && t.key === place[i]))
}

const same = (a: Json | undefined, b: Json | undefined): boolean => isDeepStrictEqual(a, b)

function numeric(v: Json | undefined): number | undefined {
  if (typeof v === 'number') return v
  if (!isContainer(v) || Array.isArray(v)) return undefined
  const keys = Object.keys(v)
  const [k] = keys
  return keys.length === 1 && (k === '$number' || k === '$bigint') && typeof v[k] === 'string' ? Number(v[k]) : undefined
}

function kind(v: Json): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'array'
  if (typeof v !== 'object') return typeof v
  const keys = Object.keys(v)
  return keys.length === 1 && ['$bigint', '$number'].includes(keys[0] as string) ? (keys[0] as string).slice(1) : 'object'
}

function passes(t: ValueTest, v: Json | undefined): boolean {
  if (v === undefined) return false
  if (t.kind === 'equals') return same(v, t.value)
  if (t.kind === 'not-equals') return !same(v, t.value)
  if (t.kind === 'matches') return typeof v === 'string' && t.regexp.test(v)
  const n = numeric(v)
  if (n === undefined) return false
  return { '>': n > t.bound, '>=': n >= t.bound, '<': n < t.bound, '<=': n <= t.bound }[t.op]
}

function holds(c: Condition, before: Json | undefined, after: Json | undefined): boolean {
  switch (c.kind) {
    case 'changed':
      return !same(before, after)
    case 'is':
      return !same(before, after) && passes(c.test, after)
    case 'becomes':
      return passes(c.test, after) && !passes(c.test, before)
    case 'leaves':
      return passes(c.test, before) && !passes(c.test, after)
    case 'appears':
      return before === undefined && after !== undefined
    case 'removed':
      return before !== undefined && after === undefined
    case 'changes-type':
      return before !== undefined && after !== undefined && kind(before) !== kind(after)
  }
}

/** The hits by listing every place before and after, sorted by path. */
function plainHits(w: Watch, slice: string, beforeSlice: Json | undefined, afterSlice: Json | undefined): WatchHit[] {
  const [first, ...rel] = w.path
  if (first === undefined || (first.kind === 'key' && first.key !== slice)) return []
  const before = beforeSlice === undefined ? undefined : toPlain(beforeSlice)
  const after = afterSlice === undefined ? undefined : toPlain(afterSlice)
  const places = new Map<string, string[]>()
  for (const p of [...placesOf(before), ...placesOf(after)]) places.set(toPointer(p), p)
  const hits: WatchHit[] = []
  const last = rel[rel.length - 1]
  const pattern = last?.kind === 'append' ? rel.slice(0, -1) : rel
  for (const p of places.values()) {
    if (!fits(pattern, p)) continue
    const b = at(before, p)
    const a = at(after, p)
    if (last?.kind !== 'append') {
      if (holds(w.condition, b, a)) hits.push({ path: toPointer([slice, ...p]), before: b, after: a })
      continue
    }
    if (!Array.isArray(a)) continue
    const had = Array.isArray(b) ? b : []
    if (a.length <= had.length || had.some((x, i) => !same(x, a[i]))) continue
    for (let i = had.length; i < a.length; i++) {
      if (holds(w.condition, undefined, a[i])) hits.push({ path: toPointer([slice, ...p, String(i)]), before: undefined, after: a[i] })
    }
  }
  return sorted(hits)
}

function sorted(hits: WatchHit[]): WatchHit[] {
  return hits
    .map((h) => ({
      path: h.path,
      before: h.before === undefined ? undefined : toPlain(h.before),
      after: h.after === undefined ? undefined : toPlain(h.after)
    }))
    .sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0))
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k])
    Object.freeze(v)
  }
  return v
}

/** Checks one change: the matcher finds what the plain evaluation finds, and `touches` never misses it. */
function agrees(w: Watch, slice: string, before: Json | undefined, after: Json | undefined, patches?: Operation[]): void {
  const expected = plainHits(w, slice, before, after)
  const found = matchChange(w, patches === undefined ? { slice, before, after } : { slice, patches, before, after })
  expect(sorted(found)).toEqual(expected)
  expect(new Set(found.map((h) => h.path)).size).toBe(found.length)
  if (expected.length > 0) expect(touches(w, slice, patches)).toBe(true)
}

const RUNS = 1500

describe('matchChange agrees with a plain evaluation', () => {
  test('on patches applied by the project’s applier (states sharing what did not change)', () => {
    fc.assert(
      fc.property(
        watch,
        fc.constantFrom(...SLICES),
        sliceValue,
        fc.array(seed, { minLength: 1, maxLength: 5 }),
        (w, slice, start, seeds) => {
          const before = deepFreeze(start)
          const { after, patches } = change(before, seeds, () => newEdit())
          agrees(w, slice, before, after, patches)
        }
      ),
      { numRuns: RUNS }
    )
  })

  test('on the same changes between copies that share nothing', () => {
    fc.assert(
      fc.property(watch, sliceValue, fc.array(seed, { minLength: 1, maxLength: 5 }), (w, start, seeds) => {
        const { after, patches } = change(start, seeds, () => newEdit())
        agrees(w, 's', structuredClone(start), structuredClone(toPlain(after)), patches)
      }),
      { numRuns: RUNS }
    )
  })

  test('on states whose arrays are chunked, as in the host’s history', () => {
    fc.assert(
      fc.property(watch, sliceValue, fc.array(seed, { minLength: 1, maxLength: 5 }), (w, start, seeds) => {
        const { after, patches } = change(start, seeds, () => newEdit({ chunkArrays: { chunk: 2, threshold: 2 } }))
        agrees(w, 's', start, after, patches)
      }),
      { numRuns: RUNS }
    )
  })

  test('on diffs made by fast-json-patch between unrelated values', () => {
    fc.assert(
      fc.property(watch, sliceValue, sliceValue, (w, before, target) => {
        // The recorder sends a whole value when a slice changes kind; a diff is between two of a kind.
        fc.pre(isContainer(before) && isContainer(target) && Array.isArray(before) === Array.isArray(target))
        const patches = jsonpatch.compare(before, target) as Operation[]
        const after = applyPatch(before, patches, newEdit())
        expect(after).toEqual(target)
        agrees(w, 's', before, after, patches)
      }),
      { numRuns: RUNS }
    )
  })

  test('on slices created, replaced whole or removed (no patches)', () => {
    const maybe = fc.option(sliceValue, { nil: undefined, freq: 4 })
    fc.assert(
      fc.property(watch, fc.constantFrom(...SLICES), maybe, maybe, (w, slice, before, after) => {
        agrees(w, slice, before, after)
      }),
      { numRuns: RUNS }
    )
  })
})

/** One entry of a history: patches for a slice, a whole new value, or its removal. */
const entry = fc.record({
  slice: fc.constantFrom(...SLICES),
  how: fc.constantFrom('patches', 'patches', 'patches', 'value', 'removed'),
  seeds: fc.array(seed, { minLength: 1, maxLength: 4 }),
  value: sliceValue
})

describe('matchChange over a random history', () => {
  test('finds, entry by entry, what the plain evaluation finds, for several watches at once', () => {
    fc.assert(
      fc.property(
        fc.array(watch, { minLength: 1, maxLength: 4 }),
        fc.dictionary(fc.constantFrom(...SLICES), sliceValue),
        fc.array(entry, { maxLength: 8 }),
        (watches, initial, entries) => {
          let state: Slices = initial
          for (const e of entries) {
            const before = Object.hasOwn(state, e.slice) ? state[e.slice] : undefined
            let update: SliceUpdate
            if (e.how === 'removed' && before !== undefined) update = { removed: true }
            else if (e.how === 'patches' && isContainer(before)) update = { patches: change(before, e.seeds, () => newEdit()).patches }
            else update = { value: e.value }
            const next = applyUpdate(state, e.slice, update, newEdit())
            const after = Object.hasOwn(next, e.slice) ? next[e.slice] : undefined
            for (const w of watches) agrees(w, e.slice, before, after, update.patches === undefined ? undefined : [...update.patches])
            state = next
          }
        }
      ),
      { numRuns: 500 }
    )
  })
})

describe('touches', () => {
  test('is true whenever some place the watch names changed (with any condition)', () => {
    fc.assert(
      fc.property(watch, sliceValue, fc.array(seed, { minLength: 1, maxLength: 5 }), (w, before, seeds) => {
        const { after, patches } = change(before, seeds, () => newEdit())
        const changed = plainHits({ ...w, condition: { kind: 'changed' } }, 's', before, after)
        if (changed.length > 0) expect(touches(w, 's', patches)).toBe(true)
        // The cheap test alone decides when nothing is looked at: no touch, no hit.
        if (!touches(w, 's', patches)) expect(matchChange(w, { slice: 's', patches, before, after })).toEqual([])
      }),
      { numRuns: RUNS }
    )
  })

  test('is false for patches that only test, and for another slice', () => {
    fc.assert(
      fc.property(watch, sliceValue, fc.array(seed, { maxLength: 5 }), (w, before, seeds) => {
        const { patches } = change(
          before,
          seeds.map((s) => ({ ...s, kind: 'test' as const })),
          () => newEdit()
        )
        expect(touches(w, 's', patches)).toBe(false)
        if (w.path[0]?.kind === 'key') expect(touches(w, 'not-s', patches)).toBe(false)
      }),
      { numRuns: 300 }
    )
  })
})
