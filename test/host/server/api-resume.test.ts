import { afterEach, describe, expect, test } from 'vitest'
import { noteOf } from '../../../src/shared/notes'
import type { HistoryEvent } from '../../../src/shared/protocol'
import type { ReplayNotice, ReplayResultBody, ResumeOutcome } from '../../../src/shared/replay'
import { historyEvents } from '../../../src/host/replay'
import { fixture, startTestHost, type TestHost } from '../../helpers/host'
import { AGENT, exportTo, hasStatus, until } from '../replay/record'

const COUNTER = fixture('replay-counter.mjs')
let h: TestHost | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

const resume = (t: TestHost, body: unknown): Promise<Response> =>
  t.fetch('/resume', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

/** The seqs of the entries each input caused (its note, then what followed until the next input). */
function updatesOf(events: readonly HistoryEvent[], input: number): HistoryEvent[] {
  const inputs = events.filter((e) => noteOf(e)?.note === 'input')
  const start = inputs[input - 1]?.seq ?? Infinity
  const end = inputs[input]?.seq ?? Infinity
  return events.filter((e) => e.seq > start && e.seq < end && e.type === 'state.update')
}

async function counterWithThree(): Promise<TestHost> {
  const t = await startTestHost({ runtime: COUNTER })
  for (const by of [1, 2, 3]) expect((await t.dispatch({ type: 'add', payload: { by } })).status).toBe(200)
  return t
}

describe('POST /resume', () => {
  test('brings a fresh runtime to the end of the 2nd input, live: the state equals the one recorded there, and a new action goes on from it', async () => {
    h = await counterWithThree()
    const before = historyEvents(h.host.history)
    const second = updatesOf(before, 2)
    // The first entry of the 2nd input's turn: the runtime is brought to the end of that turn.
    const at = second[0]?.seq as number
    const reached = second[second.length - 1]?.seq as number
    const recorded = h.host.history.stateAt(reached)
    expect(recorded.count).toBe(3)

    const res = await resume(h, { seq: at })
    expect(res.status).toBe(200)
    const outcome = (await res.json()) as ResumeOutcome
    expect(outcome).toMatchObject({ from: at, reached, inputs: 2, identical: true, differences: [], issues: [] })

    // The live state is the recorded state at that entry: the clock and dice of the two log steps included.
    expect(JSON.parse(await (await h.fetch('/state')).text())).toEqual(recorded)
    expect((await h.dispatch({ type: 'add', payload: { by: 10 } })).status).toBe(200)
    const live = JSON.parse(await (await h.fetch('/state')).text()) as { count: number; log: { by: number }[] }
    expect(live.count).toBe(13)
    expect(live.log.slice(0, 2)).toEqual(recorded.log)
    expect(live.log.map((l) => l.by)).toEqual([1, 2, 10])

    // The old branch is kept in the history: its entries and states are as recorded, then the branch's reset and note.
    const after = historyEvents(h.host.history)
    expect(after.slice(0, before.length)).toEqual(before)
    const branch = after[before.length] as HistoryEvent
    expect(branch).toMatchObject({ type: 'state.initial', seq: outcome.seq, slices: recorded })
    expect(noteOf(after[before.length + 1] as HistoryEvent)).toEqual({ note: 'resume', from: at, reached, identical: true, numbered: true })
    expect(h.host.history.stateAt(before[before.length - 1]?.seq as number).count).toBe(6)
  })

  test('the old history stays exportable, and a session file sent as the body resumes too (its own seqs, named)', async () => {
    h = await counterWithThree()
    const events = historyEvents(h.host.history)
    const first = updatesOf(events, 1)
    const at = first[first.length - 1]?.seq as number
    const file = await exportTo(h)
    const { readFile } = await import('node:fs/promises')
    const res = await h.fetch(`/resume?seq=${at}&name=old.ndjson`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: await readFile(file)
    })
    expect(res.status).toBe(200)
    const outcome = (await res.json()) as ResumeOutcome
    expect(outcome).toMatchObject({ from: at, reached: at, session: 'old.ndjson', identical: true, inputs: 1 })
    expect(JSON.parse(await (await h.fetch('/state')).text())).toMatchObject({ count: 1 })
    const last = historyEvents(h.host.history).at(-1) as HistoryEvent
    expect(noteOf(last)).toMatchObject({ note: 'resume', from: at, session: 'old.ndjson' })
  })

  test('the agent example resumed in the middle of its first execution: its pending timers are handed to real ones and it runs on to the end', async () => {
    h = await startTestHost({ runtime: AGENT })
    const t = h
    await until(t, () => hasStatus(t, 'exec-2', 'failed'))
    const events = historyEvents(t.host.history)
    const token = events.find((e) => e.type === 'state.update' && e.cause.type === 'agent/token') as HistoryEvent
    const res = await resume(t, { seq: token.seq })
    expect(res.status).toBe(200)
    const outcome = (await res.json()) as ResumeOutcome
    expect(outcome.identical).toBe(true)
    expect(outcome.issues).toEqual([])
    expect(outcome.handedOver.timers).toBeGreaterThan(0)
    const branch = outcome.seq
    // Live again: the rest of the demo runs on real timers, and the second execution fails as it did.
    await until(t, () => {
      for (let seq = branch; seq <= t.host.history.lastSeq; seq++) {
        const e = t.host.history.event(seq)
        if (e.type === 'execution.status' && e.executionId === 'exec-2' && e.turnId === undefined && e.status === 'failed') return true
      }
      return false
    })
  })

  test('clear refusals: no such entry, an entry folded into the base, a module that fails; nothing changes', async () => {
    h = await counterWithThree()
    const lastSeq = h.host.history.lastSeq
    const missing = await resume(h, { seq: lastSeq + 50 })
    expect(missing.status).toBe(422)
    expect(((await missing.json()) as { error: { message: string } }).error.message).toMatch(/there is no entry/)
    expect((await resume(h, { seq: -1 })).status).toBe(400)
    expect((await resume(h, {})).status).toBe(400)
    const bad = await resume(h, { seq: 2, module: 'test/fixtures/not-there.mjs' })
    expect(bad.status).toBe(422)
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/not-there\.mjs/)
    expect(h.host.history.lastSeq).toBe(lastSeq)
    expect(JSON.parse(await (await h.fetch('/state')).text())).toMatchObject({ count: 6 })

    await h.close()
    h = await startTestHost({ runtime: COUNTER, limits: { maxEntries: 8 } })
    for (let i = 0; i < 6; i++) await h.dispatch({ type: 'add' })
    const folded = await resume(h, { seq: 1 })
    expect(folded.status).toBe(422)
    expect(((await folded.json()) as { error: { message: string } }).error.message).toMatch(/folded into the history's base/)
  })

  test('a version 1 session file is refused, with the reason', async () => {
    h = await counterWithThree()
    const { readFile } = await import('node:fs/promises')
    const text = (await readFile(await exportTo(h), 'utf8')).split('\n')
    text[0] = text[0]?.replace('"version":2', '"version":1') ?? ''
    // The closing line no longer matches: the file imports as changed, and is still read whole.
    const res = await h.fetch('/resume?seq=3', {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: text.join('\n')
    })
    expect(res.status).toBe(422)
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/session file version 1/)
  })
})

test('a replay of a history whose last run was resumed replays the branch: the run it came from up to there, then its own inputs', async () => {
  h = await counterWithThree()
  const client = await h.events()
  const outcome = await resume(h, { seq: 3 })
  expect(outcome.status).toBe(200)
  expect((await h.dispatch({ type: 'add', payload: { by: 7 } })).status).toBe(200)
  const res = await h.fetch('/replay', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
  expect(res.status).toBe(202)
  // The inputs before the branch point (1) and the branch's own (1): a segment each, and the one before the first.
  expect(await res.json()).toMatchObject({ phase: 'running', source: 'history', total: 3 })
  await client.waitFor((e) => (e.type as string) === 'replay' && (e as unknown as ReplayNotice).phase !== 'running')
  const result = await h.getJson<ReplayResultBody>('/replay')
  expect(result).toMatchObject({ phase: 'done', identical: true, done: 3, total: 3 })
  expect(result.report).toMatchObject({ identical: true, session: { inputs: 1 }, replayed: { inputs: 1 }, issues: [] })
  const reset = ((await outcome.json()) as ResumeOutcome).seq
  expect(result.steps[0]).toMatchObject({ recorded: reset, paths: [] })
  expect(result.steps[1]).toMatchObject({ recorded: reset + 1, replayed: result.steps[0]?.replayed, paths: [] })
})
