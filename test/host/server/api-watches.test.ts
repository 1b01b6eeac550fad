import { afterEach, describe, expect, test } from 'vitest'
import type { RuntimeInfo } from '../../../src/shared/protocol'
import type { WatchesInfo, WatchHitsPage, WatchInfo } from '../../../src/shared/watches'
import { fixture, startTestHost, type TestHost } from '../../helpers/host'

let h: TestHost | undefined

afterEach(async () => {
  await h?.close()
  h = undefined
})

async function send(t: TestHost, method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await t.fetch(path, {
    method,
    ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {})
  })
  const text = await res.text()
  return { status: res.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) }
}

const message = (r: { body: Record<string, unknown> }): string => (r.body.error as { message: string }).message

describe('the watch routes', () => {
  test('add, list, give hits newest first, and remove a watch', async () => {
    h = await startTestHost({ runtime: fixture('bus-runtime.mjs') })
    const t = h
    expect(await t.getJson<WatchesInfo>('/watches')).toEqual({
      watches: [],
      breaks: { actionTypes: [], failedExecution: false, runtimeError: false }
    })
    const added = await send(t, 'POST', '/watches', { text: '/a   changed' })
    expect(added.status).toBe(201)
    const w = added.body as unknown as WatchInfo
    expect(w).toMatchObject({ text: '/a', pause: false, hits: 0, scan: { total: expect.any(Number) } })
    // The seq of each increment's change (each comes after its input note, which the watch does not hit).
    const changes: number[] = []
    for (let i = 0; i < 3; i++) changes.push((await t.dispatch({ type: 'increment' })).body.seq as number)
    expect(changes.at(-1)).toBe(t.host.history.lastSeq)
    const list = await t.getJson<WatchesInfo>('/watches')
    expect(list.watches).toEqual([expect.objectContaining({ id: w.id, hits: 3, scan: expect.objectContaining({ state: 'done' }) })])
    const page = await t.getJson<WatchHitsPage>(`/watches/${w.id}/hits?limit=2`)
    expect(page.hits.map((x) => x.seq)).toEqual([changes[2], changes[1]])
    expect(page.hits[0]).toEqual({ seq: changes[2], path: '/a', before: 2, after: 3 })
    expect(page).toMatchObject({ total: 3, unlisted: 0, next: changes[1] })
    const rest = await t.getJson<WatchHitsPage>(`/watches/${w.id}/hits?before=${page.next}`)
    expect(rest.hits.map((x) => x.seq)).toEqual([changes[0]])
    expect((await send(t, 'DELETE', `/watches/${w.id}`)).status).toBe(204)
    expect((await t.getJson<WatchesInfo>('/watches')).watches).toEqual([])
  })

  test('refuses what it cannot use, naming what is wrong', async () => {
    h = await startTestHost()
    const t = h
    const bad = await send(t, 'POST', '/watches', { text: '/a >' })
    expect(bad.status).toBe(400)
    expect(message(bad)).toMatch(/the watch cannot be read: .* at column \d+/)
    expect((await send(t, 'POST', '/watches', { text: 3 })).status).toBe(400)
    expect((await send(t, 'POST', '/watches', { text: '/a', pause: 'yes' })).status).toBe(400)
    const raw = await t.fetch('/watches', { method: 'POST', body: '{"text":"/a"}' })
    expect(raw.status).toBe(415)
    const gone = await send(t, 'DELETE', '/watches/w404')
    expect(gone.status).toBe(404)
    expect(message(gone)).toMatch(/no watch "w404"/)
    expect((await send(t, 'GET', '/watches/w404/hits')).status).toBe(404)
    expect((await send(t, 'POST', '/watches/w404/cancel')).status).toBe(404)
    const w = (await send(t, 'POST', '/watches', { text: '/a' })).body as unknown as WatchInfo
    expect(message(await send(t, 'GET', `/watches/${w.id}/hits?limit=0`))).toMatch(/\?limit must be a whole number of 1 or more/)
    expect(message(await send(t, 'GET', `/watches/${w.id}/hits?before=x`))).toMatch(/\?before/)
    const breaks = await send(t, 'PUT', '/breaks', { actionTypes: [1] })
    expect(breaks.status).toBe(400)
    expect(message(breaks)).toMatch(/actionTypes/)
    expect((await send(t, 'PUT', '/breaks', { runtimeError: 'yes' })).status).toBe(400)
    // No runtime to drive.
    for (const path of ['/runtime/continue', '/runtime/step', '/runtime/pause']) {
      const r = await send(t, 'POST', path)
      expect(r.status).toBe(409)
      expect(message(r)).toMatch(/no runtime is loaded/)
    }
  })

  test('need the token', async () => {
    h = await startTestHost()
    for (const path of ['/watches', '/watches/w1/hits', '/breaks']) {
      expect((await fetch(h.url(path))).status).toBe(401)
    }
    expect((await fetch(h.url('/runtime/continue'), { method: 'POST' })).status).toBe(401)
  })

  test('a cancelled scan says so', async () => {
    h = await startTestHost({ runtime: fixture('bus-runtime.mjs') })
    const w = (await send(h, 'POST', '/watches', { text: '/a' })).body as unknown as WatchInfo
    const cancelled = await send(h, 'POST', `/watches/${w.id}/cancel`)
    expect(cancelled.status).toBe(200)
    // A short history may be scanned already: then there is nothing to cancel.
    expect(['cancelled', 'done']).toContain((cancelled.body.scan as { state: string }).state)
  })
})

describe('breaks and the pause, through the API and on the stream', () => {
  test('a pausing watch pauses the runtime: the stream says where and why, GET /state answers, continue goes on', async () => {
    h = await startTestHost({ runtime: fixture('pausable.mjs') })
    const t = h
    const stream = await t.events()
    await stream.waitFor((e) => (e.type as string) === 'runtime')
    const w = (await send(t, 'POST', '/watches', { text: '/ticks == 20', pause: true })).body as unknown as WatchInfo
    const pausedEvent = await stream.waitFor((e) => (e.type as string) === 'runtime' && 'paused' in e)
    const info = pausedEvent as unknown as RuntimeInfo
    expect(info.paused).toEqual({ seq: expect.any(Number), by: { kind: 'watch', id: w.id, text: '/ticks == 20', path: '/ticks' } })
    expect((await t.getJson<RuntimeInfo>('/runtime')).paused).toEqual(info.paused)
    expect((await t.state()).ticks).toBe(20)
    const counted = await stream.waitFor(
      (e) => (e.type as string) === 'watches' && (e as unknown as WatchesInfo).watches.some((x) => x.id === w.id && x.hits === 1)
    )
    expect(counted).toBeDefined()
    expect((await send(t, 'PUT', '/breaks', { actionTypes: ['add'] })).body).toEqual({
      actionTypes: ['add'],
      failedExecution: false,
      runtimeError: false
    })
    const stepped = await send(t, 'POST', '/runtime/step')
    expect(stepped.status).toBe(200)
    const step = (await stream.waitFor(
      (e) => (e.type as string) === 'runtime' && (e as unknown as RuntimeInfo).paused?.by.kind === 'step'
    )) as unknown as RuntimeInfo
    expect(step.paused?.seq).toBe((info.paused?.seq as number) + 1)
    expect((await send(t, 'DELETE', `/watches/${w.id}`)).status).toBe(204)
    const mark = stream.events.length
    const resumed = await send(t, 'POST', '/runtime/continue')
    expect(resumed.status).toBe(200)
    expect(resumed.body.paused).toBeUndefined()
    expect((await send(t, 'POST', '/runtime/continue')).status).toBe(409)
    await stream.waitFor((e) => (e.type as string) === 'runtime' && !('paused' in e), mark)
    const late = await t.events()
    const first = await late.waitFor((e) => (e.type as string) === 'runtime')
    expect('paused' in first).toBe(false)
  })

  test('POST /runtime/pause pauses a running runtime after its next entry', async () => {
    h = await startTestHost({ runtime: fixture('pausable.mjs') })
    const r = await send(h, 'POST', '/runtime/pause')
    expect(r.status).toBe(202)
    const info = await waitRuntime(h, (i) => i.paused !== undefined)
    expect(info.paused?.by).toEqual({ kind: 'request' })
    expect((await send(h, 'POST', '/runtime/continue')).status).toBe(200)
  })
})

async function waitRuntime(t: TestHost, ok: (i: RuntimeInfo) => boolean): Promise<RuntimeInfo> {
  const stream = await t.events()
  return (await stream.waitFor((e) => (e.type as string) === 'runtime' && ok(e as unknown as RuntimeInfo))) as unknown as RuntimeInfo
}
