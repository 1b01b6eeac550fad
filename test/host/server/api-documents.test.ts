import { Hono } from 'hono'
import { afterEach, describe, expect, test } from 'vitest'
import { createDocumentRoutes } from '../../../src/host/server/document-routes'
import { onError } from '../../../src/host/server/errors'
import { readDocumentHead, type DocumentHead } from '../../../src/shared/document'
import type { HistoryEvent, Slices } from '../../../src/shared/protocol'
import { applyEvent, newEdit } from '../../../src/shared/state'
import { fixture, startTestHost, type TestHost } from '../../helpers/host'

const hosts: TestHost[] = []

afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.close()))
})

async function start(): Promise<TestHost> {
  const host = await startTestHost({ runtime: fixture('bus-runtime.mjs') })
  hosts.push(host)
  expect(host.loadError).toBeUndefined()
  return host
}

async function set(host: TestHost, slice: string, value: unknown): Promise<void> {
  expect((await host.dispatch({ type: 'set', payload: { slice, value } })).status).toBe(200)
}

/** `POST /documents` with `body`: the status, and the head and the events when it answered 200, else the error. */
async function open(
  host: TestHost,
  body: string
): Promise<{ status: number; head?: DocumentHead; events: HistoryEvent[]; error?: string }> {
  const res = await host.fetch('/documents', { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body })
  const text = await res.text()
  if (!res.ok) return { status: res.status, events: [], error: (JSON.parse(text) as { error: { message: string } }).error.message }
  const [first, ...rest] = text.split('\n').filter((l) => l !== '')
  return { status: res.status, head: readDocumentHead(JSON.parse(first as string)), events: rest.map((l) => JSON.parse(l) as HistoryEvent) }
}

function stateOf(events: readonly HistoryEvent[]): Slices {
  let state: Slices = {}
  const owned = newEdit()
  for (const e of events) state = applyEvent(state, e, owned)
  return state
}

describe('POST /documents', () => {
  test('answers the file’s events with the file’s own seqs, and leaves the host’s history and runtime alone', async () => {
    const source = await start()
    await set(source, 'a', 1)
    await set(source, 'b', { list: [1, 2] })
    const file = await (await source.fetch('/history?redact=false')).text()
    const fileEvents = file
      .split('\n')
      .slice(1)
      .filter((l) => l.startsWith('{"type"'))
      .map((l) => JSON.parse(l) as HistoryEvent)

    const host = await start()
    await set(host, 'c', 'live')
    const before = await host.getJson<{ lastSeq?: number }>('/runtime')
    const lastSeq = host.host.history.lastSeq
    const doc = await open(host, file)
    expect(doc.status).toBe(200)
    expect(doc.head).toMatchObject({ events: fileEvents.length, firstSeq: fileEvents[0]?.seq, renumbered: false, complete: true })
    expect(doc.head?.runtime.name).toBe('bus-runtime.mjs')
    expect(doc.events.map((e) => e.seq)).toEqual(fileEvents.map((e) => e.seq))
    expect(doc.events.map((e) => e.type)).toEqual(fileEvents.map((e) => e.type))
    expect(stateOf(doc.events)).toEqual(await source.state())
    // The live session is untouched: same entries, the runtime still loaded, its state its own.
    expect(host.host.history.lastSeq).toBe(lastSeq)
    expect(await host.getJson('/runtime')).toEqual(before)
    expect((await host.state()).c).toBe('live')
  })

  test('a file cut short opens, and says what it holds', async () => {
    const source = await start()
    await set(source, 'a', 7)
    const lines = (await (await source.fetch('/history')).text()).split('\n').filter((l) => l !== '')
    const doc = await open(await start(), `${lines.slice(0, -1).join('\n')}\n`)
    expect(doc.status).toBe(200)
    expect(doc.head?.complete).toBe(false)
    expect(doc.head).toMatchObject({ statement: expect.stringMatching(/^cut short after \d+ events/) })
  })

  test('seqs that are missing or do not follow one another are numbered from 0, and said so', async () => {
    const header = '{"format":"patchscope-session","version":1,"runtime":{"path":null,"name":"x"},"createdAt":"2026-01-01T00:00:00.000Z"}'
    const body = [
      header,
      '{"type":"state.initial","seq":4,"slices":{"a":0},"timestamp":1}',
      '{"type":"state.update","seq":9,"slice":"a","value":1,"cause":{"type":"inc"},"timestamp":2}',
      '{"type":"custom-event","data":{"x":1},"timestamp":3}'
    ].join('\n')
    const doc = await open(await start(), body)
    expect(doc.head).toMatchObject({ firstSeq: 0, renumbered: true, events: 3 })
    expect(doc.events.map((e) => e.seq)).toEqual([0, 1, 2])
    expect(stateOf(doc.events)).toEqual({ a: 1 })
  })

  test('a bad file is refused naming its line, and the host keeps its history', async () => {
    const host = await start()
    await set(host, 'a', 3)
    const lastSeq = host.host.history.lastSeq
    const body = [
      '{"format":"patchscope-session","version":1,"runtime":{"path":null,"name":"x"},"createdAt":""}',
      '{"type":"state.initial","seq":0,"slices":{"a":{}},"timestamp":1}',
      '{"type":"state.update","seq":1,"slice":"a","patches":[{"op":"remove","path":"/nope"}],"cause":{"type":"x"},"timestamp":2}'
    ].join('\n')
    const doc = await open(host, body)
    expect(doc.status).toBe(400)
    expect(doc.error).toMatch(/^the session file cannot be opened: line 3: state.update does not apply/)
    expect(host.host.history.lastSeq).toBe(lastSeq)
    expect((await host.state()).a).toBe(3)
  })

  test('needs the token, and a body sent as NDJSON', async () => {
    const host = await start()
    expect((await fetch(host.url('/documents'), { method: 'POST', body: 'x' })).status).toBe(401)
    const res = await host.fetch('/documents', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' })
    expect(res.status).toBe(415)
  })
})

describe('createDocumentRoutes bounds', () => {
  function app(options: Parameters<typeof createDocumentRoutes>[0]): Hono {
    return new Hono().onError(onError).route('/', createDocumentRoutes(options))
  }
  const header = '{"format":"patchscope-session","version":1,"runtime":{"path":null,"name":"x"},"createdAt":""}'
  const events = (n: number): string[] => [
    '{"type":"state.initial","seq":0,"slices":{"a":0},"timestamp":1}',
    ...Array.from(
      { length: n - 1 },
      (_, i) => `{"type":"state.update","seq":${i + 1},"slice":"a","value":${i + 1},"cause":{"type":"inc"},"timestamp":2}`
    )
  ]
  const post = (a: Hono, body: string | ReadableStream<Uint8Array>): Promise<Response> =>
    Promise.resolve(
      a.request('/documents', { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body, duplex: 'half' } as RequestInit)
    )

  test('a file with more events than a document holds is refused with 413, saying the bound', async () => {
    const res = await post(app({ maxEvents: 5 }), [header, ...events(6)].join('\n'))
    expect(res.status).toBe(413)
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe(
      'the file holds more than 5 events, the most the window opens as a document'
    )
    expect((await post(app({ maxEvents: 5 }), [header, ...events(5)].join('\n'))).status).toBe(200)
  })

  test('a file past the size bound is refused with 413', async () => {
    const res = await post(app({ maxBytes: 2 * 1024 * 1024 }), [header, ...events(100_000)].join('\n'))
    expect(res.status).toBe(413)
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe(
      'the file is larger than 2 MB, the most the window opens as a document'
    )
  })

  test('an upload that stalls is cut with 408', async () => {
    const stalled = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(`${header}\n`))
      }
    })
    const res = await post(app({ idleMs: 50 }), stalled)
    expect(res.status).toBe(408)
  })
})
