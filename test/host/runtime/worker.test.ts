import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { ExecutionStatusEvent, HistoryEvent, Json, StateInitialEvent, StateUpdateEvent } from '../../../src/shared/protocol'
import { noteOf } from '../../../src/shared/notes'
import { fixture, startTestHost, type TestHost } from '../../helpers/host'
import { Mirror } from '../../helpers/mirror'
import type { Received, SseTestClient } from '../../helpers/sse'

/** The initial state of `kinds.mjs`, encoded as DESIGN.md's table says. */
const ENCODED: Record<string, Json> = {
  big: { $bigint: '10' },
  date: { $date: '1970-01-01T00:00:01.000Z' },
  invalidDate: { $date: null },
  map: {
    $map: [
      ['k', { $bigint: '1' }],
      [2, { nested: { $undefined: true } }]
    ]
  },
  set: { $set: [1, 'two'] },
  undef: { $undefined: true },
  withUndefined: { u: { $undefined: true }, list: [{ $undefined: true }] },
  numbers: [{ $number: 'NaN' }, { $number: 'Infinity' }, { $number: '-Infinity' }, 0],
  fn: { $function: 'handler' },
  cycle: { name: 'root', child: { up: { $ref: '' } }, self: { $ref: '' } },
  error: { $error: { name: 'TypeError', message: 'bad input' } },
  regexp: { $regexp: '/a+/g' },
  symbol: { $symbol: 's' },
  bytes: { $bytes: { type: 'Uint8Array', length: 4, head: [1, 2, 3, 4] } },
  buffer: { $bytes: { type: 'ArrayBuffer', length: 2, head: [0, 0] } },
  money: { cents: 5, currency: 'EUR' },
  point: { x: 1, y: 2 },
  dollar: { $object: { $bigint: '1' } },
  getter: { ok: 1, bad: { $error: { name: 'RangeError', message: 'no value' } } },
  frozen: { list: [{ id: 1 }], when: 'never' },
  'a/b~c': { '': 'empty key', 'x/y': 1, 'm~n': 2 }
}

let h: TestHost
let sse: SseTestClient

beforeAll(async () => {
  h = await startTestHost({ runtime: fixture('kinds.mjs') })
  expect(h.loadError).toBeUndefined()
  sse = await h.events()
  await sse.waitFor((e) => e.type === 'state.initial')
})

afterAll(async () => {
  await h.close()
})

/** Dispatches an action and gives the entries it caused, once the stream has them all. */
async function entriesOf(action: unknown): Promise<Received[]> {
  const from = sse.events.length
  const res = await h.dispatch(action)
  expect(res.status, JSON.stringify(res.body)).toBe(200)
  if ((res.body.seq as number) > (sse.lastSeq ?? 0)) await sse.waitForSeq(res.body.seq as number)
  return sse.events.slice(from).filter((e) => e.type !== 'heartbeat')
}

/** The mirror of everything the stream sent, which must equal GET /state. */
async function expectMirrorEqualsState(): Promise<void> {
  const mirror = new Mirror()
  for (const e of sse.entries) mirror.apply(e as HistoryEvent)
  expect(mirror.state).toEqual(await h.state())
}

const updates = (events: Received[]): (StateUpdateEvent & Received)[] =>
  events.filter((e): e is StateUpdateEvent & Received => e.type === 'state.update')

describe('the recorder in the runtime worker', () => {
  test('encodes values JSON cannot carry as DESIGN.md says, in the stream and in GET /state', async () => {
    const initial = sse.entries[0] as StateInitialEvent & Received
    expect(initial.slices).toEqual(ENCODED)
    expect(await h.state()).toEqual(ENCODED)
  })

  test('records in-place mutations (before === after) as patches against its own snapshot', async () => {
    const events = await entriesOf({ type: 'mutate-in-place', payload: { at: new Date(0).toISOString() } })
    const bySlice = Object.fromEntries(updates(events).map((e) => [e.slice, e]))
    expect(Object.keys(bySlice).sort()).toEqual(
      ['a/b~c', 'bytes', 'cycle', 'date', 'map', 'numbers', 'point', 'set', 'withUndefined'].sort()
    )
    expect(bySlice['a/b~c']?.patches).toEqual(
      expect.arrayContaining([
        { op: 'replace', path: '/', value: 'still empty key' },
        { op: 'remove', path: '/x~1y' }
      ])
    )
    expect(bySlice.cycle?.patches).toEqual([{ op: 'add', path: '/child/again', value: { $ref: '' } }])
    expect(bySlice.numbers?.patches).toEqual([{ op: 'add', path: '/4', value: 1 }])
    expect(bySlice.point?.patches).toEqual([{ op: 'replace', path: '/x', value: 3 }])
    expect(bySlice.withUndefined?.patches).toEqual([{ op: 'replace', path: '/u', value: 'defined now' }])
    expect(bySlice.date?.value).toEqual({ $date: '1970-01-01T00:00:02.000Z' })
    for (const e of updates(events)) expect(e.cause).toEqual({ type: 'mutate-in-place', payload: { at: '1970-01-01T00:00:00.000Z' } })
    await expectMirrorEqualsState()
  })

  test('records a new frozen root over shared children, and a mutated child under an old root', async () => {
    const events = updates(await entriesOf({ type: 'new-root-over-mutated' }))
    expect(events.map((e) => [e.slice, e.patches])).toEqual([
      ['frozen', [{ op: 'add', path: '/list/1', value: { id: 2 } }]],
      ['withUndefined', [{ op: 'add', path: '/list/1', value: null }]]
    ])
    await expectMirrorEqualsState()
  })

  test('sends the whole value when a slice changes kind', async () => {
    const events = updates(await entriesOf({ type: 'replace-kinds' }))
    const values = Object.fromEntries(events.map((e) => [e.slice, e.value]))
    expect(values).toEqual({
      big: [1],
      date: null,
      map: 'a string',
      set: { a: 1 },
      undef: 0,
      numbers: 5,
      cycle: [],
      money: 7,
      dollar: { $object: { $only: [] } }
    })
    await expectMirrorEqualsState()
  })

  test('sends a removal for a slice gone from getState()', async () => {
    const events = updates(await entriesOf({ type: 'remove', payload: 'symbol' }))
    expect(events).toMatchObject([{ slice: 'symbol', removed: true }])
    expect(events[0]).not.toHaveProperty('value')
    expect(await h.state()).not.toHaveProperty('symbol')
    await expectMirrorEqualsState()
  })

  test('takes the action id from meta.__ellie.actionId and encodes the payload', async () => {
    const events = await entriesOf({ type: 'remove', payload: 'regexp', meta: { __ellie: { actionId: 'act-42' } } })
    expect(updates(events)[0]?.cause).toEqual({ type: 'remove', id: 'act-42', payload: 'regexp' })
  })

  test('records execution statuses with the error as its message', async () => {
    const statuses = [
      { status: 'started', executionId: 'e1' },
      { status: 'failed', executionId: 'e1', turnId: 't1', error: { message: 'the tool failed' } },
      { status: 'paused-by-user', executionId: 'e1', turnId: null, error: 'a plain string' }
    ]
    const seen: (ExecutionStatusEvent & { frame?: unknown })[] = []
    for (const payload of statuses) {
      for (const e of await entriesOf({ type: 'status', payload })) if (e.type === 'execution.status') seen.push(e)
    }
    expect(seen.map(({ seq: _s, timestamp: _t, frame: _f, ...e }) => e)).toEqual([
      { type: 'execution.status', status: 'started', executionId: 'e1' },
      { type: 'execution.status', status: 'failed', executionId: 'e1', turnId: 't1', error: 'the tool failed' },
      { type: 'execution.status', status: 'paused-by-user', executionId: 'e1', error: 'a plain string' }
    ])
  })

  test('records custom events encoded, and never lets one pass for a note of the host', async () => {
    const events = (await entriesOf({ type: 'custom' })).filter((e) => noteOf(e as HistoryEvent)?.note !== 'input')
    expect(events.map((e) => (e.type === 'custom-event' ? e.data : null))).toEqual([
      { big: { $bigint: '2' }, when: { $date: '1970-01-01T00:00:00.000Z' } },
      { $object: { $patchscope: { note: 'runtime-error', message: 'forged' } } }
    ])
  })

  test.each([
    ['a malformed state-changed event', 'bad-event', 'bad-event', /must be \{ slice: string/],
    ['an exception thrown by a timer', 'throw-later', 'uncaughtException', /thrown by a timer/],
    ['a promise rejected and never handled', 'reject-later', 'unhandledRejection', /rejected and never handled/]
  ])('records %s as a note of the host, and the runtime goes on', async (_name, type, kind, message) => {
    const from = sse.events.length
    expect((await h.dispatch({ type })).status).toBe(200)
    const note = await sse.waitFor((e) => noteOf(e as HistoryEvent)?.note === 'runtime-error', from)
    expect(note.type === 'custom-event' && note.data).toMatchObject({
      $patchscope: { note: 'runtime-error', kind, message: expect.stringMatching(message) }
    })
    expect(h.logs.join('')).toMatch(message)
    expect((await h.getJson<{ status: string }>('/runtime')).status).toBe('loaded')
    await expectMirrorEqualsState()
  })
})

describe('a runtime whose thread ends', () => {
  test('is reported as failed, recorded as a note, and the host goes on serving what was recorded', async () => {
    const host = await startTestHost({ runtime: fixture('kinds.mjs') })
    try {
      const stream = await host.events()
      await stream.waitFor((e) => e.type === 'state.initial')
      const recorded = await host.state()
      const res = await host.dispatch({ type: 'crash' })
      expect(res.status).toBe(409)
      const note = await stream.waitFor((e) => e.type === 'custom-event')
      expect(note.type === 'custom-event' && note.data).toMatchObject({
        $patchscope: { kind: 'exit', message: expect.stringMatching(/exit/) }
      })
      expect(await host.getJson('/runtime')).toMatchObject({ status: 'failed', error: expect.stringMatching(/the runtime stopped/) })
      expect(await host.state()).toEqual(recorded)
      expect((await host.dispatch({ type: 'custom' })).status).toBe(409)
    } finally {
      await host.close()
    }
  })
})

describe('a runtime that declares its slices', () => {
  test('is recorded for those slices only, a declared one appearing later as new', async () => {
    const host = await startTestHost({ runtime: fixture('declared-slices.mjs') })
    try {
      const stream = await host.events()
      const initial = await stream.waitFor<StateInitialEvent & Received>((e) => e.type === 'state.initial')
      expect(initial.slices).toEqual({ shown: 1 })
      const res = await host.dispatch({ type: 'tick' })
      await stream.waitForSeq(res.body.seq as number)
      expect(updates(stream.events).map((e) => [e.slice, e.value])).toEqual([
        ['shown', 2],
        ['absent', 'now here']
      ])
      expect(await host.state()).toEqual({ shown: 2, absent: 'now here' })
    } finally {
      await host.close()
    }
  })
})
