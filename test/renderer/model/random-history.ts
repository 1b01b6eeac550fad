/**
 * Random histories for property tests: random slices and random valid updates, each turned into
 * entries against the state it meets (patches from fast-json-patch's `compare` where the slice
 * stays an object or an array, as the host sends them), with the state after every entry kept
 * independently of the window's model, with fast-json-patch.
 */
import fc from 'fast-check'
import jsonpatch from 'fast-json-patch'
import { toPointer } from '../../../src/shared/pointer'
import type { Json, JsonObject, Operation, Slices } from '../../../src/shared/protocol'
import { applyPlain } from '../../helpers/mirror'
import { Log } from './log'

export const SLICES = ['a', 'b', 'x/y~z', ''] as const
export const KEYS = ['a', 'a/b', 'm~n', '', 'k1', 'k2'] as const

/** Small JSON values, with keys a pointer must escape. */
export const json: fc.Arbitrary<Json> = fc.letrec<{ value: Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    fc.oneof(fc.constant(null), fc.boolean(), fc.integer({ min: -100, max: 100 }), fc.string({ maxLength: 4 })),
    fc.array(tie('value'), { maxLength: 3 }),
    fc
      .dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 3 })), tie('value'), { maxKeys: 3 })
      .filter((o) => !Object.hasOwn(o, '__proto__'))
  )
})).value

/** One step of a random history; turned into entries against the state it meets. */
export type Step =
  | { k: 'edit'; slice: number; picks: number[]; op: 'set' | 'remove' | 'insert'; value: Json }
  | { k: 'splice'; slice: number; picks: number[]; op: 'insert' | 'remove' | 'append' | 'move'; value: Json }
  | { k: 'value'; slice: number; value: Json }
  | { k: 'remove'; slice: number }
  | { k: 'reset'; values: Json[] }
  | { k: 'status'; n: number }
  | { k: 'custom'; data: Json }

const sliceIndex = fc.nat(SLICES.length - 1)
export const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record({
      k: fc.constant('edit' as const),
      slice: sliceIndex,
      picks: fc.array(fc.nat(9), { maxLength: 3 }),
      op: fc.constantFrom('set' as const, 'remove' as const, 'insert' as const),
      value: json
    })
  },
  {
    weight: 4,
    arbitrary: fc.record({
      k: fc.constant('splice' as const),
      slice: sliceIndex,
      picks: fc.array(fc.nat(9), { minLength: 1, maxLength: 3 }),
      op: fc.constantFrom('insert' as const, 'remove' as const, 'append' as const, 'move' as const),
      value: json
    })
  },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('value' as const), slice: sliceIndex, value: json }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('remove' as const), slice: sliceIndex }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('reset' as const), values: fc.array(json, { maxLength: SLICES.length }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('status' as const), n: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('custom' as const), data: json }) }
)

const isContainer = (v: Json | undefined): v is Json[] | JsonObject => typeof v === 'object' && v !== null

/** A changed copy of `doc`: a value set, inserted or removed somewhere inside it, chosen by `picks`. */
function edit(doc: Json[] | JsonObject, picks: number[], op: 'set' | 'remove' | 'insert', value: Json): Json {
  const out = jsonpatch.deepClone(doc) as Json[] | JsonObject
  let node: Json[] | JsonObject = out
  for (const pick of picks.slice(0, -1)) {
    const children: Json[] = Array.isArray(node) ? node : Object.values(node)
    const child = children[pick % Math.max(children.length, 1)]
    if (!isContainer(child)) break
    node = child
  }
  const pick = picks[picks.length - 1] ?? 0
  if (Array.isArray(node)) {
    if (op === 'insert' || node.length === 0) node.splice(pick % (node.length + 1), 0, value)
    else if (op === 'remove') node.splice(pick % node.length, 1)
    else node[pick % node.length] = value
  } else {
    const keys = Object.keys(node)
    const existing = keys[pick % Math.max(keys.length, 1)]
    if (op === 'remove' && existing !== undefined) delete node[existing]
    else node[op === 'insert' || existing === undefined ? (KEYS[pick % KEYS.length] as string) : existing] = value
  }
  return out
}

/**
 * One operation that inserts into, removes from or moves inside an array of `doc` (the host sends
 * none of these, but a session file may), so that what follows in the array moves.
 */
function splice(
  doc: Json[] | JsonObject,
  picks: number[],
  op: 'insert' | 'remove' | 'append' | 'move',
  value: Json
): Operation | undefined {
  let found = Array.isArray(doc) ? { tokens: [] as string[], arr: doc } : undefined
  let node: Json = doc
  const tokens: string[] = []
  for (const pick of picks.slice(1)) {
    if (!isContainer(node)) break
    const entries: [string, Json][] = Array.isArray(node) ? node.map((v, i) => [String(i), v]) : Object.entries(node)
    const entry = entries[pick % Math.max(entries.length, 1)]
    if (entry === undefined) break
    tokens.push(entry[0])
    node = entry[1]
    if (Array.isArray(node)) found = { tokens: [...tokens], arr: node }
  }
  if (found === undefined) return undefined
  const { arr } = found
  const at = (i: number | '-'): string => toPointer([...found.tokens, String(i)])
  const pick = picks[0] as number
  if (op === 'insert') return { op: 'add', path: at(pick % (arr.length + 1)), value }
  if (op === 'append') return { op: 'add', path: at('-'), value }
  if (arr.length === 0) return undefined
  if (op === 'remove') return { op: 'remove', path: at(pick % arr.length) }
  return { op: 'move', from: at(pick % arr.length), path: at(Math.floor(pick / 2) % arr.length) }
}

/** Turns steps into a log, and the state after each of its entries. */
export function historyOf(steps: Step[]): { log: Log; states: Slices[] } {
  const log = new Log({ a: { list: [1, 2] }, b: [] })
  let state = applyPlain({}, log.base)
  const states: Slices[] = [state]
  for (const s of steps) {
    const before = log.events.length
    if (s.k === 'edit') {
      const slice = SLICES[s.slice] as string
      const current = Object.hasOwn(state, slice) ? state[slice] : undefined
      if (isContainer(current)) {
        const next = edit(current, [...s.picks, s.slice], s.op, s.value)
        const patches = jsonpatch.compare(current, next as object) as Operation[]
        if (patches.length > 0) log.update(slice, { patches }, { type: `edit/${s.op}`, payload: s.value })
      } else {
        log.update(slice, { value: s.value }, { type: 'edit/value' })
      }
    } else if (s.k === 'splice') {
      const slice = SLICES[s.slice] as string
      const current = Object.hasOwn(state, slice) ? state[slice] : undefined
      const op = isContainer(current) ? splice(current, s.picks, s.op, s.value) : undefined
      if (op !== undefined) log.update(slice, { patches: [op] }, { type: `splice/${s.op}` })
    } else if (s.k === 'value') {
      log.update(SLICES[s.slice] as string, { value: s.value }, { type: 'value' })
    } else if (s.k === 'remove') {
      const slice = SLICES[s.slice] as string
      if (Object.hasOwn(state, slice)) log.update(slice, { removed: true }, { type: 'remove' })
    } else if (s.k === 'reset') {
      log.reset(Object.fromEntries(s.values.map((v, i) => [SLICES[i] as string, v])))
    } else if (s.k === 'status') {
      log.status(['started', 'running', 'completed', 'failed'][s.n] as string, `x${s.n % 2}`, s.n > 1 ? { turnId: `t${s.n}` } : {})
    } else {
      log.custom(s.data)
    }
    for (const e of log.events.slice(before)) {
      state = applyPlain(state, e)
      states.push(state)
    }
  }
  return { log, states }
}
