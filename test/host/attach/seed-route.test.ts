import { afterEach, describe, expect, test } from 'vitest'
import { Host } from '../../../src/host/host'
import { AttachRefused, checkAttachUrl } from '../../../src/host/attach'
import { attachNotes, entries, head, until } from './recorded'
import { startSource, type SourceServer } from './source-server'

let host: Host
let source: SourceServer
let logs: string[]

async function attached(headers: Record<string, string> = {}): Promise<void> {
  logs = []
  host = (await Host.create({ log: (t) => logs.push(t) })).host
  await host.attach({ url: checkAttachUrl(source.url), headers }, { backoff: { firstMs: 1, maxMs: 4 } })
}

afterEach(async () => {
  await host?.close()
  await source?.close()
})

const initial = (slices: unknown, id = 1) => ({ event: 'state.initial', id, data: { type: 'state.initial', slices, timestamp: 1 } })
const update = (id: number, slice: string, change: object, cause = { type: 'inc' }) => ({
  event: 'state.update',
  id,
  data: { type: 'state.update', slice, ...change, cause, timestamp: 2 }
})

describe("attaching to the seed's events route", () => {
  test('detects the protocol, records its entries with the host own seqs, and says it is live', async () => {
    source = await startSource()
    await attached()
    // The source answered (attach waits for that), but has sent nothing yet to tell its protocol.
    expect(host.runtimeInfo).toMatchObject({
      status: 'attached',
      attach: { state: 'live', protocol: null, url: source.url, connections: 1 }
    })
    const c = await source.next()
    expect(c.headers.accept).toBe('text/event-stream')
    c.send({ event: 'heartbeat', data: { type: 'heartbeat', timestamp: 0 } })
    c.send(initial({ counter: { n: 0 }, log: [] }))
    c.send(update(2, 'counter', { patches: [{ op: 'replace', path: '/n', value: 1 }] }, { type: 'inc', id: 'a1', payload: 1 } as never))
    c.send({ event: 'execution.status', id: 3, data: { type: 'execution.status', status: 'started', executionId: 'e1', timestamp: 3 } })
    c.send({ event: 'custom-event', id: 4, data: { type: 'custom-event', data: { hello: 'world' }, timestamp: 4 } })
    c.send(update(5, 'log', { value: ['x'] }))
    await until(host, () => host.history.lastSeq >= 5)
    expect(host.runtimeInfo).toMatchObject({ status: 'attached', attach: { state: 'live', protocol: 'seed', connections: 1 } })
    const got = entries(host)
    expect(got.map((e) => [e.seq, e.type])).toEqual([
      [1, 'state.initial'],
      [2, 'state.update'],
      [3, 'execution.status'],
      [4, 'custom-event'],
      [5, 'state.update']
    ])
    expect(got[1]).toMatchObject({
      slice: 'counter',
      patches: [{ op: 'replace', path: '/n', value: 1 }],
      cause: { type: 'inc', id: 'a1', payload: 1 }
    })
    expect(got[2]).toMatchObject({ status: 'started', executionId: 'e1' })
    expect(got[3]).toMatchObject({ data: { hello: 'world' } })
    expect(head(host)).toEqual({ counter: { n: 1 }, log: ['x'] })
  })

  test('a connection dropped mid-stream is noted, resumed with Last-Event-ID, and nothing is lost or repeated', async () => {
    source = await startSource()
    await attached()
    const c = await source.next()
    c.send(initial({ counter: { n: 0 } }, 10))
    c.send(update(11, 'counter', { patches: [{ op: 'replace', path: '/n', value: 1 }] }))
    await until(host, () => host.history.lastSeq >= 2)
    c.write('event: state.update\nid: 12\ndata: {"type":"state.upd') // cut in the middle of a frame
    c.drop()
    const c2 = await source.next()
    expect(c2.headers['last-event-id']).toBe('11')
    // A source that resumes sends no state.initial: the next entries follow on.
    c2.send(update(12, 'counter', { patches: [{ op: 'replace', path: '/n', value: 2 }] }))
    await until(host, () => head(host).counter !== undefined && (head(host).counter as { n: number } | undefined)?.n === 2)
    expect(attachNotes(host).map((n) => n.event)).toEqual(['lost', 'resumed'])
    expect(entries(host).filter((e) => e.type === 'state.initial')).toHaveLength(1)
    expect(host.runtimeInfo.attach).toMatchObject({ state: 'live', connections: 2 })
  })

  test('a source that does not resume sends its state again: a reset marked in the timeline, and the state starts from it', async () => {
    source = await startSource()
    await attached()
    const c = await source.next()
    c.send(initial({ counter: { n: 0 } }, 1))
    c.send(update(2, 'counter', { patches: [{ op: 'replace', path: '/n', value: 1 }] }))
    await until(host, () => host.history.lastSeq >= 2)
    c.end()
    const c2 = await source.next()
    c2.send(initial({ counter: { n: 7 } }, 1)) // the seed's ids start again at 1 on each connection
    await until(host, () => attachNotes(host).some((n) => n.event === 'reset'))
    await until(host, () => (head(host).counter as { n: number } | undefined)?.n === 7)
    const last = entries(host).at(-1)
    expect(last).toMatchObject({ type: 'state.initial', reset: true, slices: { counter: { n: 7 } } })
    expect(attachNotes(host).map((n) => n.event)).toEqual(['lost', 'reset'])
    expect(attachNotes(host)[1]?.message).toMatch(/does not resume/)
  })

  test('a patch that does not apply is noted, the slice held as it was (later patches too), and its next whole value repairs it', async () => {
    source = await startSource()
    await attached()
    const c = await source.next()
    c.send(initial({ counter: { n: 0 }, other: { x: 1 } }))
    c.send(update(2, 'counter', { patches: [{ op: 'replace', path: '/missing/deep', value: 1 }] }))
    c.send(update(3, 'counter', { patches: [{ op: 'replace', path: '/n', value: 5 }] }))
    c.send(update(4, 'other', { patches: [{ op: 'replace', path: '/x', value: 2 }] }))
    c.send(update(5, 'counter', { value: { n: 9 } }))
    c.send(update(6, 'counter', { patches: [{ op: 'replace', path: '/n', value: 10 }] }))
    await until(host, () => (head(host).counter as { n: number } | undefined)?.n === 10)
    const notes = attachNotes(host)
    expect(notes.map((n) => n.event)).toEqual(['delta-not-applied', 'delta-not-applied'])
    expect(notes[0]?.message).toMatch(/slice "counter" does not apply \(.*\/missing\/deep/)
    expect(notes[1]?.message).toMatch(/out of step/)
    // Between the bad patch and the repair, the recorded state of the slice is what it was.
    const seqOfValue = entries(host).find((e) => e.type === 'state.update' && e.slice === 'counter' && 'value' in e)?.seq as number
    expect(host.history.stateAt(seqOfValue - 1)).toEqual({ counter: { n: 0 }, other: { x: 2 } })
    expect(head(host)).toEqual({ counter: { n: 10 }, other: { x: 2 } })
  })

  test('sends the headers given with every request; a source that refuses them is not attached, and the reason names the header', async () => {
    source = await startSource({
      refuse: (h) => (h.authorization === 'Bearer right-secret' ? undefined : { status: 401, body: '{"error":{"message":"bad token"}}' })
    })
    logs = []
    host = (await Host.create({ log: (t) => logs.push(t) })).host
    const refused = await host
      .attach({ url: checkAttachUrl(source.url), headers: { Authorization: 'Bearer wrong-secret' } })
      .catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(AttachRefused)
    expect((refused as Error).message).toBe(
      `cannot attach to ${source.url}: the source answered 401 Unauthorized: bad token — check the header Authorization (its credentials) (nothing was changed)`
    )
    expect(host.runtimeInfo).toEqual({ path: null, name: null, status: 'none' })
    expect(source.requests).toBe(1)
    await host.attach({ url: checkAttachUrl(source.url), headers: { Authorization: 'Bearer right-secret' } })
    const c = await source.next()
    expect(c.headers.authorization).toBe('Bearer right-secret')
    c.send(initial({ a: 1 }))
    await until(host, (info) => info.attach?.protocol === 'seed')
    // The header's value is nowhere but in the request: not in what the host shows, records, logs or refuses with.
    const everything = JSON.stringify([host.runtimeInfo, entries(host), logs, (refused as Error).message])
    expect(everything).not.toContain('secret')
  })

  test('once attached, a source that starts refusing the headers on a reconnect is given up on, saying why', async () => {
    let n = 0
    source = await startSource({ refuse: () => (++n >= 2 ? { status: 401, body: '{"error":{"message":"token expired"}}' } : undefined) })
    await attached({ Authorization: 'Bearer x' })
    const c = await source.next()
    c.send(initial({ a: 1 }))
    await until(host, (info) => info.attach?.protocol === 'seed')
    c.drop()
    await until(host, (info) => info.attach?.state === 'failed')
    expect(host.runtimeInfo).toMatchObject({
      status: 'attached',
      attach: { state: 'failed', error: 'the source answered 401 Unauthorized: token expired', connections: 2 }
    })
    expect(source.requests).toBe(2)
    expect(attachNotes(host).map((n) => n.event)).toEqual(['lost'])
  })

  test('reconnects with backoff after a lost connection, and a server error on a reconnect is not given up on', async () => {
    let n = 0
    // The first request streams; the two after it are refused with 503, the fourth streams again.
    source = await startSource({ refuse: () => (++n === 2 || n === 3 ? { status: 503, body: 'starting' } : undefined) })
    await attached()
    const c = await source.next()
    c.send(initial({ a: 1 }))
    await until(host, (info) => info.attach?.protocol === 'seed')
    c.end()
    const c2 = await source.next()
    expect(source.requests).toBe(4)
    c2.send(initial({ a: 2 }))
    await until(host, (info) => info.attach?.state === 'live' && (head(host).a as number | undefined) === 2)
    expect(logs.join('')).toMatch(/the source ended the stream; reconnecting in 1 ms/)
    // The wait doubles at each failed connection, from the first wait after the lost one.
    expect(logs.join('')).toMatch(/the source answered 503 Service Unavailable: starting; reconnecting in 2 ms/)
    expect(logs.join('')).toMatch(/the source answered 503 Service Unavailable: starting; reconnecting in 4 ms/)
    expect(host.runtimeInfo.attach).toMatchObject({ state: 'live', connections: 4 })
  })

  test('a source that is not an event stream is not attached; one that streams events it does not know is given up on, with the reason', async () => {
    source = await startSource({ contentType: 'text/html' })
    host = (await Host.create({ log: () => undefined })).host
    await expect(host.attach({ url: checkAttachUrl(source.url), headers: {} })).rejects.toThrow(
      `cannot attach to ${source.url}: the source answered text/html, not an event stream (text/event-stream) — check that the URL is the app's events route (nothing was changed)`
    )
    expect(host.runtimeInfo.status).toBe('none')
    expect(host.history.lastSeq).toBe(0)
    await host.close()
    await source.close()
    source = await startSource()
    host = (await Host.create({ log: () => undefined })).host
    await host.attach({ url: checkAttachUrl(source.url), headers: {} })
    const c = await source.next()
    for (let i = 0; i < 50; i++) c.send({ event: 'tick', data: { type: 'tick' } })
    await until(host, (info) => info.attach?.state === 'failed')
    expect(host.runtimeInfo.attach?.error).toBe("its first 50 events are neither the seed's events route nor AG-UI")
  })

  test('loading a module or detaching ends the attachment; nothing is recorded after it', async () => {
    source = await startSource()
    await attached()
    const c = await source.next()
    c.send(initial({ a: 1 }))
    await until(host, () => host.history.lastSeq >= 1)
    const before = host.history.lastSeq
    c.send(update(2, 'a', { value: 2 }))
    expect(await host.detach()).toBe(true)
    expect(host.runtimeInfo).toEqual({ path: null, name: null, status: 'none' })
    // The detach closes the connection: once the source sees it closed, nothing more can come of it.
    await c.closed
    expect(host.history.lastSeq).toBeLessThanOrEqual(before + 1)
    const settled = host.history.lastSeq
    expect(await host.detach()).toBe(false)
    expect(host.history.lastSeq).toBe(settled)
  })

  test('loading a module ends the attachment, even one that fails to load; an attached stream is not reloaded', async () => {
    source = await startSource()
    await attached()
    const c = await source.next()
    c.send(initial({ a: 1 }))
    await until(host, () => host.history.lastSeq >= 1)
    expect(await host.reloadRuntime()).toEqual({ ok: false, error: expect.stringMatching(/attached, not a module/) as unknown })
    const load = await host.loadRuntime('/nowhere/missing.mjs')
    expect(load.ok).toBe(false)
    await c.closed
    expect(host.runtimeInfo.status).toBe('failed')
    expect(host.runtimeInfo.attach).toBeUndefined()
  })
})
