/**
 * A session file carries the whole history: a second host replays a branch of a branch it holds,
 * and resumes inside it, through the runs it branched from (their seqs are the file's).
 */
import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { historyEvents } from '../../../src/host/replay'
import { noteOf } from '../../../src/shared/notes'
import type { HistoryEvent, Slices } from '../../../src/shared/protocol'
import type { ReplayNotice, ReplayResultBody, ResumeOutcome } from '../../../src/shared/replay'
import { fixture, startTestHost, type TestHost } from '../../helpers/host'
import { exportTo } from '../replay/record'

const COUNTER = fixture('replay-counter.mjs')
let first: TestHost
let second: TestHost
let file: Buffer
let events: HistoryEvent[]
/** The reset of the branch of a branch, and an entry of its own. */
let reset: number
let inside: number

async function post(t: TestHost, path: string, body: unknown): Promise<Response> {
  return t.fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
}

async function add(t: TestHost, by: number): Promise<void> {
  expect((await t.dispatch({ type: 'add', payload: { by } })).status).toBe(200)
}

/** The `state.update`s after the last input note of `events`. */
const lastUpdates = (list: readonly HistoryEvent[]): HistoryEvent[] => {
  const input = list.findLast((e) => noteOf(e)?.note === 'input') as HistoryEvent
  return list.filter((e) => e.seq > input.seq && e.type === 'state.update')
}

beforeAll(async () => {
  first = await startTestHost({ runtime: COUNTER })
  for (const by of [1, 2, 3]) await add(first, by)
  // Back to the end of the first input, then 10; back to the end of that, then 100 and 1000.
  expect((await post(first, '/resume', { seq: lastUpdates(historyEvents(first.host.history).slice(0, 5)).at(-1)?.seq })).status).toBe(200)
  await add(first, 10)
  const branch = await post(first, '/resume', { seq: lastUpdates(historyEvents(first.host.history)).at(-1)?.seq })
  expect(branch.status).toBe(200)
  reset = ((await branch.json()) as ResumeOutcome).seq
  await add(first, 100)
  inside = lastUpdates(historyEvents(first.host.history)).at(-1)?.seq as number
  await add(first, 1000)
  events = historyEvents(first.host.history)
  expect(await first.state()).toMatchObject({ count: 1111 })
  file = await readFile(await exportTo(first))
  second = await startTestHost({ runtime: COUNTER })
}, 60_000)

afterAll(async () => {
  await first?.close()
  await second?.close()
})

test('POST /replay with the session file replays its last run, a branch of a branch, identical', async () => {
  const client = await second.events()
  const res = await second.fetch('/replay', { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: file })
  expect(res.status).toBe(202)
  // One input to the first branch point, one more to the second, and the branch's own two.
  expect(await res.json()).toMatchObject({ source: 'session', total: 5 })
  await client.waitFor((e) => (e.type as string) === 'replay' && (e as unknown as ReplayNotice).phase !== 'running')
  const result = await second.getJson<ReplayResultBody>('/replay')
  expect(result).toMatchObject({ phase: 'done', identical: true })
  expect(result.report).toMatchObject({ identical: true, session: { inputs: 2 }, replayed: { inputs: 2 }, issues: [] })
  // The rows are the branch's, by the file's seqs: its reset first.
  expect(result.steps[0]).toMatchObject({ recorded: reset, paths: [] })
  expect(result.steps.every((s) => (s.recorded ?? reset) >= reset)).toBe(true)
})

test('POST /resume with the session file, at an entry of the branch of a branch: the state recorded there, live', async () => {
  const res = await second.fetch(`/resume?seq=${inside}&name=first.ndjson`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson' },
    body: file
  })
  expect(res.status).toBe(200)
  const outcome = (await res.json()) as ResumeOutcome
  expect(outcome).toMatchObject({ from: inside, reached: inside, session: 'first.ndjson', inputs: 3, identical: true, issues: [] })
  const recorded = first.host.history.stateAt(inside) as Slices
  expect(recorded).toMatchObject({ count: 111 })
  expect(await second.state()).toEqual(recorded)
  expect(events.find((e) => e.seq === inside)).toMatchObject({ type: 'state.update', slice: 'log' })
})
