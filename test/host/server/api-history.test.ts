import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { HistoryEvent, Slices, StateInitialEvent } from '../../../src/shared/protocol'
import { parseClosingLine } from '../../../src/shared/session-end'
import { fixture, startTestHost, type TestHost } from '../../helpers/host'
import { Mirror } from '../../helpers/mirror'

const hosts: TestHost[] = []
/** A host that recorded a varied history, and the session file it exported then. */
let recorded: TestHost
let sessionText: string

beforeAll(async () => {
  recorded = await start()
  await record(recorded)
  sessionText = await exportText(recorded)
})

afterAll(async () => {
  await Promise.all(hosts.map((host) => host.close()))
})

/** A host running the bus runtime. */
async function start(): Promise<TestHost> {
  const host = await startTestHost({ runtime: fixture('bus-runtime.mjs') })
  hosts.push(host)
  expect(host.loadError).toBeUndefined()
  return host
}

/** A host with no runtime (it starts at once: no worker). */
async function startEmpty(): Promise<TestHost> {
  const host = await startTestHost()
  hosts.push(host)
  return host
}

/** Gives the host a varied history: values, patches, removals, a reload, statuses, custom events. */
async function record(host: TestHost): Promise<void> {
  const actions = [
    { type: 'increment' },
    { type: 'push', payload: { item: { 'a/b': [1n.toString()], '': null } } },
    { type: 'set', payload: { slice: 'c', value: { $only: true } } },
    { type: 'status', payload: { status: 'failed', executionId: 'e1', turnId: 't1', error: { message: 'boom' } } },
    { type: 'custom', payload: { tool: 'search', args: ['x'] } },
    { type: 'remove', payload: { slice: 'b' } }
  ]
  for (const action of actions) expect((await host.dispatch(action)).status).toBe(200)
  const reload = await host.fetch('/runtime', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"reload":true}' })
  expect(reload.status).toBe(200)
  for (const action of actions.slice(0, 3)) expect((await host.dispatch(action)).status).toBe(200)
}

async function exportText(host: TestHost): Promise<string> {
  const res = await host.fetch('/history')
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/)
  expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="[\w.-]+\.patchscope\.ndjson"$/)
  return res.text()
}

async function importText(host: TestHost, body: string, type = 'application/x-ndjson'): Promise<Response> {
  return host.fetch('/history', { method: 'POST', headers: { 'content-type': type }, body })
}

/** The events of a session file (between its header and its closing line), with the state after each (applied from the first). */
function timeline(text: string): { events: HistoryEvent[]; states: Slices[] } {
  const [, ...rest] = text.trimEnd().split('\n')
  if (parseClosingLine(rest[rest.length - 1] ?? '') !== undefined) rest.pop()
  const events = rest.map((line) => JSON.parse(line) as HistoryEvent)
  const mirror = new Mirror()
  const states = events.map((e) => {
    mirror.apply(e)
    return mirror.state
  })
  return { events, states }
}

/** An event as the timeline shows it: what it is, whatever its seq, and whether it was a reset. */
function shown(e: HistoryEvent): unknown {
  const { seq: _seq, ...rest } = e as HistoryEvent & { reset?: true; gap?: true }
  delete rest.reset
  delete rest.gap
  return rest
}

describe('GET /history and POST /history', () => {
  test('import what was exported: the same timeline and the same state at every point, renumbered after the last seq', async () => {
    const host = recorded
    const text = sessionText
    const exported = timeline(text)
    const header = JSON.parse(text.split('\n')[0] as string) as { runtime: { name: string } }
    expect(header.runtime.name).toBe('bus-runtime.mjs')
    const lastBefore = host.host.history.lastSeq
    const sse = await host.events()
    await sse.waitFor((e) => e.type === 'state.initial')

    const res = await importText(host, text)
    expect(res.status).toBe(200)
    const body = (await res.json()) as {
      events: number
      lastSeq: number
      runtime: { status: string }
      complete: boolean
      statement?: string
    }
    expect(body.events).toBe(exported.events.length)
    expect(body.complete).toBe(true)
    expect(body.statement).toBeUndefined()
    expect(body.lastSeq).toBe(lastBefore + exported.events.length)
    expect(body.runtime.status).toBe('session')
    expect(await host.getJson('/runtime')).toMatchObject({ status: 'session', name: 'bus-runtime.mjs' })

    const { history } = host.host
    expect(history.baseSeq).toBe(lastBefore)
    for (let i = 0; i < exported.events.length; i++) {
      const seq = lastBefore + 1 + i
      expect(shown(history.event(seq))).toEqual(shown(exported.events[i] as HistoryEvent))
      expect(await host.state(`?at=${seq}`), `state at ${seq}`).toEqual(exported.states[i])
    }
    expect(history.event(lastBefore + 1)).toMatchObject({ type: 'state.initial', reset: true })
    expect(await host.state()).toEqual(exported.states[exported.states.length - 1])

    // A client that was connected goes on, with the import's reset state.initial.
    await sse.waitForSeq(history.lastSeq)
    const mirror = new Mirror()
    for (const e of sse.entries) mirror.apply(e as HistoryEvent)
    expect(mirror.state).toEqual(await host.state())
    const reset = sse.events.find(
      (e): e is StateInitialEvent & (typeof sse.events)[number] => e.type === 'state.initial' && e.reset === true
    )
    expect(reset?.seq).toBe(lastBefore + 1)

    // The runtime is stopped.
    expect((await host.dispatch({ type: 'increment' })).status).toBe(409)
  })

  test('export an imported session as the same timeline again', async () => {
    const host = await startEmpty()
    const first = sessionText
    expect((await importText(host, first)).status).toBe(200)
    const second = await exportText(host)
    expect((await importText(host, second)).status).toBe(200)
    const third = await exportText(host)
    const events = (text: string): unknown[] => timeline(text).events.map(shown)
    expect(events(second)).toEqual(events(first))
    expect(events(third)).toEqual(events(first))
    expect(timeline(third).states).toEqual(timeline(first).states)
  })

  test('keep a filtered stream on its slices across an import', async () => {
    const host = await startEmpty()
    const text = [
      JSON.stringify({ format: 'patchscope-session', version: 1, runtime: { path: null, name: null }, createdAt: '' }),
      JSON.stringify({ type: 'state.initial', seq: 0, slices: { z: 0, c: 'c', a: 0 }, timestamp: 1 }),
      JSON.stringify({ type: 'state.update', seq: 1, slice: 'z', value: 1, cause: { type: 'x' }, timestamp: 2 }),
      JSON.stringify({ type: 'state.update', seq: 2, slice: 'c', value: 'c2', cause: { type: 'x' }, timestamp: 3 }),
      JSON.stringify({ type: 'state.update', seq: 3, slice: 'a', value: 5, cause: { type: 'x' }, timestamp: 4 })
    ].join('\n')
    const sse = await host.events('?slices=a')
    await sse.waitFor((e) => e.type === 'state.initial')
    expect((await importText(host, text)).status).toBe(200)
    await sse.waitFor((e) => e.type === 'state.update' && e.slice === 'a' && e.value === 5)
    const updates = sse.events.flatMap((e) => (e.type === 'state.update' ? [e.slice] : []))
    expect(updates).toEqual(['a'])
    const reset = sse.events.find((e) => e.type === 'state.initial' && e.reset === true) as StateInitialEvent | undefined
    expect(reset?.slices).toEqual({ a: 0 })
  })

  test('tell a client resuming from before the import that entries are missing', async () => {
    const host = await startEmpty()
    expect((await importText(host, sessionText)).status).toBe(200)
    expect((await importText(host, sessionText)).status).toBe(200)
    const sse = await host.events('', { headers: { 'last-event-id': '1' } })
    const first = await sse.waitFor((e) => e.type === 'state.initial')
    expect(first).toMatchObject({ gap: true, seq: host.host.history.baseSeq })
    await sse.waitForSeq(host.host.history.lastSeq)
    const mirror = new Mirror()
    for (const e of sse.entries) mirror.apply(e as HistoryEvent)
    expect(mirror.state).toEqual(await host.state())
  })

  const bad: [string, string, RegExp][] = [
    ['an empty file', '', /line 1: the file is empty/],
    ['a file that is not JSON', 'not json at all\n', /line 1: not valid JSON/],
    ['another format', '{"format":"redux-devtools"}\n', /line 1: not a Patchscope session file/],
    ['another version', '{"format":"patchscope-session","version":9}\n', /line 1: session file version 9/],
    [
      'a first event that is not a state.initial',
      '{"format":"patchscope-session","version":1}\n{"type":"custom-event","data":1,"timestamp":1}\n',
      /line 2: .*state.initial/
    ],
    [
      'a patch that does not apply',
      '{"format":"patchscope-session","version":1}\n{"type":"state.initial","slices":{"a":[]},"timestamp":1}\n{"type":"state.update","slice":"a","patches":[{"op":"remove","path":"/3"}],"cause":{"type":"x"},"timestamp":1}\n',
      /line 3: state.update does not apply/
    ],
    [
      'a line cut in the middle, then another',
      '{"format":"patchscope-session","version":1}\n{"type":"state.initial","slices":{"a":[]},"timestamp":1}\n{"type":"state.up\n{"type":"custom-event","data":1,"timestamp":1}\n',
      /line 3: not valid JSON.*truncated/
    ],
    [
      'a line after the closing line',
      `{"format":"patchscope-session","version":1}\n{"type":"state.initial","slices":{},"timestamp":1}\n{"end":{"events":1,"sha256":"${'0'.repeat(64)}"}}\n{"type":"custom-event","data":1,"timestamp":1}\n`,
      /line 4: a line after the closing line \(line 3\)/
    ],
    [
      'a value nested deeper than recorded values can be',
      `{"format":"patchscope-session","version":1}\n{"type":"state.initial","slices":{"a":{}},"timestamp":1}\n{"type":"state.update","seq":1,"slice":"a","value":${'{"d":'.repeat(5000)}1${'}'.repeat(5000)},"cause":{"type":"x"},"timestamp":1}\n`,
      /line 3: a value nests deeper than 512 levels, the limit of recorded values/
    ]
  ]

  describe('a bad file', () => {
    let live: TestHost

    beforeAll(async () => {
      live = await start()
      await record(live)
    })

    test.each(bad)('is refused (%s) with 400 naming the line, and nothing changes', async (_name, body, message) => {
      const host = live
      const sse = await host.events()
      await sse.waitFor((e) => e.type === 'state.initial')
      const before = await exportText(host)
      const lastSeq = host.host.history.lastSeq
      // The export's state.initial carries the time the history began, not the time of the export: equal as a whole.
      const events = (text: string): HistoryEvent[] => timeline(text).events
      const res = await importText(host, body)
      expect(res.status).toBe(400)
      expect(res.headers.get('content-type')).toMatch(/^application\/json/)
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(message)
      expect(host.host.history.lastSeq).toBe(lastSeq)
      expect(events(await exportText(host))).toEqual(events(before))
      expect(await host.getJson('/runtime')).toMatchObject({ status: 'loaded' })
      // The runtime keeps running, and its client keeps receiving.
      const next = await host.dispatch({ type: 'increment' })
      expect(next.status).toBe(200)
      // Its input note, then its update, right after what was there.
      expect(host.host.history.event(lastSeq + 1)).toMatchObject({ type: 'custom-event', data: { $patchscope: { note: 'input' } } })
      expect(next.body).toMatchObject({ seq: lastSeq + 2, first: lastSeq + 2, entries: 1 })
      await sse.waitForSeq(lastSeq + 2)
      await sse.close()
    })
  })

  test('keep what the runtime recorded while a bad file was being read', async () => {
    const host = await start()
    const sse = await host.events()
    await sse.waitFor((e) => e.type === 'state.initial')
    const before = host.host.history.lastSeq
    let send: (text: string | null) => void = () => undefined
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        send = (text) => (text === null ? controller.close() : controller.enqueue(new TextEncoder().encode(text)))
      }
    })
    const importing = host.fetch('/history', {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body,
      duplex: 'half'
    } as RequestInit)
    send('{"format":"patchscope-session","version":1}\n')
    // The runtime records an entry while the file is still coming.
    expect((await host.dispatch({ type: 'increment' })).status).toBe(200)
    send('{"type":"custom-event","data":1,"timestamp":1}\n')
    send(null)
    const res = await importing
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/line 2/)
    // The increment's input note and its update are kept, and nothing else came.
    expect(host.host.history.lastSeq).toBe(before + 2)
    expect(host.host.history.event(before + 1)).toMatchObject({
      type: 'custom-event',
      data: { $patchscope: { note: 'input', action: { type: 'increment' } } }
    })
    expect(host.host.history.event(before + 2)).toMatchObject({ type: 'state.update', slice: 'a', cause: { type: 'increment' } })
    await sse.waitForSeq(before + 2)
    expect(await host.state()).toMatchObject({ a: 1 })
  })

  test('refuse a body that is not sent as NDJSON with 415', async () => {
    const host = await startEmpty()
    const res = await importText(host, '{}', 'text/plain')
    expect(res.status).toBe(415)
  })
})
