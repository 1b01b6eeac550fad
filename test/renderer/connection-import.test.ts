/**
 * Import no longer goes through the connection (a file opens as a document beside the live
 * session: test/renderer/documents.test.ts). What stays here: "offline" and "live" are never shown
 * at once, and a runtime loaded leaves no notice of what was shown before behind.
 */
import { afterEach, describe, expect, test, vi } from 'vitest'
import { Connection, linkWord } from '../../src/renderer/src/lib/connection.svelte'
import { HistoryStore } from '../../src/renderer/src/lib/model/store'

const ORIGIN = 'http://127.0.0.1:4000'

afterEach(() => vi.unstubAllGlobals())

/** A host behind a fake `fetch` whose `POST /runtime` answers `status`. */
function fakeHost(status: number): void {
  vi.stubGlobal('fetch', async (input: string, init?: RequestInit): Promise<Response> => {
    const path = input.slice(ORIGIN.length)
    if (path === '/runtime' && init?.method === 'POST')
      return status === 200
        ? Response.json({ path: '/a.mjs', name: 'a.mjs', status: 'loaded' })
        : Response.json({ error: { message: 'boom' } }, { status })
    if (path === '/runtime') return Response.json({ path: '/a.mjs', name: 'a.mjs', status: 'loaded' })
    return new Response('not found', { status: 404 })
  })
}

const connect = (): Connection => new Connection(ORIGIN, 'tok', new HistoryStore(), () => {}, undefined)

describe('the link’s word', () => {
  test('says live only for the live session fed by a runtime', () => {
    expect(linkWord('live', 'loaded', true)).toBe('live')
    expect(linkWord('live', 'none', true)).toBe('live')
  })

  test('never says live beside an offline recording, nor while a document is shown', () => {
    expect(linkWord('live', 'session', true)).toBe('connected')
    expect(linkWord('live', 'loaded', false)).toBe('connected')
  })

  test('says how the link is when it is not up, whatever is shown', () => {
    expect(linkWord('reconnecting', 'loaded', false)).toBe('reconnecting')
    expect(linkWord('offline', 'session', true)).toBe('offline')
  })
})

describe('loading a runtime', () => {
  test('leaves no notice of what was shown before behind', async () => {
    fakeHost(200)
    const c = connect()
    c.notice = 'Opened the session of agent.mjs: this is a recording, not a live runtime.'
    expect(await c.loadRuntime('/a.mjs')).toBe(true)
    expect(c.notice).toBeUndefined()
    c.notice = 'Some entries were dropped'
    expect(await c.reloadRuntime()).toBe(true)
    expect(c.notice).toBeUndefined()
  })

  test('a load that fails keeps the notice and shows the error', async () => {
    fakeHost(422)
    const c = connect()
    c.notice = 'kept'
    expect(await c.loadRuntime('/a.mjs')).toBe(false)
    expect(c.notice).toBe('kept')
    expect(c.error).toBe('boom')
  })
})
