import { describe, expect, test } from 'vitest'
import { actionFor, BINDINGS } from '../../src/renderer/src/lib/keys'
import { PauseBar } from '../../src/renderer/src/lib/pause.svelte'
import { Timeline } from '../../src/renderer/src/lib/timeline.svelte'
import type { RuntimeInfo, RuntimePause } from '../../src/shared/protocol'
import { feed, Log } from './model/log'

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0))

/** The connection as the pause bar reads it: the runtime's info as pushed, and the requests sent. */
class FakeConnection {
  runtime = $state<RuntimeInfo>({ path: '/x/counter.mjs', name: 'counter.mjs', status: 'loaded' })
  requests: string[] = []
  status = 200

  request = async (path: string, init: RequestInit = {}): Promise<Response> => {
    this.requests.push(`${init.method ?? 'GET'} ${path}`)
    const body = this.status === 200 ? {} : { error: { message: 'the runtime is not paused' } }
    return new Response(JSON.stringify(body), { status: this.status })
  }

  push(paused: RuntimePause | undefined): void {
    const { paused: _old, ...rest } = this.runtime
    this.runtime = paused === undefined ? rest : { ...rest, paused }
  }
}

async function setup(entries = 5) {
  const log = new Log({ a: 0 })
  for (let i = 1; i <= entries; i++) log.update('a', { value: i })
  const store = log.store()
  const timeline = new Timeline(store)
  timeline.changed()
  await tick()
  const connection = new FakeConnection()
  let states = 0
  const pause = new PauseBar({ connection, store, timeline, showState: () => states++ })
  const changed = (): void => {
    connection.runtime = { ...connection.runtime }
    pause.runtimeChanged()
  }
  return { log, store, timeline, connection, pause, changed, states: () => states }
}

describe('PauseBar', () => {
  test('says nothing while the runtime runs, and where and why once it pauses', async () => {
    const { connection, pause } = await setup()
    expect(pause.paused).toBeUndefined()
    expect(pause.text).toBeUndefined()
    connection.push({ seq: 3, by: { kind: 'watch', id: 'w1', text: '/a > 2', path: '/a' } })
    expect(pause.text).toBe('Paused at #3 by watch /a > 2')
  })

  test('a pause selects its entry and shows the state there, once', async () => {
    const { connection, pause, timeline, store, states } = await setup()
    expect(timeline.following).toBe(true)
    connection.push({ seq: 3, by: { kind: 'request' } })
    pause.runtimeChanged()
    expect(store.seqAt(timeline.selected)).toBe(3)
    expect(states()).toBe(1)
    // The same pause pushed again (another field of the runtime changed): the user's selection stays.
    timeline.select(1)
    pause.runtimeChanged()
    expect(store.seqAt(timeline.selected)).toBe(1)
    expect(states()).toBe(1)
  })

  test('waits for the store to hold the paused entry when the runtime event comes first', async () => {
    const { connection, pause, timeline, store, log } = await setup()
    connection.push({ seq: 6, by: { kind: 'watch', id: 'w1', text: '/a', path: '/a' } })
    pause.runtimeChanged()
    expect(store.seqAt(timeline.selected)).toBe(5)
    feed(store, log.update('a', { value: 6 }))
    pause.entriesChanged()
    expect(store.seqAt(timeline.selected)).toBe(6)
  })

  test('a step moves to the next pause; continuing follows the newest entry again if the timeline did', async () => {
    const { connection, pause, timeline, store, log } = await setup()
    connection.push({ seq: 5, by: { kind: 'action', type: 'inc' } })
    pause.runtimeChanged()
    feed(store, log.update('a', { value: 6 }))
    timeline.changed()
    await tick()
    connection.push({ seq: 6, by: { kind: 'step' } })
    pause.runtimeChanged()
    expect(pause.text).toBe('Paused at #6 after a step')
    expect(store.seqAt(timeline.selected)).toBe(6)
    feed(store, log.update('a', { value: 7 }).update('a', { value: 8 }))
    timeline.changed()
    await tick()
    connection.push(undefined)
    pause.runtimeChanged()
    expect(timeline.following).toBe(true)
    expect(store.seqAt(timeline.selected)).toBe(8)
  })

  test('a timeline that was not following stays where the user left it after a continue', async () => {
    const { connection, pause, timeline, store } = await setup()
    timeline.select(2)
    connection.push({ seq: 4, by: { kind: 'request' } })
    pause.runtimeChanged()
    timeline.select(1)
    connection.push(undefined)
    pause.runtimeChanged()
    expect(timeline.following).toBe(false)
    expect(store.seqAt(timeline.selected)).toBe(1)
  })

  test('continue, step, and remove-and-continue go to their routes; a refusal is said', async () => {
    const { connection, pause } = await setup()
    connection.push({ seq: 3, by: { kind: 'watch', id: 'w 1', text: '/a', path: '/a' } })
    expect(await pause.continue()).toBe(true)
    expect(await pause.step()).toBe(true)
    expect(await pause.removeAndContinue()).toBe(true)
    expect(connection.requests).toEqual(['POST /runtime/continue', 'POST /runtime/step', 'DELETE /watches/w%201', 'POST /runtime/continue'])
    connection.push({ seq: 3, by: { kind: 'step' } })
    connection.requests = []
    // Not paused by a watch: only a continue.
    expect(await pause.removeAndContinue()).toBe(true)
    expect(connection.requests).toEqual(['POST /runtime/continue'])
    connection.status = 409
    expect(await pause.step()).toBe(false)
    expect(pause.error).toBe('the runtime is not paused')
  })
})

describe('the debugger keys', () => {
  const press = (key: string) => ({ key, ctrlKey: false, metaKey: false, altKey: false })
  test('F8 continues and F10 steps, in a field too; 6 is the Watches tab', () => {
    expect(actionFor(press('F8'), false)).toEqual({ action: 'continue' })
    expect(actionFor(press('F10'), true)).toEqual({ action: 'step' })
    expect(actionFor({ ...press('F8'), ctrlKey: true }, false)).toBeUndefined()
    expect(actionFor(press('6'), false)).toEqual({ action: 'tab', tab: 5 })
    expect(actionFor(press('7'), false)).toBeUndefined()
    expect(BINDINGS.map((b) => b.keys)).toEqual(expect.arrayContaining(['F8', 'F10', '1 – 6']))
  })
})
