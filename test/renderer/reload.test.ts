import { describe, expect, test } from 'vitest'
import { noteData } from '../../src/shared/notes'
import type { HistoryEvent } from '../../src/shared/protocol'
import type { ReplayNotice } from '../../src/shared/replay'
import { HistoryStore } from '../../src/renderer/src/lib/model/store'
import { Replay } from '../../src/renderer/src/lib/replay.svelte'
import { ReloadOffer } from '../../src/renderer/src/lib/reload.svelte'

const initial = { type: 'state.initial', seq: 0, slices: { count: 0 }, timestamp: 1 } as const
const input: HistoryEvent = { type: 'custom-event', seq: 1, data: noteData({ note: 'input', action: { type: 'inc' } }), timestamp: 2 }
const running: ReplayNotice = { id: 3, phase: 'running', module: '/m/counter.mjs', source: 'history', without: [], done: 0, total: 2 }

/** A live session with `inputs` inputs since its load, a fake host, and the offer over them. */
function setUp(inputs: number, replayAnswer: () => Response = () => Response.json(running, { status: 202 })) {
  const store = new HistoryStore()
  store.reset(initial)
  for (let i = 0; i < inputs; i++) {
    const e = { ...input, seq: i + 1 }
    store.ingest(e, JSON.stringify(e))
  }
  const log: string[] = []
  const source = { store, name: 'the live session' }
  const replay = new Replay({
    request: async (path, init) => {
      log.push(`${init?.method ?? 'GET'} ${path} ${typeof init?.body === 'string' ? init.body : ''}`.trim())
      return replayAnswer()
    },
    source: () => ({ store: new HistoryStore(), name: 'a document' }),
    live: () => source,
    runtimeModule: () => '/m/counter.mjs'
  })
  const offer = new ReloadOffer({ store, replay, reload: async () => (log.push('reload'), true) })
  return { offer, replay, log, store }
}

describe('Reload’s offer to replay', () => {
  test('a run without inputs is reloaded at once', async () => {
    const { offer, log } = setUp(0)
    await offer.reload()
    expect(offer.open).toBe(false)
    expect(log).toEqual(['reload'])
  })

  test('a run with inputs is offered; replaying starts a replay of the live session against its own module, then reloads', async () => {
    const { offer, replay, log } = setUp(2)
    replay.without = [1]
    await offer.reload()
    expect(offer.open).toBe(true)
    expect(offer.inputs).toBe(2)
    expect(log).toEqual([])
    await offer.choose('replay')
    expect(offer.open).toBe(false)
    expect(log).toEqual(['POST /replay {"without":[]}', 'reload'])
    expect(replay.open).toBe(true)
    expect(replay.recordedName).toBe('the live session')
    expect(replay.inputs.map((i) => i.seq)).toEqual([1, 2])
    expect(replay.running).toBe(true)
  })

  test('Reload only reloads; Cancel does nothing', async () => {
    const only = setUp(1)
    await only.offer.reload()
    await only.offer.choose('reload')
    expect(only.log).toEqual(['reload'])
    const cancel = setUp(1)
    await cancel.offer.reload()
    await cancel.offer.choose('cancel')
    expect(cancel.offer.open).toBe(false)
    expect(cancel.log).toEqual([])
  })

  test('a replay the host refuses leaves the runtime as it is, and says why', async () => {
    const { offer, replay, log } = setUp(1, () => Response.json({ error: { message: 'cannot read /m/counter.mjs' } }, { status: 400 }))
    await offer.reload()
    await offer.choose('replay')
    expect(log).toEqual(['POST /replay {"without":[]}'])
    expect(replay.error).toBe('The replay did not start: cannot read /m/counter.mjs')
  })

  test('while a replay runs, Reload reloads without asking', async () => {
    const { offer, replay, log } = setUp(1)
    replay.noticed(running)
    await offer.reload()
    expect(offer.open).toBe(false)
    expect(log).toEqual(['reload'])
  })

  test('a resumed run is offered too (a replay plays it through the run it branched from), saying since it was resumed', async () => {
    const { offer, store } = setUp(1)
    const events: HistoryEvent[] = [
      { type: 'state.initial', seq: 2, slices: { count: 1 }, timestamp: 3 },
      { type: 'custom-event', seq: 3, data: noteData({ note: 'resume', from: 1, reached: 1, identical: true }), timestamp: 4 },
      { ...input, seq: 4 }
    ]
    for (const e of events) store.ingest(e, JSON.stringify(e))
    await offer.reload()
    expect([offer.open, offer.inputs, offer.resumed]).toEqual([true, 1, true])
  })
})
