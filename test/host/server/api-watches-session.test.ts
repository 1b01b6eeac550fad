import { afterEach, describe, expect, test } from 'vitest'
import type { SessionHeader } from '../../../src/shared/protocol'
import type { WatchesInfo } from '../../../src/shared/watches'
import { fixture, startTestHost, type TestHost } from '../../helpers/host'

const hosts: TestHost[] = []

afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.close()))
})

async function post(t: TestHost, path: string, body: unknown): Promise<Response> {
  return t.fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
}

describe('watches in the session file', () => {
  test('are kept in the header of an export, and restored (and scanned) by POST /history', async () => {
    const a = await startTestHost({ runtime: fixture('bus-runtime.mjs') })
    hosts.push(a)
    for (let i = 0; i < 3; i++) await a.dispatch({ type: 'increment' })
    // Added after the dispatches: the pausing one would pause the runtime at the first.
    expect((await post(a, '/watches', { text: '/a   changed', pause: true })).status).toBe(201)
    expect((await post(a, '/watches', { text: '/b == 1' })).status).toBe(201)
    const file = await (await a.fetch('/history')).text()
    const header = JSON.parse(file.split('\n')[0] as string) as SessionHeader
    expect(header.watches).toEqual([
      { text: '/a', pause: true },
      { text: '/b == 1', pause: false }
    ])

    const b = await startTestHost()
    hosts.push(b)
    expect((await post(b, '/watches', { text: '/b == 1' })).status).toBe(201)
    const res = await b.fetch('/history', { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: file })
    expect(res.status).toBe(200)
    let info = await b.getJson<WatchesInfo>('/watches')
    while (info.watches.some((w) => w.scan.state === 'scanning')) info = await b.getJson<WatchesInfo>('/watches')
    // The one already there is kept once; the other comes from the file, with its hits in the imported history.
    expect(info.watches.map((w) => [w.text, w.pause])).toEqual([
      ['/b == 1', false],
      ['/a', true]
    ])
    // The import's reset makes `/a` appear (host b held nothing), then the three increments.
    expect(info.watches[1]?.hits).toBe(4)
  })

  test('an export with no watches has no watches in its header; a header with bad ones imports without them', async () => {
    const a = await startTestHost({ runtime: fixture('bus-runtime.mjs') })
    hosts.push(a)
    await a.dispatch({ type: 'increment' })
    const file = await (await a.fetch('/history')).text()
    const lines = file.split('\n')
    const header = JSON.parse(lines[0] as string) as Record<string, unknown>
    expect('watches' in header).toBe(false)
    header.watches = [{ text: 7 }, { text: '/a >', pause: false }, { text: '/a', pause: false }]
    // Without its closing line (the header changed): it imports as cut short.
    const edited = [JSON.stringify(header), ...lines.slice(1, -2)].join('\n') + '\n'
    const res = await a.fetch('/history', { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: edited })
    expect(res.status).toBe(200)
    expect((await a.getJson<WatchesInfo>('/watches')).watches.map((w) => w.text)).toEqual(['/a'])
  })
})
