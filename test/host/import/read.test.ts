import { instrument } from '@redux-devtools/instrument'
import jsan from 'jsan'
import { combineReducers, legacy_createStore as createStore, type Reducer, type UnknownAction } from 'redux'
import { afterEach, describe, expect, test } from 'vitest'
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
  return host
}

const count: Reducer<number, UnknownAction> = (state = 0, action) => (action.type === 'inc' ? state + 1 : state)
const names: Reducer<string[], UnknownAction> = (state = [], action) => (action.type === 'add' ? [...state, String(action.payload)] : state)

/** A Redux DevTools export of a real store, as the monitor's Export writes it. */
function devtoolsExport(): string {
  const store = createStore(combineReducers({ count, names }) as Reducer<unknown, UnknownAction>, instrument())
  store.dispatch({ type: 'inc' })
  store.dispatch({ type: 'add', payload: 'ada' })
  store.dispatch({ type: 'inc' })
  return jsan.stringify(store.liftedStore.getState(), undefined, undefined, { refs: true })
}

function stateOf(events: readonly HistoryEvent[]): Slices {
  let state: Slices = {}
  const owned = newEdit()
  for (const e of events) state = applyEvent(state, e, owned)
  return state
}

const AG_UI_LOG = [
  { type: 'RUN_STARTED', threadId: 't1', runId: 'r1', timestamp: 1 },
  { type: 'STATE_SNAPSHOT', snapshot: { plan: ['search'] }, timestamp: 2 },
  { type: 'STATE_DELTA', delta: [{ op: 'add', path: '/plan/-', value: 'answer' }], timestamp: 3 },
  { type: 'RUN_FINISHED', threadId: 't1', runId: 'r1', timestamp: 4 }
]
  .map((e) => JSON.stringify(e))
  .join('\n')

describe('other tools’ files open through the one read path', () => {
  test('POST /history imports a Redux DevTools export as a session: each action the cause of its changes, the last state the store’s', async () => {
    const host = await start()
    const res = await host.fetch('/history', { method: 'POST', headers: { 'content-type': 'application/json' }, body: devtoolsExport() })
    expect(res.status).toBe(200)
    const state = (await (await host.fetch('/state')).json()) as Slices
    expect(state).toEqual({ count: 2, names: ['ada'] })
  })

  test('POST /documents opens an AG-UI log as a document, the host’s history untouched', async () => {
    const host = await start()
    const before = await (await host.fetch('/state')).text()
    const res = await host.fetch('/documents?name=agent-run.jsonl', {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: AG_UI_LOG
    })
    expect(res.status).toBe(200)
    const [head, ...lines] = (await res.text()).split('\n').filter((l) => l !== '')
    // The recording is named after the file opened.
    expect(JSON.stringify((JSON.parse(head as string) as { runtime: unknown }).runtime)).toContain('agent-run.jsonl')
    const events = lines.map((l) => JSON.parse(l) as HistoryEvent)
    expect(stateOf(events)).toMatchObject({ plan: ['search', 'answer'] })
    expect(events.some((e) => e.type === 'execution.status' && e.status === 'completed')).toBe(true)
    expect(await (await host.fetch('/state')).text()).toBe(before)
  })

  test('a recognised file that cannot be read is refused with its format and what is wrong, and nothing changes', async () => {
    const host = await start()
    const before = await (await host.fetch('/state')).text()
    const broken = AG_UI_LOG.replace('"delta":[', '"delta":7,"x":[')
    const res = await host.fetch('/history', { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: broken })
    expect(res.status).toBe(400)
    // The format names the line once, and the message is the format's (not a session file's).
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/^AG-UI event log: line 3: STATE_DELTA/)
    const opened = await host.fetch('/documents', { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: broken })
    expect(((await opened.json()) as { error: { message: string } }).error.message).toMatch(/^AG-UI event log: line 3: STATE_DELTA/)
    expect(await (await host.fetch('/state')).text()).toBe(before)
  })
})
