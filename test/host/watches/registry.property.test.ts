/**
 * The registry against a plain evaluation on random histories: entries written as the recorder
 * writes them (patches, whole values, removals, with and without the place of their change known)
 * and resets, some before a watch is added (found by its scan) and some after (matched live), in a
 * history small enough to drop its oldest entries. The plain evaluation replays the history itself
 * and matches every slice of every change whole (no patches, no `touches`).
 */
import fc from 'fast-check'
import jsonpatch from 'fast-json-patch'
import { describe, expect, test } from 'vitest'
import { updateBody } from '../../../src/host/recorder/entry'
import { History } from '../../../src/host/recorder/history'
import type { SliceChange } from '../../../src/host/recorder/snapshot'
import { createWatchRegistry, type WatchRegistry } from '../../../src/host/watches'
import type { Json, Operation, Slices } from '../../../src/shared/protocol'
import { applyUpdate, newEdit, toPlain, type SliceUpdate } from '../../../src/shared/state'
import { matchChange, parseWatch } from '../../../src/shared/watch'

const LEAVES: Json[] = [0, 1, 3, 'x', 'ab', null, true]
const key = fc.constantFrom('a', 'b', 'list')
const leaf = fc.constantFrom(...LEAVES)
const value: fc.Arbitrary<Json> = fc.letrec<{ v: Json }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 3, arbitrary: leaf },
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(key, tie('v'), { maxKeys: 3, noNullPrototype: true })
  )
})).v
const sliceValue = fc.oneof(
  { weight: 4, arbitrary: fc.dictionary(key, value, { maxKeys: 3, noNullPrototype: true }) },
  { weight: 1, arbitrary: fc.array(value, { maxLength: 3 }) },
  { weight: 1, arbitrary: leaf }
)
const PATHS = ['/s', '/s/a', '/s/*', '/s/*/b', '/*/a', '/s/list/-', '/t/0', '/*', '/s/a/*']
const CONDITIONS = ['', 'changed', '== 1', '> 2', 'becomes "x"', 'appears', 'removed', 'changes type', 'matches /a/', 'leaves 1']
const watchText = fc.tuple(fc.constantFrom(...PATHS), fc.constantFrom(...CONDITIONS)).map(([p, c]) => `${p} ${c}`.trim())

type Step =
  | { kind: 'update'; slice: 's' | 't'; how: 'diff' | 'value' | 'removed'; value: Json; spanKnown: boolean }
  | { kind: 'reset'; slices: Slices }
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('update' as const),
      slice: fc.constantFrom('s' as const, 't' as const),
      how: fc.constantFrom('diff' as const, 'diff' as const, 'value' as const, 'removed' as const),
      value: sliceValue,
      spanKnown: fc.boolean()
    })
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reset' as const), slices: fc.dictionary(fc.constantFrom('s', 't'), sliceValue) }) }
)

const isContainer = (v: unknown): v is object => typeof v === 'object' && v !== null

/** Writes one step to the history as the host would, and to the plain replay. */
function write(history: History, state: Slices, s: Step): Slices {
  if (s.kind === 'reset') {
    history.append('state.initial', null, `${JSON.stringify({ slices: s.slices, timestamp: 0, reset: true }).slice(1)}`)
    return structuredClone(s.slices)
  }
  const before = Object.hasOwn(state, s.slice) ? state[s.slice] : undefined
  let update: SliceUpdate
  if (s.how === 'removed' && before !== undefined) update = { removed: true }
  else if (s.how === 'diff' && isContainer(before) && isContainer(s.value) && Array.isArray(before) === Array.isArray(s.value)) {
    const patches = jsonpatch.compare(before, s.value) as Operation[]
    if (patches.length === 0) return state
    update = { patches }
  } else update = { value: s.value }
  const change: SliceChange = update.removed
    ? { removed: true }
    : update.patches
      ? { patches: [...update.patches] }
      : { value: update.value as Json }
  if (s.spanKnown) {
    const { body, span } = updateBody(s.slice, change, '{"type":"t"}', 0)
    history.append('state.update', s.slice, body, span)
  } else {
    history.appendEvent({ type: 'state.update', slice: s.slice, ...change, cause: { type: 't' }, timestamp: 0 })
  }
  return applyUpdate(state, s.slice, update, newEdit())
}

interface PlainHit {
  seq: number
  path: string
  before: Json | undefined
  after: Json | undefined
}

/** Every hit of `text` over the plain states, entry by entry, whole slices compared. */
function plainHits(text: string, states: Slices[], firstSeq: number): PlainHit[] {
  const watch = parseWatch(text)
  const out: PlainHit[] = []
  for (let seq = firstSeq; seq < states.length; seq++) {
    const before = states[seq - 1] as Slices
    const after = states[seq] as Slices
    for (const slice of new Set([...Object.keys(before), ...Object.keys(after)])) {
      const b = Object.hasOwn(before, slice) ? before[slice] : undefined
      const a = Object.hasOwn(after, slice) ? after[slice] : undefined
      if (b === a) continue
      for (const h of matchChange(watch, { slice, before: b, after: a })) out.push({ seq, ...h })
    }
  }
  return out
}

async function scansEnd(registry: WatchRegistry): Promise<void> {
  while (registry.info().watches.some((w) => w.scan.state === 'scanning')) await new Promise((r) => setImmediate(r))
}

const plain = (h: PlainHit): string =>
  JSON.stringify({
    seq: h.seq,
    path: h.path,
    before: h.before === undefined ? null : toPlain(h.before),
    after: h.after === undefined ? null : toPlain(h.after)
  })

describe('the registry agrees with a plain evaluation', () => {
  test('on random histories, scanned and live, with entries dropped and hits past the listed bound', async () => {
    let dropped = 0
    await fc.assert(
      fc.asyncProperty(
        fc.array(watchText, { minLength: 1, maxLength: 3 }),
        fc.array(step, { maxLength: 40, size: 'max' }),
        fc.nat(40),
        fc.constantFrom(4, 1000),
        fc.constantFrom(12, 1000),
        async (texts, steps, split, hitsPerWatch, maxEntries) => {
          const history = new History({ limits: { maxEntries } })
          // Entries 1..split are in the history before the watches are added, the rest come live.
          const registry = createWatchRegistry({ history, hitsPerWatch, scanSliceMs: 0.01 })
          const states: Slices[] = [{}]
          let state: Slices = {}
          const record = (s: Step): void => {
            const next = write(history, state, s)
            if (next === state) return
            state = next
            states.push(state)
            history.notify()
          }
          steps.slice(0, split).forEach(record)
          const ids = texts.map((t) => registry.add(t).id)
          steps.slice(split).forEach(record)
          await scansEnd(registry)
          for (const [i, id] of ids.entries()) {
            const expected = plainHits(texts[i] as string, states, history.baseSeq + 1)
            const page = registry.hits(id, { limit: 1_000_000 })
            expect(page.total).toBe(expected.length)
            expect(registry.get(id).hits).toBe(expected.length)
            expect(page.hits.length).toBe(Math.min(expected.length, hitsPerWatch))
            expect(page.unlisted).toBe(expected.length - page.hits.length)
            // The listed hits are the newest ones (by entry), each as the plain evaluation found it.
            const listed = page.hits.map((h) => plain({ before: undefined, after: undefined, ...h }))
            const all = new Set(expected.map(plain))
            for (const h of listed) expect(all).toContain(h)
            const seqs = page.hits.map((h) => h.seq)
            expect(seqs).toEqual([...seqs].sort((a, b) => b - a))
            expect(seqs).toEqual(
              expected
                .map((h) => h.seq)
                .sort((a, b) => b - a)
                .slice(0, seqs.length)
            )
          }
          if (history.baseSeq > 0) dropped++
          registry.close()
        }
      ),
      { numRuns: 300 }
    )
    // The history dropped entries in enough of the runs for its bounds to be tested.
    expect(dropped).toBeGreaterThan(20)
  })
})
