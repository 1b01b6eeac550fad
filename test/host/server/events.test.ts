import { copyFile, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, onTestFinished, test } from 'vitest'
import type { HistoryEvent, StateInitialEvent } from '../../../src/shared/protocol'
import { fixture, startTestHost, type TestHost } from '../../helpers/host'
import { Mirror } from '../../helpers/mirror'
import type { Received, SseTestClient } from '../../helpers/sse'

/** A host that keeps all its history (and sends heartbeats often), and one that keeps 10 entries. */
let plain: TestHost
let small: TestHost

beforeAll(async () => {
  ;[plain, small] = await Promise.all([
    startTestHost({ runtime: fixture('bus-runtime.mjs'), server: { heartbeatMs: 50 } }),
    startTestHost({ runtime: fixture('bus-runtime.mjs'), limits: { maxEntries: 10 } })
  ])
  expect(plain.loadError).toBeUndefined()
  expect(small.loadError).toBeUndefined()
})

afterAll(async () => {
  await Promise.all([plain.close(), small.close()])
})

/** Dispatches actions one after the other; gives the seq of the last entry after them. */
async function dispatchAll(host: TestHost, actions: unknown[]): Promise<number> {
  let seq = host.host.history.lastSeq
  for (const action of actions) {
    const res = await host.dispatch(action)
    expect(res.status).toBe(200)
    seq = res.body.seq as number
  }
  return seq
}

const increments = (n: number): unknown[] => Array.from({ length: n }, () => ({ type: 'increment' }))
const seqsOf = (events: Received[]): number[] => events.flatMap((e) => ('seq' in e ? [e.seq] : []))
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i)

/** Builds a mirror from every entry the clients received, checking that each SSE id is its entry's seq. */
function mirrorOf(...clients: SseTestClient[]): Mirror {
  const mirror = new Mirror()
  for (const client of clients) {
    for (const e of client.entries) {
      expect(e.frame.id).toBe(String(e.seq))
      mirror.apply(e as HistoryEvent)
    }
  }
  return mirror
}

describe('GET /events', () => {
  test('sends the current state as a state.initial whose seq is the last entry, then live entries', async () => {
    const host = plain
    const before = await dispatchAll(host, increments(3))
    const sse = await host.events()
    const initial = await sse.waitFor<StateInitialEvent & Received>((e) => e.type === 'state.initial')
    expect(initial.seq).toBe(before)
    expect(initial.frame.id).toBe(String(before))
    expect(initial.gap).toBeUndefined()
    expect(initial.slices).toEqual(await host.state())
    const last = await dispatchAll(host, [{ type: 'push', payload: { item: { 'a/b': 1 } } }, ...increments(2)])
    await sse.waitForSeq(last)
    expect(seqsOf(sse.events)).toEqual(range(before, last))
    expect(mirrorOf(sse).state).toEqual(await host.state())
  })

  test('sends the retained base and then every retained entry for ?since=0, never a gap', async () => {
    const host = small
    const last = await dispatchAll(host, increments(35))
    const baseSeq = host.host.history.baseSeq
    expect(baseSeq).toBeGreaterThan(0)
    const sse = await host.events('?since=0')
    await sse.waitForSeq(last)
    const [initial] = sse.entries
    expect(initial).toMatchObject({ type: 'state.initial', seq: baseSeq })
    expect((initial as StateInitialEvent).gap).toBeUndefined()
    expect(seqsOf(sse.events)).toEqual(range(baseSeq, last))
    expect(mirrorOf(sse).state).toEqual(await host.state())
  })

  test('resumes after Last-Event-ID without repeating or losing entries, and with no state.initial', async () => {
    const host = plain
    const first = await host.events()
    const seen = await dispatchAll(host, increments(4))
    await first.waitForSeq(seen)
    await first.close()
    const missed = await dispatchAll(host, [...increments(3), { type: 'push', payload: { item: 1 } }])
    const lastId = first.lastEventId as string
    const second = await host.events('', { headers: { 'last-event-id': lastId } })
    await second.waitForSeq(missed)
    const live = await dispatchAll(host, increments(2))
    await second.waitForSeq(live)
    expect(second.events.some((e) => e.type === 'state.initial')).toBe(false)
    expect(seqsOf(second.events)).toEqual(range(Number(lastId) + 1, live))
    expect(mirrorOf(first, second).state).toEqual(await host.state())
  })

  test('resumes after ?since=N the same way', async () => {
    const host = plain
    const first = await host.events()
    const seen = await dispatchAll(host, increments(3))
    await first.waitForSeq(seen)
    await first.close()
    const missed = await dispatchAll(host, increments(3))
    const second = await host.events(`?since=${seen}`)
    await second.waitForSeq(missed)
    expect(seqsOf(second.events)).toEqual(range(seen + 1, missed))
    expect(mirrorOf(first, second).state).toEqual(await host.state())
  })

  test('lets Last-Event-ID win over ?since', async () => {
    const host = plain
    const last = await dispatchAll(host, increments(5))
    const sse = await host.events('?since=1', { headers: { 'last-event-id': String(last - 1) } })
    await sse.waitForSeq(last)
    expect(seqsOf(sse.events)).toEqual([last])
  })

  test('gives every entry exactly once to a client that keeps reconnecting during a burst', async () => {
    const host = plain
    const burst = host.dispatch({ type: 'burst', payload: { count: 3000 } })
    const clients: SseTestClient[] = []
    let lastId: string | undefined
    for (let i = 0; i < 6; i++) {
      const sse = await host.events('', lastId === undefined ? {} : { headers: { 'last-event-id': lastId } })
      await sse.waitFor((e) => 'seq' in e)
      await sse.close()
      clients.push(sse)
      lastId = sse.lastEventId
    }
    const last = (await burst).body.seq as number
    const tail = await host.events('', { headers: { 'last-event-id': lastId as string } })
    if (Number(lastId) < last) await tail.waitForSeq(last)
    clients.push(tail)
    const seqs = clients.flatMap((c) => seqsOf(c.events))
    expect(seqs).toEqual(range(seqs[0] as number, last))
    expect(mirrorOf(...clients).state).toEqual(await host.state())
  })

  test.each([
    ['older than the retained base', (base: number) => Math.max(0, base - 3)],
    ['newer than the last entry (the host restarted)', (_base: number, last: number) => last + 100]
  ])('sends the retained base with gap: true, then every retained entry, for an id %s', async (_name, pick) => {
    const host = small
    const last = await dispatchAll(host, increments(40))
    const baseSeq = host.host.history.baseSeq
    expect(baseSeq).toBeGreaterThan(3)
    for (const viaHeader of [true, false]) {
      const id = String(pick(baseSeq, last))
      const sse = viaHeader ? await host.events('', { headers: { 'last-event-id': id } }) : await host.events(`?since=${id}`)
      await sse.waitForSeq(last)
      expect(sse.entries[0]).toMatchObject({ type: 'state.initial', seq: baseSeq, gap: true })
      expect(seqsOf(sse.events)).toEqual(range(baseSeq, last))
      expect(mirrorOf(sse).state).toEqual(await host.state())
      await sse.close()
    }
  })

  test('resumes without a gap from the base itself', async () => {
    const host = small
    const last = await dispatchAll(host, increments(30))
    const baseSeq = host.host.history.baseSeq
    const sse = await host.events('', { headers: { 'last-event-id': String(baseSeq) } })
    await sse.waitForSeq(last)
    expect(seqsOf(sse.events)).toEqual(range(baseSeq + 1, last))
  })

  test('filters updates to ?slices=a,b and cuts state.initial down to them', async () => {
    const host = plain
    await dispatchAll(host, [{ type: 'set', payload: { slice: 'c', value: 'before' } }])
    for (const query of ['?slices=a,b', '?slices=a&slices=b']) {
      const sse = await host.events(query)
      const initial = await sse.waitFor<StateInitialEvent & Received>((e) => e.type === 'state.initial')
      expect(Object.keys(initial.slices).sort()).toEqual(['a', 'b'])
      const last = await dispatchAll(host, [
        { type: 'set', payload: { slice: 'c', value: 'hidden' } },
        { type: 'increment' },
        { type: 'push', payload: { item: 2 } },
        { type: 'status', payload: { status: 'started', executionId: 'e1' } },
        { type: 'custom', payload: { note: 1 } },
        { type: 'set', payload: { slice: 'c', value: 'hidden again' } }
      ])
      await sse.waitFor((e) => e.type === 'custom-event')
      await host.dispatch({ type: 'increment' })
      await sse.waitFor((e) => 'seq' in e && e.seq > last)
      const updates = sse.events.filter((e) => e.type === 'state.update')
      expect(updates.map((e) => (e.type === 'state.update' ? e.slice : ''))).toEqual(['a', 'b', 'a'])
      expect(sse.events.map((e) => e.type)).toContain('execution.status')
      const { c: _c, ...rest } = await host.state()
      expect(mirrorOf(sse).state).toEqual(rest)
      expect(await host.state('?slices=a,b')).toEqual(rest)
      await sse.close()
    }
  })

  test('keeps the stream open over a reload, with a reset state.initial that is an entry with its own seq', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'patchscope-events-'))
    try {
      const path = join(dir, 'runtime.mjs')
      await copyFile(fixture('bus-runtime.mjs'), path)
      const host = await startTestHost({ runtime: path })
      onTestFinished(() => host.close())
      const sse = await host.events()
      const filtered = await host.events('?slices=a')
      // The state.initial the stream starts with: the last entry when it connected.
      const start = host.host.history.lastSeq
      const before = await dispatchAll(host, increments(3))
      const res = await host.fetch('/runtime', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ path })
      })
      expect(res.status).toBe(200)
      const reset = await sse.waitFor<StateInitialEvent & Received>((e) => e.type === 'state.initial' && e.reset === true)
      expect(reset.seq).toBe(before + 1)
      expect(reset.frame.id).toBe(String(before + 1))
      expect(reset.slices).toEqual({ a: 0, b: { list: [] }, c: 'c' })
      const cut = await filtered.waitFor<StateInitialEvent & Received>((e) => e.type === 'state.initial' && e.reset === true)
      expect(cut).toMatchObject({ seq: before + 1, slices: { a: 0 } })
      expect(Object.keys(cut.slices)).toEqual(['a'])
      const last = await dispatchAll(host, increments(2))
      await sse.waitForSeq(last)
      expect(seqsOf(sse.events)).toEqual(range(start, last))
      expect(sse.events.find((e) => 'seq' in e)).toMatchObject({ type: 'state.initial', seq: start })
      expect(mirrorOf(sse).state).toEqual(await host.state())
      expect(host.host.history.event(before + 1)).toMatchObject({ type: 'state.initial', reset: true })
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  test('sends heartbeats without an id', async () => {
    const host = plain
    const sse = await host.events()
    const beat = await sse.waitFor((e) => e.type === 'heartbeat')
    expect(beat.frame.id).toBeUndefined()
    expect(beat.frame.event).toBe('heartbeat')
    expect(typeof beat.timestamp).toBe('number')
  })

  test('ends every open stream when the server closes', async () => {
    const host = await startTestHost()
    const sse = await host.events()
    await sse.waitFor((e) => e.type === 'state.initial')
    await host.server.close()
    await sse.done
    await expect(sse.waitFor((e) => e.type === 'heartbeat')).rejects.toThrow(/the stream ended|terminated/)
    await host.host.close()
  })

  test('answers 400 in JSON to a Last-Event-ID or ?since that is not a whole number', async () => {
    const host = plain
    for (const [query, headers] of [
      ['', { 'last-event-id': 'abc' }],
      ['?since=-1', {}],
      ['?since=1.5', {}],
      ['?since=99999999999999999999', {}]
    ] as const) {
      const res = await host.fetch(`/events${query}`, { headers })
      expect(res.status).toBe(400)
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/whole number/)
    }
  })
})
