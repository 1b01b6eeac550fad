import { describe, expect, test } from 'vitest'
import { Dispatcher } from '../../src/renderer/src/lib/dispatcher.svelte'
import type { DispatchAnswer } from '../../src/renderer/src/lib/model/outcome'
import { readSent, sentKey, type KeyValue } from '../../src/renderer/src/lib/model/sent'
import type { RuntimeInfo } from '../../src/shared/protocol'
import { Log } from './model/log'

const loaded = (path: string): RuntimeInfo => ({ path, name: path.split('/').pop() ?? null, status: 'loaded' })

/** A host that answers every dispatch with `answer`, and keeps what it was sent. */
class FakeHost {
  runtime = $state<RuntimeInfo>(loaded('/x/counter.mjs'))
  sent: string[] = []
  answer: DispatchAnswer = { ok: true, status: 200, result: { seq: 3, first: 2, entries: 2, changed: true, settled: true } }
  async dispatch(action: { type: string } | string): Promise<DispatchAnswer> {
    this.sent.push(typeof action === 'string' ? action : JSON.stringify(action))
    return this.answer
  }
}

class Memory implements KeyValue {
  readonly items = new Map<string, string>()
  getItem(key: string): string | null {
    return this.items.get(key) ?? null
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value)
  }
}

function setup(store = new Log({ n: 0 }).store()) {
  const host = new FakeHost()
  const storage = new Memory()
  const shown: number[] = []
  const dispatcher = new Dispatcher({ connection: host, store, storage, showEntry: (seq) => shown.push(seq) })
  return { host, storage, shown, dispatcher }
}

/** Sets the text as the editor would when typed into (no editor is mounted here). */
const type = (d: Dispatcher, text: string): void => d.show(text)

describe('Dispatcher', () => {
  test('sends the text as typed, says what came of it, and keeps it for this runtime', async () => {
    const { host, storage, shown, dispatcher } = setup()
    const text = '{"type": "n/add", "payload": 12345678901234567890}'
    type(dispatcher, text)
    expect(dispatcher.open).toBe(true)
    await dispatcher.send()
    expect(host.sent).toEqual([text])
    expect(dispatcher.outcome).toEqual({ kind: 'recorded', text: 'Recorded #2–#3 (2 entries)', first: 2, last: 3 })
    expect(dispatcher.sent.map((s) => s.text)).toEqual([text])
    expect(readSent(storage, sentKey('/x/counter.mjs')).map((s) => s.type)).toEqual(['n/add'])
    dispatcher.showOutcome()
    expect(shown).toEqual([2])
  })

  test('never sends text that is not a JSON action: refused, with the reason, until the text changes', async () => {
    const { host, dispatcher } = setup()
    type(dispatcher, '{"type": "n/add",}')
    expect(dispatcher.problem).toMatch(/^Not JSON: .* \(line 1, column 18\)$/)
    expect(dispatcher.refused).toBe(false)
    await dispatcher.send()
    expect(host.sent).toEqual([])
    expect(dispatcher.refused).toBe(true)
    expect(dispatcher.outcome).toBeUndefined()
    expect(dispatcher.sent).toEqual([])
    type(dispatcher, '{"type": "n/add"')
    expect(dispatcher.refused).toBe(false)
    // An empty editor says nothing until a send is tried.
    type(dispatcher, '')
    expect(dispatcher.problem).toBeUndefined()
    await dispatcher.send()
    expect(dispatcher.problem).toMatch(/^Type an action/)
    expect(host.sent).toEqual([])
  })

  test('keeps what the host refused (it was sent), not what never reached it', async () => {
    const { host, dispatcher } = setup()
    host.answer = { ok: false, status: 500, message: "the runtime's dispatch failed: Error: no" }
    type(dispatcher, '{"type": "bad"}')
    await dispatcher.send()
    expect(dispatcher.outcome).toEqual({ kind: 'error', text: "500: the runtime's dispatch failed: Error: no" })
    host.answer = { ok: false, status: 0, message: 'the host could not be reached: down' }
    type(dispatcher, '{"type": "lost"}')
    await dispatcher.send()
    expect(dispatcher.outcome?.text).toBe('the host could not be reached: down')
    expect(dispatcher.sent.map((s) => s.type)).toEqual(['bad'])
  })

  test('what was sent belongs to the runtime it was sent to', async () => {
    const { host, dispatcher } = setup()
    type(dispatcher, '{"type": "counter/inc"}')
    await dispatcher.send()
    host.runtime = loaded('/x/agent.mjs')
    expect(dispatcher.sent).toEqual([])
    type(dispatcher, '{"type": "agent/ask"}')
    await dispatcher.send()
    expect(dispatcher.sent.map((s) => s.type)).toEqual(['agent/ask'])
    host.runtime = loaded('/x/counter.mjs')
    expect(dispatcher.sent.map((s) => s.type)).toEqual(['counter/inc'])
    // Sent again, from the list: the text as it was, moved first once.
    type(dispatcher, '{"type": "counter/dec"}')
    await dispatcher.send()
    await dispatcher.send(dispatcher.sent[1]?.text)
    expect(host.sent.at(-1)).toBe('{"type": "counter/inc"}')
    expect(dispatcher.text).toBe('{"type": "counter/inc"}')
    expect(dispatcher.sent.map((s) => s.type)).toEqual(['counter/inc', 'counter/dec'])
    dispatcher.pick(1)
    expect(dispatcher.text).toBe('{"type": "counter/dec"}')
    dispatcher.forget(0)
    expect(dispatcher.sent.map((s) => s.type)).toEqual(['counter/dec'])
  })

  test('"dispatch again" opens a recorded action ready to send, without its id', () => {
    const { dispatcher } = setup()
    dispatcher.again({ type: 'todos/add', id: 'a-1', payload: { text: 'milk' }, meta: { from: 'ui' } })
    expect(dispatcher.open).toBe(true)
    expect(JSON.parse(dispatcher.text)).toEqual({ type: 'todos/add', payload: { text: 'milk' }, meta: { from: 'ui' } })
    expect(dispatcher.canDispatchAgain({ type: '(found by verification)' })).toBe(false)
    expect(dispatcher.canDispatchAgain({ type: 'todos/add' })).toBe(true)
  })

  test('completion offers the history’s types with their last action, then those only sent from here', async () => {
    const store = new Log({ n: 0 }).update('n', { value: 1 }, { type: 'n/set', payload: 1 }).store()
    const { dispatcher } = setup(store)
    type(dispatcher, '{"type": "n/noop"}')
    await dispatcher.send()
    expect(dispatcher.choices().map((c) => [c.type, c.seen])).toEqual([
      ['n/set', '#1'],
      ['n/noop', 'sent']
    ])
  })
})
