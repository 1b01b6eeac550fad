import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Host } from '../../../src/host/host'
import { Journal } from '../../../src/host/journal/journal'
import type { SessionsInfo } from '../../../src/shared/journal'
import { fixture, startTestHost, type TestHost } from '../../helpers/host'

let dir: string
let h: TestHost
let journal: Journal
/** A session an earlier host recorded and closed, and one whose host died. */
let earlier: string
let crashed: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'patchscope-sessions-'))
  const { host: old } = await Host.create({ runtime: fixture('bus-runtime.mjs'), log: () => undefined })
  const first = await Journal.open({ dir, history: old.history, runtime: () => old.runtime.info, now: () => Date.now() - 60_000 })
  await old.dispatch({ type: 'push', payload: { item: 'from an earlier run' } }, 5_000)
  await first.flush()
  earlier = first.status.id as string
  await first.close()
  const second = await Journal.open({ dir, history: old.history, runtime: () => old.runtime.info, now: () => Date.now() - 30_000 })
  await old.dispatch({ type: 'increment' }, 5_000)
  await second.flush()
  crashed = second.status.id as string
  // Its host is gone without closing it: no closing line, and a lock no running process holds.
  await writeFile(join(dir, `${crashed}.lock`), JSON.stringify({ pid: 4194305 }))
  await old.close()

  const { host } = await Host.create({ runtime: fixture('bus-runtime.mjs'), log: () => undefined })
  journal = await Journal.open({ dir, history: host.history, runtime: () => host.runtime.info })
  await host.close()
  h = await startTestHost({ runtime: fixture('bus-runtime.mjs'), server: { journal } })
})

afterAll(async () => {
  await h.close()
  await journal.close()
  await rm(dir, { recursive: true, force: true })
})

describe('GET /sessions', () => {
  test('lists the folder: each session with its runtime, count and state, and the journal being written', async () => {
    const info = await h.getJson<SessionsInfo>('/sessions')
    expect(info.journal).toMatchObject({ state: 'writing', dir, id: journal.status.id })
    const byId = new Map(info.sessions.map((s) => [s.id, s]))
    expect(byId.get(earlier)).toMatchObject({ state: 'complete', runtime: { name: 'bus-runtime.mjs' } })
    expect(byId.get(crashed)).toMatchObject({ state: 'ended unexpectedly' })
    expect(byId.get(journal.status.id as string)).toMatchObject({ state: 'recording' })
  })

  test('downloads one as a session file', async () => {
    const res = await h.fetch(`/sessions/${earlier}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-disposition')).toContain(earlier)
    const lines = (await res.text()).trimEnd().split('\n')
    expect(JSON.parse(lines[0] as string)).toMatchObject({ format: 'patchscope-session' })
    expect(JSON.parse(lines.at(-1) as string)).toHaveProperty('end')
  })

  test.each([
    ['a name that leaves the folder', '..%2F..%2Fetc%2Fpasswd', 400, /not the name of a session/],
    ['a session that is not there', 'gone-2026-01-01T00-00-00.000-1.patchscope.ndjson', 404, /no session .* \(it may have been pruned\)/]
  ])('answers %s with an error that says so', async (_name, id, status, message) => {
    const res = await h.fetch(`/sessions/${id}`)
    expect(res.status).toBe(status)
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(message)
  })

  test("opens one that ended unexpectedly as the host's history; refuses the one being recorded", async () => {
    const current = await h.fetch(`/sessions/${journal.status.id as string}/open`, { method: 'POST' })
    expect(current.status).toBe(409)
    const res = await h.fetch(`/sessions/${crashed}/open`, { method: 'POST' })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({
      runtime: { status: 'session', name: 'bus-runtime.mjs' },
      complete: false,
      statement: expect.stringMatching(/^cut short after \d+ events/)
    })
    expect(await h.state()).toMatchObject({ a: 1, b: { list: ['from an earlier run'] } })
  })
})
