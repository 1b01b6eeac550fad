import { afterEach, describe, expect, test } from 'vitest'
import { fixture, startTestHost, type TestHost } from '../../helpers/host'
import { attachNotes, entries, until } from './recorded'

let source: TestHost
let h: TestHost

afterEach(async () => {
  await h?.close()
  await source?.close()
})

const post = (t: TestHost, body: unknown) =>
  t.fetch('/attach', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

describe('POST /attach, DELETE /attach', () => {
  test("records another Patchscope host's events (the seed's route) with its token as a header, and mirrors its state exactly", async () => {
    source = await startTestHost({ runtime: fixture('bus-runtime.mjs') })
    h = await startTestHost()
    const res = await post(h, { url: source.url('/events'), headers: { Authorization: `Bearer ${source.server.token}` } })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({
      status: 'attached',
      path: source.url('/events'),
      attach: { state: 'live', headers: ['Authorization'], connections: 1 }
    })
    await until(h.host, (info) => info.attach?.protocol === 'seed' && h.host.history.lastSeq >= 1)
    for (let i = 0; i < 3; i++) await source.dispatch({ type: 'increment' })
    const want = await source.state()
    await until(h.host, () => JSON.stringify(h.host.history.stateAt(h.host.history.lastSeq)) === JSON.stringify(want))
    // GET /state with no runtime answers the last recorded state: the mirror of the source's.
    expect(await h.state()).toEqual(want)
    const runtime = await h.getJson<{ status: string; attach: { state: string } }>('/runtime')
    expect(runtime).toMatchObject({ status: 'attached', attach: { state: 'live', protocol: 'seed' } })
    // Its own seqs: the attached host numbered the entries itself.
    expect(entries(h.host).map((e) => e.seq)).toEqual(Array.from({ length: h.host.history.lastSeq }, (_, i) => i + 1))
    expect(JSON.stringify([runtime, entries(h.host), h.logs])).not.toContain(source.server.token)
    const detached = await h.fetch('/attach', { method: 'DELETE' })
    expect(await detached.json()).toMatchObject({ status: 'none' })
    expect((await h.fetch('/attach', { method: 'DELETE' })).status).toBe(409)
  })

  test('a source host that restarts its runtime: its reset is recorded as a reset, nothing in between is lost', async () => {
    source = await startTestHost({ runtime: fixture('bus-runtime.mjs') })
    h = await startTestHost()
    await post(h, { url: source.url('/events'), headers: { Authorization: `Bearer ${source.server.token}` } })
    await until(h.host, (info) => info.attach?.protocol === 'seed')
    await source.dispatch({ type: 'increment' })
    await source.host.reloadRuntime()
    await source.dispatch({ type: 'increment' })
    const want = await source.state()
    await until(h.host, () => JSON.stringify(h.host.history.stateAt(h.host.history.lastSeq)) === JSON.stringify(want))
    expect(entries(h.host).filter((e) => e.type === 'state.initial')).toHaveLength(2)
    expect(attachNotes(h.host)).toEqual([])
  })

  test('a source that refuses is answered 502 with the reason; the runtime keeps running and nothing is recorded', async () => {
    source = await startTestHost({ runtime: fixture('bus-runtime.mjs') })
    h = await startTestHost({ runtime: fixture('bus-runtime.mjs') })
    await h.dispatch({ type: 'increment' })
    const before = entries(h.host)
    // Another Patchscope host's events route, without its token.
    const res = await post(h, { url: source.url('/events') })
    expect(res.status).toBe(502)
    const { message } = ((await res.json()) as { error: { message: string } }).error
    expect(message).toMatch(new RegExp(`^cannot attach to ${source.url('/events')}: the source answered 401 Unauthorized`))
    expect(message).toMatch(/— it wants credentials: add a header, e\.g\. Authorization: Bearer … \(nothing was changed\)$/)
    expect(await h.getJson('/runtime')).toMatchObject({ status: 'loaded', path: fixture('bus-runtime.mjs') })
    expect(entries(h.host)).toEqual(before)
    expect((await h.dispatch({ type: 'increment' })).status).toBe(200)
    expect(await h.state()).toMatchObject({ a: 2 })
  })

  test('a URL or headers that cannot be used are refused with 400 naming them, and nothing changes', async () => {
    h = await startTestHost({ runtime: fixture('bus-runtime.mjs') })
    const cases: [unknown, RegExp][] = [
      [{}, /"url" is missing/],
      [{ url: 'nope' }, /"nope" is not a URL/],
      [{ url: 'http://a:b@x/' }, /user name or password/],
      [{ url: 'http://x/', headers: ['a'] }, /"headers" must be an object/],
      [{ url: 'http://x/', headers: { A: 1 } }, /the value of the header A must be a string/],
      [{ url: 'http://x/', headers: { Accept: 'x' } }, /set by Patchscope itself/],
      [[1], /send \{"url"/]
    ]
    for (const [body, message] of cases) {
      const res = await post(h, body)
      expect(res.status).toBe(400)
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(message)
    }
    expect((await h.getJson<{ status: string }>('/runtime')).status).toBe('loaded')
    const unauth = await fetch(h.url('/attach'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"url":"http://x/"}'
    })
    expect(unauth.status).toBe(401)
  })
})
