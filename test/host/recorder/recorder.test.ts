import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { encode } from '../../../src/host/recorder/encode'
import { BatchWriter, readBatch, type ChangeSpan } from '../../../src/host/recorder/entry'
import { InPlaceFindings } from '../../../src/host/recorder/findings'
import { History } from '../../../src/host/recorder/history'
import { BURST_VERIFY_EVERY, createRecorder, type EntrySink, type Recorder } from '../../../src/host/recorder/recorder'
import {
  VERIFICATION_CAUSE,
  type CompareMode,
  type HistoryEventType,
  type Json,
  type Slices,
  type StateUpdateEvent
} from '../../../src/shared/protocol'
import { toPlain } from '../../../src/shared/state'
import { applyStep, initialSlices, type Step } from '../../fixtures/mutations'
import { steps } from '../../helpers/arbitraries'

/**
 * A recorder over a fake outbox that hands every batch to a real history, as the host does: what
 * the window and every client would see is `history`.
 */
class Rig implements EntrySink {
  sent = 0
  readonly writer = new BatchWriter()
  readonly history: History
  readonly findings: InPlaceFindings
  readonly recorder: Recorder
  /** Tasks the recorder scheduled, with their delay. */
  readonly scheduled: { task: () => void; ms: number; cancelled: boolean }[] = []
  /** The monotonic clock the recorder reads, in ms. */
  time = 0
  /** Milliseconds each reading of the clock advances it: recording and verifying then take time. */
  tick = 0

  constructor(
    readonly state: Record<string, unknown>,
    compare: CompareMode = 'verify'
  ) {
    this.recorder = createRecorder({
      sink: this,
      readSlices: () => this.state,
      compare,
      now: () => (this.time += this.tick),
      clock: () => 0,
      schedule: (task, ms) => {
        const entry = { task, ms, cancelled: false }
        this.scheduled.push(entry)
        return () => (entry.cancelled = true)
      }
    })
    this.history = new History({ base: JSON.parse(this.recorder.reset()) as Slices })
    this.findings = new InPlaceFindings(0)
  }

  entry(type: HistoryEventType, slice: string | null, body: string, span?: ChangeSpan, flags?: number): void {
    this.writer.entry(type, slice, body, span, flags)
  }

  verified(): void {
    this.writer.verified()
  }

  /** Sends what the recorder wrote to the history, as the worker's outbox and the host do. */
  flush(): void {
    this.sent++
    readBatch(this.writer.take(), this.findings.reader(this.history))
  }

  /** Reports a slice's change on the bus, as a runtime does. */
  emit(slice: string, before: unknown, action: unknown = { type: 'act' }): void {
    this.recorder.stateChanged({ slice, before, after: this.state[slice], causingAction: action })
  }

  /** Runs the tasks scheduled so far that were not cancelled (the event loop going idle). */
  runScheduled(): void {
    for (const s of this.scheduled.splice(0)) if (!s.cancelled) s.task()
  }

  updates(): StateUpdateEvent[] {
    const out: StateUpdateEvent[] = []
    for (let seq = this.history.baseSeq + 1; seq <= this.history.lastSeq; seq++) {
      const e = this.history.event(seq)
      if (e.type === 'state.update') out.push(e)
    }
    return out
  }

  /** The recorded state now, as plain JSON. */
  recorded(): Slices {
    return toPlain(this.history.stateAt(this.history.lastSeq))
  }

  /** The recorded state equals the runtime's, each slice encoded on its own (as `GET /state` does). */
  expectExact(): void {
    expect(this.recorded()).toEqual(Object.fromEntries(Object.keys(this.state).map((slice) => [slice, encode(this.state[slice])])))
  }
}

/** Runs a step the way a runtime written the ordinary way reports it: each slice whose root is another object. */
function runStep(rig: Rig, step: Step, sameObject: boolean): void {
  const before = { ...rig.state }
  applyStep(rig.state, step)
  for (const slice of new Set([...Object.keys(before), ...Object.keys(rig.state)])) {
    const was = before[slice]
    const now = Object.hasOwn(rig.state, slice) ? rig.state[slice] : undefined
    // A runtime that reports a slice it changed in place hands back the same object.
    const appeared = Object.hasOwn(before, slice) !== Object.hasOwn(rig.state, slice)
    if (was !== now || appeared || (sameObject && slice === step.slice)) rig.emit(slice, was, { type: step.op, payload: step.mode })
  }
}

const immutableOnly = steps(25).map((run) =>
  run.map((s): Step => (s.mode === 'mutate' || s.mode === 'newroot' ? { ...s, mode: 'immutable' } : s))
)

describe('createRecorder: trust, then verify', () => {
  test('records a runtime that never changes state in place exactly, and never finds an in-place change', () => {
    fc.assert(
      fc.property(immutableOnly, fc.array(fc.boolean(), { minLength: 25, maxLength: 25 }), (run, verifyAfter) => {
        const rig = new Rig(initialSlices())
        run.forEach((step, i) => {
          runStep(rig, step, false)
          if (verifyAfter[i]) rig.recorder.verify()
          rig.flush()
          rig.expectExact()
        })
        rig.recorder.verify()
        rig.flush()
        rig.expectExact()
        expect(rig.updates().filter((e) => e.detected !== undefined)).toEqual([])
        expect(rig.findings.list()).toEqual([])
      }),
      { numRuns: 200 }
    )
  })

  test('finds every change made in place, at any depth, with the range it happened in; every mirror is exact after each verification', () => {
    fc.assert(
      fc.property(
        steps(25),
        fc.array(fc.boolean(), { minLength: 25, maxLength: 25 }),
        fc.array(fc.boolean(), { minLength: 25, maxLength: 25 }),
        (run, verifyAfter, sameObject) => {
          const rig = new Rig(initialSlices())
          let lastVerified = 0
          /** Seqs recorded since the last verification, during which some step changed something in place. */
          let inPlaceSince = false
          const check = (): void => {
            rig.recorder.verify()
            rig.flush()
            rig.expectExact()
            for (const e of rig.updates().filter((u) => u.detected !== undefined && u.seq > lastVerified)) {
              expect(e.detected).toEqual({ inPlace: true, since: lastVerified })
              expect(e.cause).toEqual({ type: VERIFICATION_CAUSE })
              expect(inPlaceSince).toBe(true)
            }
            lastVerified = rig.history.lastSeq
            inPlaceSince = false
          }
          run.forEach((step, i) => {
            runStep(rig, step, sameObject[i] === true)
            if (step.mode === 'mutate' || step.mode === 'newroot') inPlaceSince = true
            rig.flush()
            if (verifyAfter[i]) check()
          })
          check()
          // Every slice found is listed once per finding, and is compared in full from then on.
          for (const f of rig.findings.list()) expect(f.seq).toBeGreaterThan(f.since)
        }
      ),
      { numRuns: 300 }
    )
  })

  test('the reducer bug: a todo toggled in place is found once the dispatch settles, and that slice is compared in full from then on', () => {
    const todos = [
      { id: 1, text: 'write', done: true },
      { id: 2, text: 'find the bug', done: false }
    ]
    const rig = new Rig({ todos, filter: 'all' })
    rig.state.filter = 'done'
    rig.emit('filter', 'all', { type: 'filter/set', payload: 'done' })
    ;(todos[1] as { done: boolean }).done = true // the bug: nothing is reported
    rig.recorder.dispatched({ type: 'act' })
    rig.recorder.settled()
    rig.flush()
    const found = rig.updates().at(-1) as StateUpdateEvent
    expect(found).toMatchObject({
      slice: 'todos',
      patches: [{ op: 'replace', path: '/1/done', value: true }],
      cause: { type: VERIFICATION_CAUSE },
      detected: { inPlace: true, since: 0 }
    })
    expect(rig.findings.list()).toEqual([{ slice: 'todos', how: 'verification', seq: found.seq, since: 0, paths: ['/1/done'] }])
    // Compared in full now: the next in-place change is recorded with the action that reported the slice.
    ;(todos[0] as { text: string }).text = 'written'
    rig.emit('todos', todos, { type: 'todos/edit' })
    rig.flush()
    expect(rig.updates().at(-1)).toMatchObject({
      patches: [{ op: 'replace', path: '/0/text', value: 'written' }],
      cause: { type: 'todos/edit' }
    })
    expect(rig.updates().at(-1)?.detected).toBeUndefined()
    rig.expectExact()
  })

  test('an element removed from the middle of a list is one remove at its index: dispatched, found in place, and compared in full', () => {
    const todos = Array.from({ length: 1000 }, (_, i) => ({ id: i, done: false }))
    const rig = new Rig({ todos })
    rig.state.todos = todos.filter((t) => t.id !== 400)
    rig.emit('todos', todos, { type: 'todos/remove', payload: 400 })
    // A reducer that splices in place under the recorded root: verification finds one removal.
    const live = rig.state.todos as { id: number }[]
    live.splice(10, 1)
    rig.recorder.dispatched({ type: 'act' })
    rig.recorder.settled()
    // Compared in full from now on: an insertion in place, reported, is one add.
    live.splice(500, 0, { id: -1 })
    rig.emit('todos', live, { type: 'todos/insert' })
    rig.flush()
    expect(rig.updates().map((e) => [e.cause.type, e.patches, e.detected])).toEqual([
      ['todos/remove', [{ op: 'remove', path: '/400' }], undefined],
      [VERIFICATION_CAUSE, [{ op: 'remove', path: '/10' }], { inPlace: true, since: 0 }],
      ['todos/insert', [{ op: 'add', path: '/500', value: { id: -1 } }], undefined]
    ])
    rig.expectExact()
  })

  test('a change reported with the same object is compared in full at once, with its action as the cause', () => {
    const list = [1, 2]
    const rig = new Rig({ list })
    list.push(3)
    rig.emit('list', list, { type: 'push' })
    rig.flush()
    expect(rig.updates()).toEqual([
      expect.objectContaining({ slice: 'list', patches: [{ op: 'add', path: '/2', value: 3 }], cause: { type: 'push' } })
    ])
    expect(rig.updates()[0]?.detected).toBeUndefined()
    expect(rig.findings.list()).toEqual([{ slice: 'list', how: 'reported', seq: 1, since: 0, paths: ['/2'] }])
    list.push(4)
    rig.emit('list', list, { type: 'push' })
    rig.flush()
    expect(rig.findings.list()).toHaveLength(1)
    rig.expectExact()
  })

  test('a new root over objects changed in place since they were recorded: what they became is found first, then the action', () => {
    const list: unknown[] = [{ id: 1 }, { id: 2 }]
    const rig = new Rig({ list })
    list[0] = { '': null } // in place, not reported
    rig.state.list = [{ '': 'set' }, list[1]] // then an ordinary update on top of it
    rig.emit('list', list, { type: 'edit' })
    rig.flush()
    expect(rig.updates().map((e) => [e.cause.type, e.patches, e.detected])).toEqual([
      [
        VERIFICATION_CAUSE,
        [
          { op: 'add', path: '/0/', value: null },
          { op: 'remove', path: '/0/id' }
        ],
        { inPlace: true, since: 0 }
      ],
      ['edit', [{ op: 'replace', path: '/0/', value: 'set' }], undefined]
    ])
    rig.expectExact()
  })

  test('a root replaced but not reported yet is left to its event, never taken for an in-place change', () => {
    const rig = new Rig({ a: { n: 1 }, b: { n: 1 } })
    rig.state.a = { n: 2 }
    rig.state.b = { n: 2 }
    rig.emit('a', { n: 1 })
    rig.recorder.verify()
    rig.emit('b', { n: 1 })
    rig.flush()
    expect(rig.updates().map((e) => [e.slice, e.cause.type, e.detected])).toEqual([
      ['a', 'act', undefined],
      ['b', 'act', undefined]
    ])
    rig.expectExact()
  })

  test('verifies when the runtime goes idle, at most a tenth of the thread’s time', () => {
    const item = { n: 1 }
    const rig = new Rig({ s: { item } })
    rig.tick = 1
    rig.recorder.verify() // takes 1 ms on this clock
    rig.flush()
    item.n = 2
    rig.state.s = { item }
    rig.emit('s', undefined)
    expect(rig.scheduled).toHaveLength(1)
    expect(rig.scheduled[0]?.ms).toBe(0)
    // Idle straight away: the last verification ended too recently, so it waits out its share.
    rig.runScheduled()
    expect(rig.scheduled).toHaveLength(1)
    expect(rig.scheduled[0]?.ms).toBeGreaterThan(0)
    rig.time += 100
    rig.runScheduled()
    rig.flush()
    expect(rig.updates().at(-1)).toMatchObject({
      slice: 's',
      patches: [{ op: 'replace', path: '/item/n', value: 2 }],
      detected: { inPlace: true }
    })
    rig.expectExact()
  })

  test('verifies during a long burst once enough was recorded, at most a tenth of the recording', () => {
    const counter = { n: 0 }
    const rig = new Rig({ c: { counter }, n: 0 })
    rig.tick = 0.001
    counter.n = 1 // changed in place, then a burst of ordinary changes
    let verifiedAt = -1
    for (let i = 1; i <= 3 * BURST_VERIFY_EVERY && verifiedAt < 0; i++) {
      rig.state.n = i
      rig.emit('n', i - 1)
      rig.flush()
      if (rig.updates().some((e) => e.detected !== undefined)) verifiedAt = i
    }
    expect(verifiedAt).toBe(BURST_VERIFY_EVERY)
    rig.expectExact()
  })

  test('"full" compares every change in full and never verifies; switching modes keeps the history exact', () => {
    const item = { n: 1 }
    const rig = new Rig({ s: { item } }, 'full')
    item.n = 2
    rig.state.s = { item }
    rig.emit('s', undefined)
    rig.recorder.settled()
    rig.flush()
    expect(rig.updates()).toEqual([
      expect.objectContaining({ patches: [{ op: 'replace', path: '/item/n', value: 2 }], cause: { type: 'act' } })
    ])
    expect(rig.scheduled).toEqual([])
    rig.recorder.setMode('verify')
    item.n = 3
    rig.recorder.dispatched({ type: 'act' })
    rig.time += 1000
    rig.runScheduled()
    rig.flush()
    expect(rig.updates().at(-1)).toMatchObject({ patches: [{ op: 'replace', path: '/item/n', value: 3 }], detected: { inPlace: true } })
    rig.recorder.setMode('full')
    expect(rig.recorder.mode).toBe('full')
    expect(() => rig.recorder.setMode('trust')).toThrow(/immutable/)
    rig.expectExact()
  })

  test('"trust" (a runtime declaring immutable: true) never verifies', () => {
    const item = { n: 1 }
    const rig = new Rig({ s: { item } }, 'trust')
    item.n = 2
    rig.recorder.dispatched({ type: 'act' })
    rig.recorder.settled()
    rig.recorder.verify()
    rig.flush()
    expect(rig.history.lastSeq).toBe(0)
    expect(rig.scheduled).toEqual([])
  })

  test('the cause is the whole action: type, id, payload, meta (without the actionId sent as id) and error, encoded', () => {
    const rig = new Rig({ n: 0 })
    const causes: [unknown, unknown][] = [
      [
        {
          type: 'todos/add',
          payload: { when: new Date(0) },
          meta: { requestId: 'r1', arg: 10n, __ellie: { actionId: 'a1' } },
          error: false
        },
        {
          type: 'todos/add',
          id: 'a1',
          payload: { when: { $date: '1970-01-01T00:00:00.000Z' } },
          meta: { requestId: 'r1', arg: { $bigint: '10' } },
          error: false
        }
      ],
      // A Flux Standard Action that failed: its payload is the error, and `error` says so.
      [
        { type: 'fetch/rejected', payload: new TypeError('offline'), error: true, meta: { __ellie: { actionId: 'a2', source: 'ui' } } },
        {
          type: 'fetch/rejected',
          id: 'a2',
          payload: { $error: { name: 'TypeError', message: 'offline' } },
          meta: { __ellie: { source: 'ui' } },
          error: true
        }
      ],
      // Only the actionId in meta: nothing else to keep.
      [
        { type: 'plain', meta: { __ellie: { actionId: 'a3' } } },
        { type: 'plain', id: 'a3' }
      ],
      // An id that is not a string stays where it was; a meta that is no object is kept as it is.
      [
        { type: 'odd', meta: { __ellie: { actionId: 7 } } },
        { type: 'odd', meta: { __ellie: { actionId: 7 } } }
      ],
      [
        { type: 'odder', meta: 'm', error: { message: 'e' } },
        { type: 'odder', meta: 'm', error: { message: 'e' } }
      ],
      // A getter that throws is recorded as its error, and the recording goes on.
      [
        Object.defineProperty({ type: 'getter' }, 'meta', {
          enumerable: true,
          get() {
            throw new RangeError('no meta')
          }
        }),
        { type: 'getter', meta: { $error: { name: 'RangeError', message: 'no meta' } } }
      ]
    ]
    causes.forEach(([action], i) => {
      rig.state.n = i + 1
      rig.emit('n', i, action)
    })
    rig.flush()
    expect(rig.updates().map((e) => e.cause)).toEqual(causes.map(([, cause]) => cause))
    rig.expectExact()
  })

  test('an event that breaks the contract is refused with a message saying what was expected', () => {
    const rig = new Rig({})
    expect(() => rig.recorder.stateChanged({ after: 1 })).toThrow(/slice: string/)
    expect(() => rig.recorder.lifecycle({ status: 'running' })).toThrow(/executionId: string/)
  })
})

describe('a runtime whose state cannot be read', () => {
  test('a verification that fails while idle is reported, and the recorder goes on', () => {
    const errors: unknown[] = []
    let broken = false
    let time = 0
    const state: Record<string, unknown> = { s: { n: 1 } }
    const recorder = createRecorder({
      sink: { entry: () => undefined, verified: () => undefined, sent: 0 },
      readSlices: () => {
        if (broken) throw new Error('getState failed')
        return state
      },
      schedule: () => () => undefined,
      now: () => time,
      onError: (e) => errors.push(e)
    })
    recorder.reset()
    broken = true
    expect(() => recorder.dispatched({ type: 'act' })).toThrow('getState failed')
    time += 1000
    recorder.settled()
    expect(errors).toEqual([new Error('getState failed')])
    broken = false
    recorder.dispatched({ type: 'act' })
    time += 1000
    recorder.settled()
    expect(errors).toHaveLength(1)
  })
})

describe('the recorded copy', () => {
  test('never shares an object with the runtime: a value recorded whole and then changed in place is found', () => {
    const inner: Record<string, Json> = { x: 1 }
    const rig = new Rig({})
    rig.state.fresh = { inner }
    rig.emit('fresh', undefined)
    inner.x = 2
    rig.recorder.verify()
    rig.flush()
    expect(rig.updates().at(-1)).toMatchObject({ slice: 'fresh', patches: [{ op: 'replace', path: '/inner/x', value: 2 }] })
    rig.expectExact()
  })
})
