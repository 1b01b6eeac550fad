import { afterEach, describe, expect, test } from 'vitest'
import { noteOf } from '../../../src/shared/notes'
import type { HistoryEvent } from '../../../src/shared/protocol'
import type { ReplayNotice, ReplayResultBody } from '../../../src/shared/replay'
import { fixture, startTestHost, type TestHost } from '../../helpers/host'
import type { SseTestClient } from '../../helpers/sse'
import { editedCopy } from '../replay/record'

const COUNTER = fixture('replay-counter.mjs')

let h: TestHost | undefined
let client: SseTestClient | undefined

afterEach(async () => {
  await client?.close()
  client = undefined
  if (h !== undefined && (await h.fetch('/replay', { method: 'DELETE' })).status === 204) {
    // A replay still running was cancelled: its thread ends before the host does.
  }
  await h?.close()
  h = undefined
})

async function post(t: TestHost, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await t.fetch('/replay', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

const message = (r: { body: Record<string, unknown> }): string => (r.body.error as { message: string }).message

/** A host on the counter, three steps recorded, and a client of its stream. */
async function recorded(): Promise<TestHost> {
  h = await startTestHost({ runtime: COUNTER })
  for (const by of [1, 2, 3]) expect((await h.dispatch({ type: 'add', payload: { by } })).status).toBe(200)
  client = await h.events()
  return h
}

/** Waits for the `replay` event saying replay `id` ended, then reads `GET /replay`. */
async function ended(t: TestHost, id: number): Promise<ReplayResultBody> {
  const c = client as SseTestClient
  const notice = await c.waitFor(
    (e) => (e.type as string) === 'replay' && (e as unknown as ReplayNotice).id === id && (e as unknown as ReplayNotice).phase !== 'running'
  )
  expect(notice.frame).toMatchObject({ event: 'replay', id: undefined })
  return t.getJson<ReplayResultBody>('/replay')
}

function inputs(t: TestHost): number[] {
  const out: number[] = []
  for (let seq = t.host.history.baseSeq + 1; seq <= t.host.history.lastSeq; seq++)
    if (noteOf(t.host.history.event(seq))?.note === 'input') out.push(seq)
  return out
}

describe('POST /replay on the host’s history', () => {
  test('replays against the runtime’s own module: identical, every row matched, progress and end told on the stream', async () => {
    const t = await recorded()
    const started = await post(t, {})
    expect(started.status).toBe(202)
    expect(started.body).toMatchObject({ id: 1, phase: 'running', module: COUNTER, source: 'history', without: [], total: 4 })
    const result = await ended(t, 1)
    expect(result).toMatchObject({ phase: 'done', identical: true, done: 4, total: 4, stepsMore: 0, historyMore: 0 })
    expect(result.report).toMatchObject({ identical: true, session: { inputs: 3 }, replayed: { inputs: 3 } })
    // Each recorded entry but the notes the replay does not compare has its row, matched and equal.
    expect(result.steps.every((s) => s.paths.length === 0 && s.recorded !== undefined && s.replayed !== undefined)).toBe(true)
    const updates: number[] = []
    for (let seq = 1; seq <= t.host.history.lastSeq; seq++) if (t.host.history.event(seq).type === 'state.update') updates.push(seq)
    expect(result.steps.map((s) => s.recorded).filter((seq) => updates.includes(seq as number))).toEqual(updates)
    // The replayed history: a state.initial numbered 0, then its own entries, with the same values.
    expect(result.history[0]).toMatchObject({ type: 'state.initial', seq: 0 })
    const last = result.history.filter((e): e is HistoryEvent & { type: 'state.update' } => e.type === 'state.update').at(-1)
    expect(last).toMatchObject({ slice: 'log' })
    const progress = (client as SseTestClient).events
      .filter((e) => (e.type as string) === 'replay')
      .map((e) => (e as unknown as ReplayNotice).done)
    expect(progress[0]).toBe(0)
    expect(progress.at(-1)).toBe(4)
    // The host's own history is not touched.
    expect(inputs(t)).toHaveLength(3)
  })

  test('an edited copy of the module diverges, and the rows say which entries and paths moved', async () => {
    const t = await recorded()
    const edited = await editedCopy(COUNTER, 'action.payload?.by ?? 1', '(action.payload?.by ?? 1) * 10')
    expect((await post(t, { module: edited })).status).toBe(202)
    const result = await ended(t, 1)
    expect(result).toMatchObject({ phase: 'done', identical: false, module: edited })
    const first = t.host.history.event((inputs(t)[0] as number) + 1)
    expect(result.report?.first).toMatchObject({ slice: 'count', diff: { path: '/count', recorded: 1, replayed: 10 } })
    expect(result.report?.first?.recorded?.seq).toBe(first.seq)
    const moved = result.steps.filter((s) => s.paths.length > 0)
    expect(moved.map((s) => s.recorded)).toContain(first.seq)
    expect(new Set(moved.flatMap((s) => s.paths))).toEqual(new Set(['/count', '/log/0/by', '/log/1/by', '/log/2/by']))
    expect(result.report?.finalState.diffs.find((d) => d.path === '/count')).toEqual({ path: '/count', recorded: 6, replayed: 60 })
  })

  test('without an input: it is not dispatched, its entries vanish, and what followed moves', async () => {
    const t = await recorded()
    const [firstInput, secondInput] = inputs(t) as [number, number]
    const started = await post(t, { without: [firstInput] })
    expect(started.body).toMatchObject({ without: [firstInput], total: 3 })
    const result = await ended(t, 1)
    expect(result.report).toMatchObject({ identical: false, session: { inputs: 2 }, replayed: { inputs: 2 } })
    const itsUpdates: number[] = []
    for (let seq = firstInput + 1; seq < secondInput; seq++) if (t.host.history.event(seq).type === 'state.update') itsUpdates.push(seq)
    expect(itsUpdates).toHaveLength(2)
    expect(result.report?.vanished.map((r) => r.seq)).toEqual(itsUpdates)
    const vanished = result.steps.filter((s) => s.replayed === undefined)
    expect(vanished.length).toBeGreaterThan(0)
    expect(vanished.every((s) => s.paths[0] === '')).toBe(true)
    expect(result.report?.finalState.diffs.find((d) => d.path === '/count')).toEqual({ path: '/count', recorded: 6, replayed: 5 })
  })

  test('one at a time: 409 while one runs; DELETE cancels it, and says so on the stream', async () => {
    h = await startTestHost({ runtime: fixture('bus-runtime.mjs') })
    const t = h
    client = await t.events()
    expect((await post(t, { module: fixture('replay-stalls.mjs') })).status).toBe(202)
    const again = await post(t, {})
    expect(again.status).toBe(409)
    expect(message(again)).toMatch(/a replay is running already/)
    expect(await t.getJson<ReplayResultBody>('/replay')).toMatchObject({ id: 1, phase: 'running', steps: [], history: [] })
    expect((await t.fetch('/replay', { method: 'DELETE' })).status).toBe(204)
    expect(await ended(t, 1)).toMatchObject({ phase: 'cancelled' })
    expect((await t.fetch('/replay', { method: 'DELETE' })).status).toBe(409)
    // The next one may start.
    expect((await post(t, {})).status).toBe(202)
    expect(await ended(t, 2)).toMatchObject({ phase: 'done' })
  })

  test('a module that fails to load ends the replay as failed, with the reason', async () => {
    const t = await recorded()
    const broken = await editedCopy(
      COUNTER,
      'export default function createRuntime() {',
      'export default function createRuntime() { throw new Error("broken on purpose")'
    )
    expect((await post(t, { module: broken })).status).toBe(202)
    const result = await ended(t, 1)
    expect(result.phase).toBe('failed')
    expect(result.error).toMatch(/broken on purpose/)
    expect(result.report).toBeUndefined()
  })

  test('refuses what it cannot use, naming what is wrong, and starts nothing', async () => {
    h = await startTestHost()
    const t = h
    expect((await t.fetch('/replay')).status).toBe(404)
    expect((await t.fetch('/replay', { method: 'DELETE' })).status).toBe(409)
    const none = await post(t, {})
    expect(none.status).toBe(400)
    expect(message(none)).toMatch(/no runtime module is loaded/)
    expect((await t.fetch('/replay', { method: 'POST', body: '{}' })).status).toBe(415)
    await t.host.loadRuntime(COUNTER)
    await t.dispatch({ type: 'add' })
    const missing = await post(t, { module: '/nowhere/runtime.mjs' })
    expect(missing.status).toBe(400)
    expect(message(missing)).toMatch(/does not exist/)
    const notInput = await post(t, { without: [1] })
    expect(notInput.status).toBe(422)
    expect(message(notInput)).toMatch(/entry 1 is not an input/)
    expect((await post(t, { without: ['x'] })).status).toBe(400)
    expect((await post(t, { module: 3 })).status).toBe(400)
    expect((await post(t, [])).status).toBe(400)
    expect((await t.fetch('/replay')).status).toBe(404)
    expect((await fetch(t.url('/replay'))).status).toBe(401)
  })
})

describe('POST /replay with a session file', () => {
  test('replays the file’s events, keeping the seqs the file gave them', async () => {
    const t = await recorded()
    const file = await (await t.fetch('/history?redact=false')).text()
    const firstSeq = (JSON.parse(file.split('\n')[1] as string) as HistoryEvent).seq
    const [, second] = inputs(t)
    const res = await t.fetch(`/replay?without=${second}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: file
    })
    expect(res.status).toBe(202)
    expect(await res.json()).toMatchObject({ source: 'session', module: COUNTER, without: [second] })
    const result = await ended(t, 1)
    expect(result.phase).toBe('done')
    expect(result.steps[0]).toMatchObject({ recorded: firstSeq, replayed: 0 })
    expect(result.report?.vanished.every((r) => r.seq > (second as number))).toBe(true)
  })

  test('a file that is not a session, or of version 1, is refused', async () => {
    const t = await recorded()
    const bad = await t.fetch('/replay', { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: 'nope\n' })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/cannot be replayed: line 1/)
    const file = await (await t.fetch('/history?redact=false')).text()
    const lines = file.split('\n').filter((l) => l !== '' && !l.includes('"sha256"'))
    lines[0] = lines[0]?.replace('"version":2', '"version":1') as string
    const old = await t.fetch('/replay', { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: lines.join('\n') })
    expect(old.status).toBe(422)
    expect(((await old.json()) as { error: { message: string } }).error.message).toMatch(/session file version 1/)
  })
})
