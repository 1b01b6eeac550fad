import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { CheckpointLog } from '../../src/shared/checkpoint-log'
import type { HistoryEvent, Operation, Slices } from '../../src/shared/protocol'
import { applyEvent, ChunkedArray, PatchError, toPlain } from '../../src/shared/state'
import { applyPlain } from '../helpers/mirror'

/** An entry without its number, which the owner gives it. */
type NewEvent = HistoryEvent extends infer E ? (E extends unknown ? Omit<E, 'seq'> : never) : never

/**
 * An owner of a log, as the host's history and the window's model are: it keeps its entries by
 * number and applies one when the log asks, counting what it applied (so a test sees where each
 * replay started). Entries are numbered from `baseAt + 1`.
 */
class Owner {
  readonly events = new Map<number, HistoryEvent>()
  /** The numbers of the entries applied, in order, since `take()`. */
  applied: number[] = []
  readonly log: CheckpointLog
  /** The state after each entry, computed independently (fast-json-patch on plain copies). */
  readonly expected = new Map<number, Slices>()

  constructor(
    readonly baseAt = 0,
    base: Slices = {},
    chunkArrays = false
  ) {
    this.log = new CheckpointLog({
      entries: {
        applyEntry: (state, at, owned) => {
          this.applied.push(at)
          return applyEvent(state, this.events.get(at) as HistoryEvent, owned)
        }
      },
      base,
      baseAt,
      chunkArrays
    })
    this.expected.set(baseAt, base)
  }

  /** Records an entry, lazily (`append`, the host's way) or applied to the head (`advance`, the window's). */
  add(event: NewEvent, how: 'append' | 'advance' = 'append'): number {
    const at = this.log.last + 1
    const e = { ...event, seq: at } as HistoryEvent
    this.events.set(at, e)
    const n = how === 'append' ? this.log.append() : this.log.advance((state, owned) => applyEvent(state, e, owned))
    expect(n).toBe(at)
    this.expected.set(at, applyPlain(this.expected.get(at - 1) as Slices, e))
    return at
  }

  /** Records `count` updates that push to a list, take from it and set a counter. */
  fill(count: number, how: 'append' | 'advance' = 'append'): void {
    for (let k = 0; k < count; k++) this.add(update(this.log.last + 1), how)
  }

  /** What was applied since the last call. */
  take(): number[] {
    const out = this.applied
    this.applied = []
    return out
  }

  expectExact(at: number): void {
    expect(toPlain(this.log.stateAt(at)), `state at ${at}`).toEqual(this.expected.get(at))
  }
}

/** The n-th of a varied run of updates: a push, a count, a removal, now and then a reset. */
function update(n: number): NewEvent {
  const cause = { type: `t${n % 3}` }
  switch (n % 5) {
    case 0:
      return { type: 'state.update', slice: 'count', value: n, cause, timestamp: n }
    case 1:
    case 2:
      return { type: 'state.update', slice: 'list', patches: [{ op: 'add', path: '/-', value: { n } }], cause, timestamp: n }
    case 3:
      return { type: 'custom-event', data: n, timestamp: n }
    default:
      return n % 15 === 4
        ? { type: 'state.initial', slices: { list: [], count: -n }, timestamp: n }
        : { type: 'state.update', slice: 'list', patches: [{ op: 'replace', path: '/0', value: { first: n } }], cause, timestamp: n }
  }
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i)

/** A log over entries 1..n with a checkpoint every `every`, the state at each kept by the owner. */
function owner(n: number, every: number, how: 'append' | 'advance' = 'append'): Owner {
  const o = new Owner(0, { list: [], count: 0 })
  for (let k = 0; k < n; k++) {
    o.add(update(k + 1), how)
    if ((k + 1) % every === 0) o.log.checkpoint(k + 1)
  }
  o.take()
  return o
}

describe('stateAt', () => {
  test('equals a replay from the start at every entry, in any order of queries', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 120 }),
        fc.integer({ min: 1, max: 40 }),
        fc.constantFrom('append' as const, 'advance' as const),
        fc.array(fc.nat(), { minLength: 1, maxLength: 200 }),
        (n, every, how, queries) => {
          const o = owner(n, every, how)
          for (const q of queries) o.expectExact(q % (n + 1))
          for (let at = n; at >= 0; at--) o.expectExact(at)
        }
      ),
      { numRuns: 60 }
    )
  })

  test('replays from the nearest checkpoint at or before the entry', () => {
    const o = owner(100, 32)
    o.expectExact(40)
    expect(o.take()).toEqual(range(33, 40))
    o.expectExact(20)
    expect(o.take()).toEqual(range(1, 20))
    o.expectExact(64)
    expect(o.take()).toEqual([])
  })

  test('steps forward from the state last asked for, one entry a step, and back from a checkpoint', () => {
    const o = owner(100, 32)
    o.expectExact(70)
    expect(o.take()).toEqual(range(65, 70))
    for (let at = 71; at <= 80; at++) {
      o.expectExact(at)
      expect(o.take()).toEqual([at])
    }
    // Backwards, the cursor is past the entry: the replay starts at the checkpoint again.
    o.expectExact(79)
    expect(o.take()).toEqual(range(65, 79))
    // Past the next checkpoint, that checkpoint is nearer than the cursor.
    o.expectExact(97)
    expect(o.take()).toEqual(range(97, 97))
  })

  test('moves the head forward from where it was, for entries appended without being applied', () => {
    const o = owner(10, 1000)
    o.expectExact(10)
    expect(o.take()).toEqual(range(1, 10))
    o.fill(5)
    o.expectExact(15)
    expect(o.take()).toEqual(range(11, 15))
    // Between the head and the newest entry, the replay starts at the head and moves it.
    o.fill(5)
    o.expectExact(17)
    expect(o.take()).toEqual([16, 17])
    o.expectExact(20)
    expect(o.take()).toEqual([18, 19, 20])
  })

  test('keeps one head: the state a replay from the head started at is no longer a place to start from', () => {
    const o = owner(10, 1000)
    o.expectExact(10)
    o.fill(10)
    o.take()
    o.expectExact(15)
    expect(o.take()).toEqual(range(11, 15))
    // The head moved to 15: 12 is a replay from the base, which becomes the cursor.
    o.expectExact(12)
    expect(o.take()).toEqual(range(1, 12))
    o.expectExact(14)
    expect(o.take()).toEqual([13, 14])
    o.expectExact(17)
    expect(o.take()).toEqual([16, 17])
  })

  test('gives the newest state without a replay, and the base', () => {
    const o = owner(50, 16, 'advance')
    o.expectExact(50)
    o.expectExact(0)
    expect(o.take()).toEqual([])
    expect(o.log.base).toEqual({ list: [], count: 0 })
    expect(o.log.baseAt).toBe(0)
    expect(o.log.last).toBe(50)
  })

  test('refuses an entry it does not hold', () => {
    const o = new Owner(10, { list: [], count: 0 })
    o.fill(3)
    for (const at of [9, 14, -1, 1.5, Number.NaN]) expect(() => o.log.stateAt(at)).toThrow(RangeError)
    expect(() => o.log.stateAt(14)).toThrow('no state at 14: the log holds 10..13')
  })

  test('throws what an entry that does not apply throws, and keeps nothing of that replay', () => {
    const o = owner(20, 8)
    const good = o.events.get(18) as HistoryEvent
    o.events.set(18, {
      type: 'state.update',
      seq: 18,
      slice: 'nope',
      patches: [{ op: 'remove', path: '/x' }],
      cause: { type: 'x' },
      timestamp: 0
    })
    expect(() => o.log.stateAt(19)).toThrow(PatchError)
    expect(o.take()).toEqual([17, 18])
    o.events.set(18, good)
    o.expectExact(19)
    expect(o.take()).toEqual(range(17, 19))
    o.expectExact(20)
    expect(o.take()).toEqual([20])
  })

  test('never changes a state it handed out, nor a checkpoint, while the head grows in place', () => {
    const o = new Owner(0, { list: [], count: 0 })
    const held: { at: number; state: Slices; json: string }[] = []
    for (let k = 1; k <= 300; k++) {
      o.add(update(k), 'advance')
      if (k % 64 === 0) o.log.checkpoint(k)
      if (k % 7 === 0 || k % 64 === 0) {
        const at = k % 14 === 0 ? k : k - 5
        const state = o.log.stateAt(at)
        held.push({ at, state, json: JSON.stringify(state) })
      }
    }
    for (const h of held) expect(JSON.stringify(h.state), `the state at ${h.at} changed`).toBe(h.json)
    for (let at = 0; at <= 300; at++) o.expectExact(at)
  })
})

describe('advance', () => {
  test('changes the head in place until it is handed out, and copies it afterwards', () => {
    const o = new Owner(-1)
    o.add({ type: 'state.initial', slices: { list: [] }, timestamp: 0 }, 'advance')
    const push = (n: number): NewEvent => ({
      type: 'state.update',
      slice: 'list',
      patches: [{ op: 'add', path: '/-', value: n }],
      cause: { type: 'push' },
      timestamp: n
    })
    o.add(push(1), 'advance')
    const handed = o.log.stateAt(o.log.last)
    o.add(push(2), 'advance')
    const next = o.log.stateAt(o.log.last)
    expect(next).not.toBe(handed)
    expect(handed).toEqual({ list: [1] })
    o.add(push(3), 'advance')
    o.add(push(4), 'advance')
    const after = o.log.stateAt(o.log.last)
    expect(after).not.toBe(next)
    expect(next).toEqual({ list: [1, 2] })
    expect(after).toEqual({ list: [1, 2, 3, 4] })
    expect(o.take()).toEqual([])
  })

  test('shares a head it did not hand out across entries (no copy an entry)', () => {
    const o = new Owner(-1)
    o.add({ type: 'state.initial', slices: { a: { n: 0 } }, timestamp: 0 }, 'advance')
    o.log.stateAt(0)
    const set = (n: number): NewEvent => ({
      type: 'state.update',
      slice: 'a',
      patches: [{ op: 'replace', path: '/n', value: n }],
      cause: { type: 'set' },
      timestamp: n
    })
    o.add(set(1), 'advance')
    const roots = new Set<object>()
    const log = o.log
    for (let n = 2; n < 10; n++) {
      log.advance((state, owned) => {
        roots.add(state)
        return applyEvent(state, { ...set(n), seq: log.last + 1 } as HistoryEvent, owned)
      })
    }
    expect(roots.size).toBe(1)
    expect(log.stateAt(log.last)).toEqual({ a: { n: 9 } })
  })

  test('an entry that fails half-way leaves no part of itself in a head changed in place, and is not counted', () => {
    const o = owner(40, 16, 'advance')
    o.add(update(41), 'advance')
    const bad: HistoryEvent = {
      type: 'state.update',
      seq: 42,
      slice: 'list',
      // The first operation applies, the second does not.
      patches: [
        { op: 'add', path: '/-', value: 'half' },
        { op: 'remove', path: '/999' }
      ] as Operation[],
      cause: { type: 'bad' },
      timestamp: 0
    }
    expect(() => o.log.advance((state, owned) => applyEvent(state, bad, owned))).toThrow(PatchError)
    expect(o.log.last).toBe(41)
    // Computed again from the checkpoint at 32.
    expect(o.take()).toEqual(range(33, 41))
    o.expectExact(41)
    o.add(update(42), 'advance')
    o.expectExact(42)
  })

  test('an entry that fails on a head just handed out leaves that head as it was, with no replay', () => {
    const o = owner(10, 4, 'advance')
    const head = o.log.stateAt(10)
    expect(() =>
      o.log.advance(() => {
        throw new PatchError('no')
      })
    ).toThrow('no')
    expect(o.take()).toEqual([])
    expect(o.log.stateAt(10)).toBe(head)
  })

  test('catches the head up first when entries were appended without being applied', () => {
    const o = owner(10, 4)
    o.fill(3)
    o.add(update(14), 'advance')
    expect(o.take()).toEqual([9, 10, 11, 12, 13])
    o.expectExact(14)
  })
})

describe('checkpoints', () => {
  test('are taken in order only', () => {
    const o = owner(10, 5)
    o.fill(1)
    expect(() => o.log.checkpoint(5)).toThrow('a checkpoint at 5 must come after the newest one, at 10')
    expect(() => o.log.checkpoint(10)).toThrow(RangeError)
    o.log.checkpoint(11)
    expect(o.take()).toEqual([11])
  })

  test('keep long arrays in chunks their neighbours share, when the owner asks for it', () => {
    const o = new Owner(0, { list: Array.from({ length: 5000 }, (_, i) => i) }, true)
    for (let k = 1; k <= 40; k++) {
      o.add({
        type: 'state.update',
        slice: 'list',
        patches: [{ op: 'replace', path: '/4999', value: -k }],
        cause: { type: 't' },
        timestamp: k
      })
      if (k % 10 === 0) o.log.checkpoint(k)
    }
    const a = o.log.stateAt(10).list as unknown as ChunkedArray
    const b = o.log.stateAt(20).list as unknown as ChunkedArray
    expect(a).toBeInstanceOf(ChunkedArray)
    for (let c = 0; c < 4; c++) expect(b.chunks[c]).toBe(a.chunks[c])
    expect(b.chunks[4]).not.toBe(a.chunks[4])
    for (let at = 0; at <= 40; at++) o.expectExact(at)
  })

  test('keep plain arrays by default', () => {
    const o = new Owner(0, { list: Array.from({ length: 5000 }, (_, i) => i) })
    o.add({ type: 'state.update', slice: 'list', patches: [{ op: 'replace', path: '/0', value: -1 }], cause: { type: 't' }, timestamp: 0 })
    expect(Array.isArray(o.log.stateAt(1).list)).toBe(true)
  })
})

describe('dropBefore, restart, offerHead and adopt', () => {
  test('dropBefore makes a checkpoint the base, forgets what came before it, and still gives every later state', () => {
    const o = owner(100, 25)
    o.expectExact(30)
    o.take()
    o.log.dropBefore(50)
    expect(o.log.baseAt).toBe(50)
    expect(o.log.base).toBe(o.log.stateAt(50))
    expect(() => o.log.stateAt(49)).toThrow(RangeError)
    for (let at = 50; at <= 100; at++) o.expectExact(at)
  })

  test('dropBefore forgets a cursor and a head older than the new base', () => {
    const o = new Owner(0, { list: [], count: 0 })
    o.fill(100)
    // Taken away from the newest entry, the checkpoint leaves the head at the base.
    o.log.checkpoint(50)
    o.expectExact(20)
    o.take()
    o.log.dropBefore(50)
    o.expectExact(60)
    expect(o.take()).toEqual(range(51, 60))
    o.expectExact(100)
    expect(o.take()).toEqual(range(61, 100))
  })

  test('dropBefore refuses an entry without a checkpoint', () => {
    const o = owner(100, 25)
    expect(() => o.log.dropBefore(60)).toThrow('no checkpoint at 60 to keep as the base')
    o.expectExact(0)
  })

  test('restart forgets every state and counts from the new base', () => {
    const o = owner(100, 25)
    o.expectExact(60)
    o.log.restart({ fresh: true }, 500)
    expect(o.log.baseAt).toBe(500)
    expect(o.log.last).toBe(500)
    expect(o.log.stateAt(500)).toEqual({ fresh: true })
    expect(() => o.log.stateAt(60)).toThrow(RangeError)
    o.expected.set(500, { fresh: true })
    o.take()
    o.add({ type: 'state.update', slice: 'list', value: [1], cause: { type: 't' }, timestamp: 0 })
    o.expectExact(501)
    expect(o.take()).toEqual([501])
  })

  test('offerHead makes a state built by the owner the newest one, and the next replays start there', () => {
    const o = owner(10, 1000)
    const offered = toPlain(o.expected.get(10) as Slices)
    o.log.offerHead(offered)
    expect(o.log.stateAt(10)).toBe(offered)
    o.fill(2)
    o.log.checkpoint(12)
    expect(o.take()).toEqual([11, 12])
    expect(offered).toEqual(o.expected.get(10))
    o.expectExact(12)
  })

  test('adopt takes over the states of another log, for entries its owner took over', () => {
    const from = owner(40, 16)
    from.expectExact(20)
    const to = new Owner(0)
    for (const [at, e] of from.events) to.events.set(at, e)
    to.log.adopt(from.log)
    expect(to.log.last).toBe(40)
    expect(toPlain(to.log.stateAt(21))).toEqual(from.expected.get(21))
    expect(to.take()).toEqual([21])
    expect(toPlain(to.log.stateAt(40))).toEqual(from.expected.get(40))
  })
})
