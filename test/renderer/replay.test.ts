import { flushSync } from 'svelte'
import { describe, expect, test } from 'vitest'
import { noteData } from '../../src/shared/notes'
import type { HistoryEvent } from '../../src/shared/protocol'
import type { ReplayNotice, ReplayResultBody } from '../../src/shared/replay'
import { HistoryStore } from '../../src/renderer/src/lib/model/store'
import { lastRun, Replay, textOf, type ReplaySource } from '../../src/renderer/src/lib/replay.svelte'

const input = (seq: number, type: string): HistoryEvent => ({
  type: 'custom-event',
  seq,
  data: noteData({ note: 'input', action: { type } }),
  timestamp: 1_000 + seq
})
const update = (seq: number, slice: string, value: number, cause: string): HistoryEvent => ({
  type: 'state.update',
  seq,
  slice,
  value,
  cause: { type: cause },
  timestamp: 1_000 + seq
})

function storeOf(events: HistoryEvent[]): HistoryStore {
  const store = new HistoryStore()
  const [first, ...rest] = events
  store.reset(first as HistoryEvent & { type: 'state.initial' })
  for (const e of rest) store.ingest(e, JSON.stringify(e))
  return store
}

/** The live session: seqs 10.. (a host that had recorded before), two inputs. */
const recorded = (): HistoryStore =>
  storeOf([
    { type: 'state.initial', seq: 10, slices: { count: 0, other: 'x' }, timestamp: 1_000 },
    input(11, 'add'),
    update(12, 'count', 1, 'add'),
    update(13, 'other', 1, 'add'),
    input(14, 'add'),
    update(15, 'count', 2, 'add')
  ])

/** What the edited module replayed: the count by tens, and `other` never set. */
const replayedHistory: HistoryEvent[] = [
  { type: 'state.initial', seq: 0, slices: { count: 0, other: 'x' }, timestamp: 2_000 },
  input(1, 'add'),
  update(2, 'count', 10, 'add'),
  input(3, 'add'),
  update(4, 'count', 20, 'add')
]

const running: ReplayNotice = { id: 7, phase: 'running', module: '/m/counter.mjs', source: 'history', without: [], done: 0, total: 3 }
const result: ReplayResultBody = {
  ...running,
  phase: 'done',
  done: 3,
  identical: false,
  steps: [
    { input: 0, recorded: 10, replayed: 0, paths: [] },
    { input: 1, recorded: 12, replayed: 2, paths: ['/count'] },
    { input: 1, recorded: 13, paths: [''] },
    { input: 2, recorded: 15, replayed: 4, paths: ['/count'] }
  ],
  stepsMore: 0,
  history: replayedHistory,
  historyMore: 0
}

/** A fake host: answers each request from `answers` by method and path, and keeps what was sent. */
function setUp(source: ReplaySource, answers: Record<string, () => Response>, runtimeModule: string | null = '/m/counter.mjs') {
  const sent: { path: string; init: RequestInit | undefined }[] = []
  const replay = new Replay({
    request: async (path, init) => {
      sent.push({ path, init })
      const answer = answers[`${init?.method ?? 'GET'} ${path.split('?')[0]}`]
      if (answer === undefined) return Response.json({ error: { message: `no route ${path}` } }, { status: 404 })
      return answer()
    },
    source: () => source,
    live: () => source,
    runtimeModule: () => runtimeModule
  })
  return { replay, sent }
}

const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve()
  await new Promise((r) => setImmediate(r))
  flushSync()
}

describe('the replay view’s state', () => {
  test('lists the session’s inputs, and leaves out those unchecked', async () => {
    const { replay, sent } = setUp(
      { store: recorded(), name: 'the live session' },
      { 'POST /replay': () => Response.json(running, { status: 202 }) }
    )
    replay.show()
    expect(replay.open).toBe(true)
    expect(replay.inputs).toEqual([
      { seq: 11, type: 'add' },
      { seq: 14, type: 'add' }
    ])
    replay.toggleInput(14)
    replay.toggleInput(11)
    replay.toggleInput(14)
    expect(replay.without).toEqual([11])
    await replay.start()
    expect(sent[0]?.path).toBe('/replay')
    expect(sent[0]?.init?.headers).toEqual({ 'content-type': 'application/json' })
    expect(JSON.parse(sent[0]?.init?.body as string)).toEqual({ without: [11] })
    expect(replay.running).toBe(true)
    expect(replay.recordedName).toBe('the live session')
  })

  test('a document is sent as its file, with the module and the inputs left out in the query', async () => {
    const file = new Blob(['the document’s file'])
    const { replay, sent } = setUp(
      { store: recorded(), name: 'old.ndjson', file: () => file },
      { 'POST /replay': () => Response.json({ ...running, source: 'session' }, { status: 202 }) }
    )
    replay.show()
    replay.toggleInput(14)
    replay.module = ' /edited/counter.mjs '
    await replay.start()
    expect(sent[0]?.path).toBe('/replay?module=%2Fedited%2Fcounter.mjs&without=14')
    expect(sent[0]?.init?.body).toBe(file)
    expect(sent[0]?.init?.headers).toEqual({ 'content-type': 'application/x-ndjson' })
  })

  test('its end, told on the stream, fetches the result: rows side by side, marked, and both states at a row', async () => {
    const { replay, sent } = setUp(
      { store: recorded(), name: 'the live session' },
      { 'POST /replay': () => Response.json(running, { status: 202 }), 'GET /replay': () => Response.json(result) }
    )
    await replay.start()
    replay.noticed({ ...running, done: 2 })
    expect(replay.notice?.done).toBe(2)
    expect(sent.map((s) => s.path)).toEqual(['/replay'])
    replay.noticed({ ...running, phase: 'done', done: 3, identical: false })
    await settle()
    expect(sent.map((s) => `${s.init?.method ?? 'GET'} ${s.path}`)).toEqual(['POST /replay', 'GET /replay'])
    expect(replay.running).toBe(false)
    expect(replay.rows.map((r) => r.kind)).toEqual(['same', 'changed', 'vanished', 'changed'])
    expect(replay.rows[1]).toEqual({
      input: 1,
      recorded: { seq: 12, text: 'count · add' },
      replayed: { seq: 2, text: 'count · add' },
      kind: 'changed',
      paths: ['/count'],
      more: 0
    })
    expect(replay.rows[2]?.paths).toEqual([])
    expect(replay.changedRows).toBe(3)

    // The first row that differs is selected at once.
    expect(replay.selected).toBe(1)
    replay.step(-1)
    expect(replay.selected).toBe(0)
    expect(replay.detail?.changes).toEqual([])
    replay.nextChange()
    expect(replay.selected).toBe(1)
    expect(replay.detail?.recorded).toEqual({ count: 1, other: 'x' })
    expect(replay.detail?.replayed).toEqual({ count: 10, other: 'x' })
    expect(replay.detail?.changes.map((c) => [c.path, c.before, c.after])).toEqual([['/count', 1, 10]])
    // A row with the recorded side only: the replayed state is the one after its last entry before.
    replay.step(1)
    expect(replay.detail?.recorded).toEqual({ count: 1, other: 1 })
    expect(replay.detail?.replayed).toEqual({ count: 10, other: 'x' })
    expect(replay.detail?.changes.map((c) => c.path).sort()).toEqual(['/count', '/other'])

    replay.onlyChanged = true
    expect(replay.rows.map((r) => r.recorded?.seq)).toEqual([12, 13, 15])

    replay.selected = 5
    expect(replay.detail).toBeUndefined()
    replay.step(-1)
    expect(replay.selected).toBe(2)
  })

  test('notices of an older replay, and the end of another window’s, fetch nothing', async () => {
    const { replay, sent } = setUp({ store: recorded(), name: 'live' }, { 'GET /replay': () => Response.json(result) })
    replay.noticed({ ...running, id: 8, phase: 'done' })
    replay.noticed({ ...running, id: 7 })
    replay.noticed({ nonsense: true })
    await settle()
    expect(replay.notice?.id).toBe(8)
    expect(sent).toEqual([])
    expect(replay.result).toBeUndefined()
  })

  test('errors are said, and nothing starts: no module to replay against, a refusal, no host', async () => {
    const none = setUp({ store: recorded(), name: 'live' }, {}, null)
    await none.replay.start()
    expect(none.replay.error).toMatch(/No runtime module is loaded/)
    expect(none.sent).toEqual([])

    const busy = setUp(
      { store: recorded(), name: 'live' },
      { 'POST /replay': () => Response.json({ error: { message: 'a replay is running already' } }, { status: 409 }) }
    )
    await busy.replay.start()
    expect(busy.replay.error).toBe('The replay did not start: a replay is running already')
    expect(busy.replay.running).toBe(false)

    const gone = new Replay({
      request: () => Promise.reject(new TypeError('fetch failed')),
      source: () => ({ store: recorded(), name: 'live' }),
      live: () => ({ store: recorded(), name: 'live' }),
      runtimeModule: () => '/m.mjs'
    })
    await gone.start()
    expect(gone.error).toBe('the host could not be reached: fetch failed')
    await gone.cancel()
    expect(gone.error).toBe('the host could not be reached: fetch failed')
  })

  test('names entries in a few words', () => {
    const store = recorded()
    expect(textOf(store, 10)).toBe('the initial state')
    expect(textOf(store, 11)).toBe('input')
    expect(textOf(store, 12)).toBe('count · add')
    expect(textOf(store, 99)).toBe('(not held by this window)')
    expect(textOf(undefined, 1)).toBe('(not held by this window)')
  })

  test('a replay that does not start puts away the result shown before, so it is not read as this one’s', async () => {
    let answer = (): Response => Response.json(running, { status: 202 })
    const { replay } = setUp(
      { store: recorded(), name: 'live' },
      { 'POST /replay': () => answer(), 'GET /replay': () => Response.json(result) }
    )
    await replay.start()
    replay.noticed({ ...running, phase: 'done', done: 3 })
    await settle()
    expect(replay.rows).toHaveLength(4)
    answer = () => Response.json({ error: { message: 'no such file' } }, { status: 400 })
    expect(await replay.start(undefined, '/typo.mjs')).toBe(false)
    expect(replay.error).toBe('The replay did not start: no such file')
    expect(replay.result).toBeUndefined()
    expect(replay.rows).toEqual([])
  })

  test('a replay the desktop shell started (Reload’s offer) is shown on the live session, running or ended', async () => {
    const live = recorded()
    const doc = { store: recorded(), name: 'old.ndjson', file: () => new Blob(['x']) }
    const sent: string[] = []
    let body: unknown = { ...running, id: 9 }
    const replay = new Replay({
      request: async (path) => (sent.push(path), Response.json(body)),
      source: () => doc,
      live: () => ({ store: live, name: 'the live session' }),
      runtimeModule: () => '/m/counter.mjs'
    })
    await replay.adopt(9)
    expect(replay.open).toBe(true)
    expect(replay.recordedName).toBe('the live session')
    expect(replay.running).toBe(true)
    expect(replay.result).toBeUndefined()
    body = { ...result, id: 9 }
    replay.noticed({ ...running, id: 9, phase: 'done', done: 3 })
    await settle()
    expect(sent).toEqual(['/replay', '/replay'])
    expect(replay.rows.map((r) => r.kind)).toEqual(['same', 'changed', 'vanished', 'changed'])

    // Told after its end: the host's answer is the result.
    body = { ...result, id: 10 }
    await replay.adopt(10)
    expect(replay.result?.id).toBe(10)
    expect(replay.running).toBe(false)
  })

  test('the inputs are those of the last run: a reload starts a new one, a resumed run is marked', () => {
    const store = recorded()
    expect(lastRun(store)).toEqual({
      inputs: [
        { seq: 11, type: 'add' },
        { seq: 14, type: 'add' }
      ],
      resumed: false
    })
    store.ingest({ type: 'state.initial', seq: 16, slices: { count: 0, other: 'x' }, timestamp: 2_000 }, '')
    expect(lastRun(store)).toEqual({ inputs: [], resumed: false })
    const next = input(17, 'sub')
    store.ingest(next, JSON.stringify(next))
    expect(lastRun(store).inputs).toEqual([{ seq: 17, type: 'sub' }])
    const reset = { type: 'state.initial', seq: 18, slices: { count: 1, other: 'x' }, timestamp: 3_000 } as const
    store.ingest(reset, JSON.stringify(reset))
    const resumed: HistoryEvent = {
      type: 'custom-event',
      seq: 19,
      data: noteData({ note: 'resume', from: 12, reached: 12, identical: true }),
      timestamp: 3_001
    }
    store.ingest(resumed, JSON.stringify(resumed))
    expect(lastRun(store)).toEqual({ inputs: [], resumed: true })
  })

  test('the inputs listed follow the run as entries arrive: a reload starts a new run, and a choice no longer there is dropped before a replay', async () => {
    const store = recorded()
    const { replay, sent } = setUp({ store, name: 'live' }, { 'POST /replay': () => Response.json(running, { status: 202 }) })
    replay.show()
    replay.toggleInput(14)
    expect(replay.without).toEqual([14])
    const more = input(16, 'sub')
    store.ingest(more, JSON.stringify(more))
    replay.entriesChanged()
    expect(replay.inputs.map((i) => i.seq)).toEqual([11, 14, 16])
    const reset = { type: 'state.initial', seq: 17, slices: { count: 0, other: 'x' }, timestamp: 3_000 } as const
    store.ingest(reset, JSON.stringify(reset))
    // Not yet told: the replay reads what is new before it starts.
    await replay.start()
    expect(replay.inputs).toEqual([])
    expect(JSON.parse(sent[0]?.init?.body as string)).toEqual({ without: [] })
  })

  test('with only the rows that differ shown, a side with no entry yet reads its state from the rows hidden before (the initial one)', async () => {
    const vanishedFirst: ReplayResultBody = {
      ...result,
      steps: [
        { input: 0, recorded: 10, replayed: 0, paths: [] },
        { input: 1, recorded: 12, paths: [''] }
      ]
    }
    const { replay } = setUp(
      { store: recorded(), name: 'live' },
      { 'POST /replay': () => Response.json(running, { status: 202 }), 'GET /replay': () => Response.json(vanishedFirst) }
    )
    await replay.start()
    replay.noticed({ ...running, phase: 'done', done: 3 })
    await settle()
    replay.onlyChanged = true
    replay.selected = 0
    expect(replay.rows[0]?.kind).toBe('vanished')
    expect(replay.detail?.recorded).toEqual({ count: 1, other: 'x' })
    expect(replay.detail?.replayed).toEqual({ count: 0, other: 'x' })
    expect(replay.detail?.changes.map((c) => c.path)).toEqual(['/count'])
  })
})
