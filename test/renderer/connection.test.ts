import { afterEach, describe, expect, test, vi } from 'vitest'
import { Connection } from '../../src/renderer/src/lib/connection.svelte'
import { HistoryStore } from '../../src/renderer/src/lib/model/store'
import type { HistoryEvent, RuntimeInfo } from '../../src/shared/protocol'
import { Log } from './model/log'

const ORIGIN = 'http://127.0.0.1:4000'
const info = (more: Partial<RuntimeInfo> = {}): RuntimeInfo => ({
  path: '/x/todos-bug.mjs',
  name: 'todos-bug.mjs',
  status: 'loaded',
  compare: 'verify',
  ...more
})

interface Request {
  method: string
  path: string
  authorization: string | null
  body: unknown
}

/**
 * A host behind a fake `fetch`: `/events` streams the given entries then stays open, `/runtime`
 * answers `runtime`, and `/runtime/compare` what `compare` says.
 */
function fakeHost(
  events: HistoryEvent[],
  compare: (body: unknown) => Response | Promise<Response>,
  /** Raw frames of events outside the history, sent after the entries. */
  notices = ''
): { requests: Request[]; runtime: RuntimeInfo } {
  const state = { requests: [] as Request[], runtime: info() }
  vi.stubGlobal('fetch', async (input: string, init: RequestInit = {}): Promise<Response> => {
    const path = input.slice(ORIGIN.length)
    const headers = new Headers(init.headers)
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined
    state.requests.push({ method: init.method ?? 'GET', path, authorization: headers.get('authorization'), body })
    if (path.startsWith('/events')) {
      const text = events.map((e) => `id: ${e.seq}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join('') + notices
      const stream = new ReadableStream<Uint8Array>({ start: (c) => c.enqueue(new TextEncoder().encode(text)) })
      return new Response(stream, { headers: { 'content-type': 'text/event-stream' } })
    }
    if (path === '/runtime') return Response.json(state.runtime)
    if (path === '/runtime/compare') return compare(body)
    return new Response('not found', { status: 404 })
  })
  return state
}

let connection: Connection | undefined

afterEach(() => {
  connection?.stop()
  connection = undefined
  vi.unstubAllGlobals()
})

const connect = (): Connection => (connection = new Connection(ORIGIN, 'tok', new HistoryStore(), () => {}, undefined))

describe('Connection.setCompare', () => {
  test('posts the mode as JSON with the token, and takes the runtime’s info from the answer', async () => {
    const host = fakeHost([], (body) => Response.json(info({ compare: (body as { mode: 'full' }).mode })))
    const c = connect()
    expect(await c.setCompare('full')).toBeUndefined()
    expect(host.requests).toEqual([{ method: 'POST', path: '/runtime/compare', authorization: 'Bearer tok', body: { mode: 'full' } }])
    expect(c.runtime.compare).toBe('full')
    expect(c.error).toBeUndefined()
  })

  test('answers the host’s error, without making it the window’s error', async () => {
    fakeHost([], () => Response.json({ error: { message: 'no runtime is running' } }, { status: 409 }))
    const c = connect()
    expect(await c.setCompare('verify')).toBe('no runtime is running')
    expect(c.error).toBeUndefined()
    fakeHost([], () => new Response('not found', { status: 404 }))
    expect(await c.setCompare('verify')).toBe('the host answered 404')
    fakeHost([], () => Promise.reject(new TypeError('fetch failed')))
    expect(await c.setCompare('verify')).toBe('the host could not be reached: fetch failed')
  })
})

describe('Connection', () => {
  test('takes the runtime’s info the host pushes on the stream (a finding, a pause), and asks for it only at the start', async () => {
    const log = new Log({ todos: [{ done: false }] }).found('todos', { patches: [{ op: 'replace', path: '/0/done', value: true }] }, 0)
    const pushed = info({ paused: { seq: 1, by: { kind: 'step' } } })
    const notice = `event: runtime\ndata: ${JSON.stringify({ ...pushed, type: 'runtime' })}\n\n`
    const host = fakeHost(log.events, () => Response.json(info()), notice)
    const c = connect()
    const told: string[] = []
    c.onNotice = (type) => told.push(type)
    c.start()
    await vi.waitFor(() => expect(c.runtime).toEqual(pushed), { timeout: 1500 })
    expect(told).toEqual(['runtime'])
    // No poll: the answer to the one request at the start must not undo what was pushed later either.
    await new Promise((r) => setTimeout(r, 300))
    expect(host.requests.filter((r) => r.path === '/runtime')).toHaveLength(1)
  })
})
