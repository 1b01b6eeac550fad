import { afterEach, describe, expect, test, vi } from 'vitest'
import { Connection } from '../../src/renderer/src/lib/connection.svelte'
import { HistoryStore } from '../../src/renderer/src/lib/model/store'

const ORIGIN = 'http://127.0.0.1:4000'

interface Sent {
  path: string
  authorization: string | null
  contentType: string | null
  body: unknown
}

/** A host behind a fake `fetch` whose `POST /actions` answers what `answer` says. */
function fakeHost(answer: () => Response | Promise<Response>): Sent[] {
  const sent: Sent[] = []
  vi.stubGlobal('fetch', async (input: string, init: RequestInit = {}): Promise<Response> => {
    const headers = new Headers(init.headers)
    sent.push({
      path: input.slice(ORIGIN.length),
      authorization: headers.get('authorization'),
      contentType: headers.get('content-type'),
      body: init.body
    })
    return answer()
  })
  return sent
}

afterEach(() => vi.unstubAllGlobals())

const connect = (): Connection => new Connection(ORIGIN, 'tok', new HistoryStore(), () => {}, undefined)

describe('Connection.dispatch', () => {
  test('posts JSON text as it is, with the token, and answers the host’s result', async () => {
    const sent = fakeHost(() => Response.json({ seq: 5, first: 4, entries: 2, changed: true, settled: true }))
    const c = connect()
    const text = '{"type": "n", "payload": 12345678901234567890}'
    expect(await c.dispatch(text)).toEqual({
      ok: true,
      status: 200,
      result: { seq: 5, first: 4, entries: 2, changed: true, settled: true }
    })
    expect(sent).toEqual([{ path: '/actions', authorization: 'Bearer tok', contentType: 'application/json', body: text }])
    await c.dispatch({ type: 'x' })
    expect(sent[1]?.body).toBe('{"type":"x"}')
  })

  test('a 202 is an answer, not an error', async () => {
    fakeHost(() => Response.json({ seq: 9, entries: 0, changed: false, settled: false }, { status: 202 }))
    expect(await connect().dispatch('{"type":"slow"}')).toEqual({
      ok: true,
      status: 202,
      result: { seq: 9, entries: 0, changed: false, settled: false }
    })
  })

  test('answers the host’s error with its status, without making it the window’s error', async () => {
    fakeHost(() => Response.json({ error: { message: 'unknown action nope' } }, { status: 500 }))
    const c = connect()
    expect(await c.dispatch('{"type":"nope"}')).toEqual({ ok: false, status: 500, message: 'unknown action nope' })
    expect(c.error).toBeUndefined()
    fakeHost(() => new Response('<html>', { status: 502 }))
    expect(await c.dispatch('{"type":"nope"}')).toEqual({ ok: false, status: 502, message: 'the host answered 502' })
    fakeHost(() => Promise.reject(new TypeError('fetch failed')))
    expect(await c.dispatch('{"type":"nope"}')).toEqual({ ok: false, status: 0, message: 'the host could not be reached: fetch failed' })
    fakeHost(() => Response.json({ nothing: true }))
    expect(await c.dispatch('{"type":"nope"}')).toMatchObject({
      ok: false,
      status: 200,
      message: expect.stringMatching(/answered a dispatch with/)
    })
    expect(c.error).toBeUndefined()
  })
})
