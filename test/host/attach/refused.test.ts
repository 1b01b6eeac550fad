/**
 * An attach is decided by the source's first answer: refused, unreachable, not an event stream or
 * silent, it is refused with the reason and nothing changes (the runtime keeps running and
 * recording, nothing of the source is recorded); answered with a stream, the runtime stops and
 * that same response is read (one request, not two).
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, test } from 'vitest'
import { Host } from '../../../src/host/host'
import { AttachRefused, checkAttachUrl, type AttachTarget } from '../../../src/host/attach'
import { fixture } from '../../helpers/host'
import { entries, head, until } from './recorded'
import { startSource, type SourceServer } from './source-server'

let host: Host | undefined
let source: SourceServer | undefined
let other: Server | undefined

afterEach(async () => {
  await host?.close()
  await source?.close()
  if (other !== undefined) {
    other.closeAllConnections()
    await new Promise((resolve) => other?.close(resolve))
  }
  host = source = other = undefined
})

/** A host running the bus fixture, with one increment recorded. */
async function loaded(): Promise<Host> {
  const created = await Host.create({ runtime: fixture('bus-runtime.mjs'), log: () => undefined })
  if (created.error !== undefined) throw new Error(created.error)
  host = created.host
  await host.dispatch({ type: 'increment', payload: null }, 5_000)
  expect(head(host)).toMatchObject({ a: 1 })
  return host
}

const target = (url: string, headers: Record<string, string> = {}): AttachTarget => ({ url: checkAttachUrl(url), headers })

/** Attaches, expecting a refusal; its message. */
async function refusal(h: Host, to: AttachTarget, options: { probeTimeoutMs?: number } = {}): Promise<string> {
  const changes: unknown[] = []
  const off = h.onRuntimeChange((info) => changes.push(info))
  const e = await h.attach(to, options).then(
    () => undefined,
    (err: unknown) => err
  )
  off()
  expect(e).toBeInstanceOf(AttachRefused)
  // Nothing was said to change: the window is told nothing.
  expect(changes).toEqual([])
  return (e as Error).message
}

/** The runtime runs as before: loaded, its history as it was, and it still takes a dispatch. */
async function stillRunning(h: Host, history: unknown): Promise<void> {
  expect(h.runtimeInfo).toMatchObject({ status: 'loaded', path: fixture('bus-runtime.mjs') })
  expect(h.runtimeInfo.attach).toBeUndefined()
  expect(entries(h)).toEqual(history)
  const outcome = await h.dispatch({ type: 'increment', payload: null }, 5_000)
  expect(outcome.settled).toBe(true)
  expect(head(h)).toMatchObject({ a: 2 })
}

/** An HTTP server on a free port that takes requests and never answers them. */
async function silentServer(): Promise<string> {
  other = createServer(() => undefined)
  await new Promise<void>((resolve) => other?.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(other.address() as AddressInfo).port}/events`
}

/** A URL where nothing listens: a port that was free a moment ago. */
async function closedPort(): Promise<string> {
  const s = createServer()
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))
  const { port } = s.address() as AddressInfo
  await new Promise((resolve) => s.close(resolve))
  return `http://127.0.0.1:${port}/events`
}

describe('an attach the source does not answer with a stream leaves the runtime running', () => {
  test('401: refused naming the status, the reason the source gave and the header to check; history unchanged, the runtime still dispatchable', async () => {
    const h = await loaded()
    source = await startSource({ refuse: () => ({ status: 401, body: '{"error":{"message":"bad token"}}' }) })
    const history = entries(h)
    const message = await refusal(h, target(source.url, { Authorization: 'Bearer wrong-secret' }))
    expect(message).toBe(
      `cannot attach to ${source.url}: the source answered 401 Unauthorized: bad token — check the header Authorization (its credentials) (nothing was changed)`
    )
    expect(message).not.toContain('secret')
    expect(source.requests).toBe(1)
    await stillRunning(h, history)
  })

  test('401 with no header given: says it wants credentials', async () => {
    const h = await loaded()
    source = await startSource({ refuse: () => ({ status: 401, body: '' }) })
    expect(await refusal(h, target(source.url))).toBe(
      `cannot attach to ${source.url}: the source answered 401 Unauthorized — it wants credentials: add a header, e.g. Authorization: Bearer … (nothing was changed)`
    )
  })

  test('connection refused: says it could not be reached and why; the runtime keeps running', async () => {
    const h = await loaded()
    const history = entries(h)
    const url = await closedPort()
    const message = await refusal(h, target(url))
    expect(message).toMatch(
      new RegExp(
        `^cannot attach to ${url}: it could not be reached \\(connect ECONNREFUSED 127\\.0\\.0\\.1:\\d+\\) — check the URL, and that the app is running \\(nothing was changed\\)$`
      )
    )
    await stillRunning(h, history)
  })

  test('a source that takes the request and never answers: refused once the wait is over', async () => {
    const h = await loaded()
    const history = entries(h)
    const url = await silentServer()
    expect(await refusal(h, target(url), { probeTimeoutMs: 200 })).toBe(
      `cannot attach to ${url}: the source did not answer within 200 ms — check the URL, and that the app is running (nothing was changed)`
    )
    await stillRunning(h, history)
  })

  test('not found, not a stream, not ready: each refused with what to check', async () => {
    const h = await loaded()
    const history = entries(h)
    source = await startSource({ refuse: () => ({ status: 404, body: 'no such route' }) })
    expect(await refusal(h, target(source.url))).toBe(
      `cannot attach to ${source.url}: the source answered 404 Not Found: no such route — check the URL's path (the app's events route) (nothing was changed)`
    )
    await source.close()
    source = await startSource({ contentType: 'application/json' })
    expect(await refusal(h, target(source.url))).toMatch(
      /the source answered application\/json, not an event stream \(text\/event-stream\)/
    )
    await source.close()
    source = await startSource({ refuse: () => ({ status: 503, body: 'starting' }) })
    expect(await refusal(h, target(source.url))).toBe(
      `cannot attach to ${source.url}: the source answered 503 Service Unavailable: starting — try again once the source is up (nothing was changed)`
    )
    // None of them was asked again: a refused attach does not retry.
    expect(source.requests).toBe(1)
    await stillRunning(h, history)
  })

  test('a stream already attached stays attached and recording when another attach is refused', async () => {
    host = (await Host.create({ log: () => undefined })).host
    const h = host
    source = await startSource()
    await h.attach(target(source.url), { backoff: { firstMs: 1, maxMs: 4 } })
    const c = await source.next()
    c.send({ event: 'state.initial', id: 1, data: { type: 'state.initial', slices: { n: 0 }, timestamp: 1 } })
    await until(h, (info) => info.attach?.protocol === 'seed')
    const url = await closedPort()
    await refusal(h, target(url))
    expect(h.runtimeInfo).toMatchObject({ status: 'attached', path: source.url, attach: { state: 'live', protocol: 'seed' } })
    c.send({ event: 'state.update', id: 2, data: { type: 'state.update', slice: 'n', value: 1, cause: { type: 'inc' }, timestamp: 2 } })
    await until(h, () => head(h).n === 1)
  })
})

describe('a source that answers with a stream', () => {
  test('stops the runtime, records a reset from the stream, and reads the response it was asked with (one request)', async () => {
    const h = await loaded()
    const before = h.history.lastSeq
    source = await startSource()
    const info = await h.attach(target(source.url))
    expect(info).toMatchObject({ status: 'attached', path: source.url, attach: { state: 'live', protocol: null, connections: 1 } })
    expect(h.runtime.info.status).toBe('attached')
    const c = await source.next()
    c.send({ event: 'state.initial', id: 1, data: { type: 'state.initial', slices: { remote: true }, timestamp: 1 } })
    await until(h, () => head(h).remote === true)
    expect(source.requests).toBe(1)
    expect(entries(h).slice(before)).toEqual([
      expect.objectContaining({ type: 'state.initial', reset: true, slices: { remote: true } }) as unknown
    ])
    // The runtime is stopped: there is nothing to dispatch to.
    await expect(h.dispatch({ type: 'increment', payload: null }, 1_000)).rejects.toThrow()
  })
})
