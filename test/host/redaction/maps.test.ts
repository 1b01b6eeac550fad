import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, test } from 'vitest'
import type { HistoryEvent, SessionHeader, Slices } from '../../../src/shared/protocol'
import { parseClosingLine } from '../../../src/shared/session-end'
import { startTestHost, type TestHost } from '../../helpers/host'
import { Mirror } from '../../helpers/mirror'

/** Secrets the runtime keeps under Map keys the default policy names: finding one anywhere is a leak. */
const SECRETS = ['tok-0xA', 'pw-0xB', 'Bearer 0xC', 'sec-0xD', 'jwt-0xE']
const R = { $redacted: true }

const hosts: TestHost[] = []
afterAll(async () => {
  await Promise.all(hosts.map((h) => h.close()))
})

async function start(options: Parameters<typeof startTestHost>[0] = {}): Promise<TestHost> {
  const h = await startTestHost({ runtime: fileURLToPath(new URL('./maps-runtime.mjs', import.meta.url)), ...options })
  hosts.push(h)
  expect(h.loadError).toBeUndefined()
  return h
}

async function record(h: TestHost): Promise<void> {
  expect((await h.dispatch({ type: 'add-secret' })).status).toBe(200)
  expect((await h.dispatch({ type: 'custom' })).status).toBe(200)
}

function leaks(text: string): string[] {
  return SECRETS.filter((s) => text.includes(s))
}

function read(text: string): { header: SessionHeader; state: Slices; events: HistoryEvent[] } {
  const [first, ...rest] = text.trimEnd().split('\n')
  expect(parseClosingLine(rest.pop() ?? '')).toBeDefined()
  const events = rest.map((line) => JSON.parse(line) as HistoryEvent)
  const mirror = new Mirror()
  for (const e of events) mirror.apply(e)
  return { header: JSON.parse(first as string) as SessionHeader, state: mirror.state, events }
}

/** The runtime's state once redacted with the default policy. */
const REDACTED_STATE = {
  vault: {
    $map: [
      ['apiToken', R],
      ['name', 'visible-name'],
      ['inner', { $map: [['password', R]] }],
      ['clientSecret', R]
    ]
  },
  config: {
    headers: {
      $map: [
        ['Authorization', R],
        ['accept', 'application/json']
      ]
    },
    // Keys that are not strings are no key a pattern matches: their values stay.
    byId: {
      $map: [
        [1, 'kept-1'],
        [{ id: 2 }, 'kept-2']
      ]
    }
  }
}

describe('a Map whose string keys the policy names', () => {
  test('has those values redacted on export, listed in the header by path, and the file imports as complete', async () => {
    const h = await start()
    await record(h)
    expect(leaks(await (await h.fetch('/history?redact=false')).text())).toEqual(SECRETS)
    const text = await (await h.fetch('/history')).text()
    expect(leaks(text)).toEqual([])
    const { header, state, events } = read(text)
    expect(state).toEqual(REDACTED_STATE)
    expect(header.redaction?.paths).toEqual(
      expect.arrayContaining(['/vault/$map/0/1', '/vault/$map/2/1/$map/0/1', '/vault/$map/3/1', '/config/headers/$map/0/1'])
    )
    expect(header.redaction?.events).toEqual(['/creds/$map/0/1'])
    expect(events.find((e) => e.type === 'custom-event' && JSON.stringify(e.data).includes('creds'))).toMatchObject({
      data: { creds: { $map: [['jwt', R]] } }
    })
    const imported = await h.fetch('/history', { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: text })
    expect(await imported.json()).toMatchObject({ complete: true })
    expect(await h.state()).toEqual(REDACTED_STATE)
  })

  test('has those values redacted at capture: never in the history, the stream or GET /state, with every mirror consistent', async () => {
    const h = await start({ redaction: { capture: true } })
    const sse = await h.events('?since=0')
    await record(h)
    expect(leaks(await (await h.fetch('/history?redact=false')).text())).toEqual([])
    const live = await h.state()
    expect(live).toEqual(REDACTED_STATE)
    await sse.waitForSeq(h.host.history.lastSeq)
    const mirror = new Mirror()
    for (const e of sse.entries) mirror.apply(e as HistoryEvent)
    expect(mirror.state).toEqual(live)
    expect(leaks(JSON.stringify(sse.events))).toEqual([])
  })

  test('turned on at capture mid-session, has the values recorded so far redacted at once', async () => {
    const h = await start()
    await record(h)
    const res = await h.fetch('/redaction', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ capture: true })
    })
    expect(res.status).toBe(200)
    expect(await h.state()).toEqual(REDACTED_STATE)
    expect(await h.state(`?at=${h.host.history.lastSeq}`)).toEqual(REDACTED_STATE)
  })
})
