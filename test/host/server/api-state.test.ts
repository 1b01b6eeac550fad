import { afterEach, describe, expect, test } from 'vitest'
import type { HistoryEvent, Slices } from '../../../src/shared/protocol'
import { fixture, startTestHost, type TestHost } from '../../helpers/host'
import { Mirror } from '../../helpers/mirror'

let h: TestHost | undefined

afterEach(async () => {
  await h?.close()
  h = undefined
})

async function start(options: Parameters<typeof startTestHost>[0] = {}): Promise<TestHost> {
  h = await startTestHost({ runtime: fixture('bus-runtime.mjs'), ...options })
  expect(h.loadError).toBeUndefined()
  return h
}

/** Varied actions: values, patches, removals and re-additions, statuses and custom events. */
function action(i: number): unknown {
  switch (i % 6) {
    case 0:
      return { type: 'increment' }
    case 1:
      return { type: 'push', payload: { item: { i, 'k/~': [i] } } }
    case 2:
      return { type: 'remove', payload: { slice: 'c' } }
    case 3:
      return { type: 'set', payload: { slice: 'c', value: i % 4 === 0 ? [i] : { i } } }
    case 4:
      return { type: 'status', payload: { status: 'running', executionId: `e${i}` } }
    default:
      return { type: 'custom', payload: { i } }
  }
}

describe('GET /state', () => {
  test('gives the runtime state, encoded as on the wire, and only the slices asked for', async () => {
    const host = await start()
    await host.dispatch({ type: 'set', payload: { slice: 'c', value: { $only: 1 } } })
    expect(await host.state()).toEqual({ a: 0, b: { list: [] }, c: { $object: { $only: 1 } } })
    expect(await host.state('?slices=a,c,missing')).toEqual({ a: 0, c: { $object: { $only: 1 } } })
    expect(await host.state('?slices=b&slices=a')).toEqual({ a: 0, b: { list: [] } })
  })

  test('gives the state right after every retained entry for ?at=SEQ, as a replay from the start does', async () => {
    // Each action below is two entries written at once (its input note, then its one entry), and
    // the oldest entries fold into the base a segment at a time, when one more would pass the bound:
    // an even bound folds right before an input note, never between the two, so a client that has
    // read each action's last entry has read every entry folded.
    const host = await start({ limits: { maxEntries: 24 } })
    const sse = await host.events('?since=0')
    const mirror = new Mirror()
    const states = new Map<number, Slices>()
    const record = (): void => {
      for (const e of sse.entries) {
        if (mirror.seq !== undefined && e.seq <= mirror.seq) continue
        mirror.apply(e as HistoryEvent)
        states.set(e.seq, mirror.state)
      }
    }
    await sse.waitFor((e) => e.type === 'state.initial')
    record()
    for (let i = 0; i < 90; i++) {
      const lastSeq = host.host.history.lastSeq
      const res = await host.dispatch(action(i))
      expect(res.status).toBe(200)
      expect(res.body.seq).toBe(lastSeq + 2)
      // Waited on one by one, so that the client never falls behind what the history retains.
      await sse.waitForSeq(res.body.seq as number)
      record()
    }
    expect(sse.events.some((e) => e.type === 'state.initial' && e.gap === true)).toBe(false)
    const { baseSeq, lastSeq } = host.host.history
    expect(baseSeq).toBeGreaterThan(0)
    for (let seq = baseSeq; seq <= lastSeq; seq++) {
      expect(await host.state(`?at=${seq}`), `state at ${seq}`).toEqual(states.get(seq))
    }
    const { b: _b, ...withoutB } = states.get(lastSeq) as Slices
    expect(await host.state(`?at=${lastSeq}&slices=a,c`)).toEqual(withoutB)
    expect(await host.state()).toEqual(states.get(lastSeq))
  })

  test('answers 404 in JSON for ?at= outside the retained range, and 400 for one that is not a seq', async () => {
    const host = await start({ limits: { maxEntries: 5 } })
    for (let i = 0; i < 20; i++) await host.dispatch({ type: 'increment' })
    const { baseSeq, lastSeq } = host.host.history
    for (const at of [baseSeq - 1, 0, lastSeq + 1, 10 ** 15]) {
      const res = await host.fetch(`/state?at=${at}`)
      expect(res.status, `?at=${at}`).toBe(404)
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/not retained/)
    }
    for (const at of ['-1', 'x', '1.5', '']) {
      const res = await host.fetch(`/state?at=${at}`)
      expect(res.status, `?at=${at}`).toBe(400)
      expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    }
  })

  test('answers 503 while the runtime does not answer, and the state once it does again', async () => {
    const host = await start({ server: { stateTimeoutMs: 100, actionTimeoutMs: 50 } })
    const sse = await host.events()
    await sse.waitFor((e) => e.type === 'state.initial')
    const busy = await host.dispatch({ type: 'spin', payload: { ms: 800 } })
    expect(busy.status).toBe(202)
    const res = await host.fetch('/state')
    expect(res.status).toBe(503)
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/did not answer/)
    expect(await host.getJson('/runtime')).toMatchObject({ status: 'loaded', responsive: false })
    // The history answers all the same.
    expect(await host.state(`?at=${host.host.history.lastSeq}`)).toEqual({ a: 0, b: { list: [] }, c: 'c' })
    await sse.waitFor((e) => e.type === 'state.update' && e.cause.type === 'spin')
    expect(await host.state()).toMatchObject({ a: 1 })
    expect(await host.getJson('/runtime')).toMatchObject({ status: 'loaded', responsive: true })
  })

  test('gives the recorded state when no runtime runs', async () => {
    h = await startTestHost()
    expect(await h.state()).toEqual({})
    expect((await h.getJson<{ status: string }>('/runtime')).status).toBe('none')
    const res = await h.dispatch({ type: 'increment' })
    expect(res.status).toBe(409)
    expect(res.body.error?.message).toMatch(/no runtime/)
  })
})
