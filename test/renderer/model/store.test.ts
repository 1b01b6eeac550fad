import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { CHECKPOINT_EVERY, HistoryStore } from '../../../src/renderer/src/lib/model/store'
import type { HistoryEvent, Operation, Slices } from '../../../src/shared/protocol'
import { PatchError } from '../../../src/shared/state'
import { feed, Log, timeOf } from './log'
import { historyOf, stepArb } from './random-history'

describe('stateAt', () => {
  test('equals a replay from the start at every entry, across checkpoint blocks and in any order of queries', () => {
    fc.assert(
      fc.property(
        fc.array(stepArb, { minLength: 2 * CHECKPOINT_EVERY + 100, maxLength: 3 * CHECKPOINT_EVERY }),
        fc.array(fc.nat(), { minLength: 100, maxLength: 400 }),
        (steps, queries) => {
          const { log, states } = historyOf(steps)
          // Compared as JSON text: both appliers keep keys in insertion order, and text compares fast.
          const expected = states.map((s) => JSON.stringify(s))
          const at = (i: number): string => JSON.stringify(store.stateAt(i))
          const store = new HistoryStore()
          store.reset(log.base)
          // What the store handed out while it grew, and what those states looked like then.
          const held: { index: number; state: Slices; json: string }[] = []
          for (const [i, e] of log.events.entries()) {
            if (i > 0) store.ingest(e, JSON.stringify(e))
            const state = store.stateAt(i)
            held.push({ index: i, state, json: JSON.stringify(state) })
            // Now and then an earlier entry is looked at while the history grows.
            const earlier = (queries[i % queries.length] as number) % (i + 1)
            if (i % 7 === 0) {
              const shown = store.stateAt(earlier)
              expect(JSON.stringify(shown), `state after entry ${earlier}`).toBe(expected[earlier])
              held.push({ index: earlier, state: shown, json: expected[earlier] as string })
            }
          }
          expect(store.length).toBe(states.length)
          for (const q of queries) expect(at(q % store.length), `state after entry ${q % store.length}`).toBe(expected[q % store.length])
          for (let i = 0; i < store.length; i++) expect(at(i), `state after entry ${i}`).toBe(expected[i])
          for (const h of held) expect(JSON.stringify(h.state), `the state after entry ${h.index} changed later`).toBe(h.json)
        }
      ),
      // A counterexample of a thousand entries takes minutes to shrink; the message names the entry instead.
      { numRuns: 6, endOnFailure: true }
    )
  })

  test('never changes a state it handed out when later entries arrive, in the same checkpoint block', () => {
    const log = new Log({ a: { x: 1, list: [1] } })
    const store = log.store()
    const first = store.stateAt(0)
    const change = log.update('a', { patches: [{ op: 'replace', path: '/x', value: 2 }] }).events[1] as HistoryEvent
    store.ingest(change, JSON.stringify(change))
    const second = store.stateAt(1)
    expect(second).toEqual({ a: { x: 2, list: [1] } })
    for (const patch of [
      { op: 'replace', path: '/x', value: 3 },
      { op: 'add', path: '/list/-', value: 2 },
      { op: 'add', path: '/y', value: true }
    ] as Operation[]) {
      const e = log.update('a', { patches: [patch] }).events.at(-1) as HistoryEvent
      store.ingest(e, JSON.stringify(e))
    }
    const e = log.update('b', { value: 'new slice' }).events.at(-1) as HistoryEvent
    store.ingest(e, JSON.stringify(e))
    expect(first).toEqual({ a: { x: 1, list: [1] } })
    expect(second).toEqual({ a: { x: 2, list: [1] } })
    expect(store.stateAt(store.length - 1)).toEqual({ a: { x: 3, list: [1, 2], y: true }, b: 'new slice' })
  })

  test('shares what an entry did not change with the state before it', () => {
    const store = new Log({ a: { deep: { n: 1 } }, b: { other: [1, 2, 3] } })
      .update('a', { patches: [{ op: 'replace', path: '/deep/n', value: 2 }] })
      .store()
    const [before, after] = [store.stateAt(0), store.stateAt(1)]
    expect(after.b).toBe(before.b)
    expect(after.a).not.toBe(before.a)
  })

  test('refuses an index the store does not hold', () => {
    const store = new Log({ a: 1 }).update('a', { value: 2 }).store()
    expect(() => store.stateAt(2)).toThrow(RangeError)
    expect(() => store.stateAt(-1)).toThrow(/no entry at index -1/)
  })
})

describe('reset entries and reset()', () => {
  test('a reset state.initial in the middle replaces every slice, and the entries after it apply to it', () => {
    const store = new Log({ a: 1, b: { n: 1 } })
      .update('b', { patches: [{ op: 'replace', path: '/n', value: 2 }] })
      .reset({ c: { list: [] } })
      .update('c', { patches: [{ op: 'add', path: '/list/-', value: 'x' }] }, { type: 'push' })
      .store()
    expect(store.stateAt(1)).toEqual({ a: 1, b: { n: 2 } })
    expect(store.stateAt(2)).toEqual({ c: { list: [] } })
    expect(store.stateAt(3)).toEqual({ c: { list: ['x'] } })
    expect(store.type(2)).toBe('state.initial')
    expect(store.slice(2)).toBeUndefined()
    expect(store.stateAt(1)).toEqual({ a: 1, b: { n: 2 } })
  })

  test('reset() after a gap forgets the old history and goes on from the new base', () => {
    const store = new Log({ a: 1 }).update('a', { value: 2 }, { type: 'old' }).status('started', 'x1').store()
    store.reset({ type: 'state.initial', seq: 100, slices: { z: [1] }, timestamp: timeOf(100), gap: true })
    expect(store.length).toBe(1)
    expect(store.baseSeq).toBe(100)
    expect(store.lastSeq).toBe(100)
    expect(store.stateAt(0)).toEqual({ z: [1] })
    expect(store.event(0)).toMatchObject({ type: 'state.initial', seq: 100, gap: true })
    expect([...store.sliceNames]).toEqual([])
    expect([...store.actionTypes]).toEqual([])
    expect(store.executions.list()).toEqual([])
    expect(() => store.ingest({ type: 'custom-event', seq: 4, data: 1, timestamp: 0 }, '{}')).toThrow(RangeError)
    const next: HistoryEvent = {
      type: 'state.update',
      seq: 101,
      slice: 'z',
      patches: [{ op: 'add', path: '/-', value: 2 }],
      cause: { type: 'new' },
      timestamp: timeOf(101)
    }
    store.ingest(next, JSON.stringify(next))
    expect(store.stateAt(1)).toEqual({ z: [1, 2] })
    expect(store.indexOf(101)).toBe(1)
    expect([...store.actionTypes]).toEqual(['new'])
  })

  test('the first entry a new store receives sets its base seq, even a reset one', () => {
    const store = new HistoryStore()
    const base: HistoryEvent = { type: 'state.initial', seq: 41, slices: { a: 1 }, timestamp: 0, reset: true }
    store.ingest(base, JSON.stringify(base))
    expect(store.baseSeq).toBe(41)
    expect(store.lastSeq).toBe(41)
    const next: HistoryEvent = { type: 'state.update', seq: 42, slice: 'a', value: 2, cause: { type: 'set' }, timestamp: 0 }
    store.ingest(next, JSON.stringify(next))
    expect(store.stateAt(1)).toEqual({ a: 2 })
  })

  test('refuses to start from anything but a state.initial', () => {
    const store = new HistoryStore()
    const e: HistoryEvent = { type: 'state.update', seq: 1, slice: 'a', value: 2, cause: { type: 'set' }, timestamp: 0 }
    expect(() => store.ingest(e, JSON.stringify(e))).toThrow(/state\.initial/)
    expect(store.length).toBe(0)
  })
})

describe('ingest', () => {
  test('refuses an entry whose seq is not the next one, and takes the next one after', () => {
    const log = new Log({ a: 1 }, 10).update('a', { value: 2 })
    const store = log.store()
    const repeated = log.events[1] as HistoryEvent
    expect(() => store.ingest(repeated, JSON.stringify(repeated))).toThrow(new RangeError('expected entry 12, got 11'))
    const skipped: HistoryEvent = { ...repeated, seq: 13 }
    expect(() => store.ingest(skipped, JSON.stringify(skipped))).toThrow(RangeError)
    expect(store.length).toBe(2)
    const next = log.update('a', { value: 3 }).events[2] as HistoryEvent
    store.ingest(next, JSON.stringify(next))
    expect(store.stateAt(2)).toEqual({ a: 3 })
    expect(store.lastSeq).toBe(12)
  })

  test('refuses a patch that does not apply without keeping any part of it, and stays usable', () => {
    const log = new Log({ a: { x: 1, list: [1] } }).update('a', { patches: [{ op: 'replace', path: '/x', value: 2 }] })
    const store = log.store()
    const bad: HistoryEvent = {
      type: 'state.update',
      seq: 2,
      slice: 'a',
      // The first operation applies, the second does not: the entry as a whole does not.
      patches: [
        { op: 'replace', path: '/x', value: 99 },
        { op: 'add', path: '/list/0', value: 0 },
        { op: 'remove', path: '/missing' }
      ],
      cause: { type: 'bad' },
      timestamp: timeOf(2)
    }
    expect(() => store.ingest(bad, JSON.stringify(bad))).toThrow(PatchError)
    const noSlice: HistoryEvent = { ...bad, slice: 'nope', patches: [{ op: 'add', path: '/y', value: 1 }] }
    expect(() => store.ingest(noSlice, JSON.stringify(noSlice))).toThrow(/slice "nope" does not exist/)
    expect(store.length).toBe(2)
    expect(store.stateAt(1)).toEqual({ a: { x: 2, list: [1] } })
    expect([...store.actionTypes]).toEqual(['set'])
    const next = log.update('a', { patches: [{ op: 'add', path: '/list/-', value: 2 }] }).events[2] as HistoryEvent
    store.ingest(next, JSON.stringify(next))
    expect(store.stateAt(2)).toEqual({ a: { x: 2, list: [1, 2] } })
    expect(store.stateAt(1)).toEqual({ a: { x: 2, list: [1] } })
  })
})

describe('columns', () => {
  const log = new Log({ a: 1 }, 5)
    .update('a', { value: 2 }, { type: 'inc', id: 'act-1' })
    .status('started', 'x1', { turnId: 't1' })
    .update('b', { value: [] }, { type: 'init/b' })
    .custom({ hello: 'world' })
    .update('a', { removed: true }, { type: 'inc' })
  const store = log.store()

  test('hold each entry’s type, slice, cause type, time and seq', () => {
    expect([0, 1, 2, 3, 4, 5].map((i) => store.type(i))).toEqual([
      'state.initial',
      'state.update',
      'execution.status',
      'state.update',
      'custom-event',
      'state.update'
    ])
    expect([0, 1, 2, 3, 4, 5].map((i) => store.slice(i))).toEqual([undefined, 'a', undefined, 'b', undefined, 'a'])
    expect([0, 1, 2, 3, 4, 5].map((i) => store.causeType(i))).toEqual([undefined, 'inc', undefined, 'init/b', undefined, 'inc'])
    expect([0, 1, 2, 3, 4, 5].map((i) => store.time(i))).toEqual([5, 6, 7, 8, 9, 10].map(timeOf))
    expect(store.seqAt(3)).toBe(8)
    expect(store.indexOf(8)).toBe(3)
    expect(store.indexOf(4)).toBe(-1)
    expect(store.indexOf(11)).toBe(-1)
    expect(store.sliceId(1)).toBe(store.sliceId(5))
    expect(store.sliceId(0)).toBe(-1)
  })

  test('name the slices and action types seen, for the filter’s choices', () => {
    expect([...store.sliceNames]).toEqual(['a', 'b'])
    expect([...store.actionTypes]).toEqual(['inc', 'init/b'])
  })

  test('keep each entry’s JSON as received, and parse it back on demand', () => {
    for (const [i, e] of log.events.entries()) {
      expect(store.raw(i)).toBe(JSON.stringify(e))
      expect(store.event(i)).toEqual(e)
    }
  })

  test('keep the entries read most recently parsed, however many others are read', () => {
    const big = new Log({ a: 0 })
    for (let i = 1; i <= 6000; i++) big.update('a', { value: i })
    const s = big.store()
    const kept = s.event(1)
    for (let i = 2; i < 6000; i++) {
      expect(s.event(i)).toEqual(big.events[i])
      if (i % 1000 === 0) expect(s.event(1)).toBe(kept)
    }
    expect(s.event(1)).toBe(kept)
  })
})

describe('updates found changed in place', () => {
  const log = new Log({ todos: [{ done: false }], filter: 'all' })
    .update('filter', { value: 'done' }, { type: 'filter/set' })
    .found('todos', { patches: [{ op: 'replace', path: '/0/done', value: true }] }, 1)
    .update('todos', { patches: [{ op: 'add', path: '/-', value: { done: false } }] }, { type: 'todos/add' })

  test('are known from the store without parsing the entry, with the entry after which the slice changed', () => {
    const store = log.store()
    expect([0, 1, 2, 3].map((i) => store.inPlaceSince(i))).toEqual([undefined, undefined, 1, undefined])
    expect(store.stateAt(2)).toEqual({ todos: [{ done: true }], filter: 'done' })
  })

  test('are forgotten when the history starts over', () => {
    const store = log.store()
    const plain = new Log({ todos: [], filter: 'all' }).update('filter', { value: 'a' }).update('filter', { value: 'b' })
    store.reset(plain.base)
    feed(store, plain)
    expect(store.length).toBe(3)
    expect(store.inPlaceSince(2)).toBeUndefined()
  })

  test('are not marked when the entry does not apply, nor when its since is not a number', () => {
    const store = new Log({ a: {} }).store()
    const bad = {
      type: 'state.update',
      seq: 1,
      slice: 'a',
      patches: [{ op: 'remove', path: '/nope' }],
      cause: { type: 'x' },
      timestamp: 1,
      detected: { inPlace: true, since: 0 }
    } as HistoryEvent
    expect(() => store.ingest(bad, JSON.stringify(bad))).toThrow()
    expect(store.inPlaceSince(1)).toBeUndefined()
    const odd = {
      type: 'state.update',
      seq: 1,
      slice: 'a',
      value: 1,
      cause: { type: 'x' },
      timestamp: 1,
      detected: { inPlace: true, since: '0' }
    } as unknown as HistoryEvent
    store.ingest(odd, JSON.stringify(odd))
    expect(store.inPlaceSince(1)).toBeUndefined()
  })
})
