/**
 * A branch resumed while a request was in flight: the request is sent for real under the number the
 * recording gave it, the branch's own requests are numbered after those its replay made, and the
 * branch replays through the run it branched from with the service stopped.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { historyEvents, replaySession } from '../../../src/host/replay'
import type { Effect } from '../../../src/shared/effects'
import { noteOf } from '../../../src/shared/notes'
import type { HistoryEvent } from '../../../src/shared/protocol'
import type { ResumeOutcome } from '../../../src/shared/replay'
import { startTestHost, type TestHost } from '../../helpers/host'
import { editedCopy, FORECAST, until, weatherService } from './record'

let h: TestHost | undefined
let events: HistoryEvent[]
let outcome: ResumeOutcome
/** The entry resumed from: the first request's first update, made in the turn that sent it. */
let fetching: HistoryEvent
/** What the service was asked, in order. */
let requests: string[]

const effectsOf = (list: readonly HistoryEvent[]): Effect[] =>
  list.flatMap((e) => {
    const n = noteOf(e)
    return n?.note === 'effects' ? n.effects : []
  })

/** Whether the branch (the history after its reset) answered the request for `city`: its state says so. */
const answered = (t: TestHost, city: string): boolean => {
  const { lastSeq } = t.host.history
  if (lastSeq <= outcome.seq + 1) return false
  const requests = t.host.history.stateAt(lastSeq).requests as Record<string, { city: string; status: string }>
  return Object.values(requests).some((r) => r.city === city && r.status === 'answered')
}

beforeAll(async () => {
  const service = await weatherService()
  requests = service.requests
  const t = (h = await startTestHost({ runtime: FORECAST }))
  try {
    expect((await t.dispatch({ type: 'forecast/ask', payload: { city: 'Paris', url: service.url } })).status).toBe(200)
    fetching = historyEvents(t.host.history).find((e) => e.type === 'state.update' && e.slice === 'requests') as HistoryEvent
    const res = await t.fetch('/resume', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ seq: fetching.seq })
    })
    expect(res.status).toBe(200)
    outcome = (await res.json()) as ResumeOutcome
    // The request was made in the turn resumed at; its response came after: it is sent again, for real.
    expect(outcome).toMatchObject({ identical: true, issues: [], handedOver: { fetches: 1 } })
    await until(t, () => answered(t, 'Paris'))
    expect((await t.dispatch({ type: 'forecast/ask', payload: { city: 'Oslo', url: service.url } })).status).toBe(200)
    events = historyEvents(t.host.history)
  } finally {
    await new Promise((resolve) => service.server.close(resolve))
  }
}, 60_000)

afterAll(async () => {
  await h?.close()
})

test('the request handed over is answered under its number; the branch’s own is numbered after', () => {
  expect(requests).toEqual([
    expect.stringMatching(/city=Paris$/),
    expect.stringMatching(/city=Paris$/),
    expect.stringMatching(/city=Oslo$/)
  ])
  const own = effectsOf(events.filter((e) => e.seq > outcome.seq))
  expect(noteOf(events.find((e) => e.seq === outcome.seq + 1) as HistoryEvent)).toMatchObject({ note: 'resume', numbered: true })
  // The runtime made request 1 before the point resumed at (the origin recorded it): the branch records its answer only.
  expect(own.filter((e) => e.k === 'fetch' || e.k === 'response').map((e) => [e.k, (e as { id: number }).id])).toEqual([
    ['response', 1],
    ['fetch', 2],
    ['response', 2]
  ])
})

test('replays identical through the run it branched from, with the service stopped', async () => {
  const { report } = await replaySession({ events, module: FORECAST })
  expect(report.issues).toEqual([])
  expect(report).toMatchObject({ identical: true, branch: { seq: outcome.seq, from: fetching.seq, inputs: 1 } })
  // The branch's own input (Oslo); Paris was dispatched to get there.
  expect(report.session.inputs).toBe(1)
  expect(requests).toHaveLength(3)
})

test('an edit of how the answer is phrased diverges on the branch, in the answer to the request handed over', async () => {
  const edited = await editedCopy(FORECAST, '`${opener} it is ${weather.tempC} °C', '`${opener}, it is ${weather.tempC} °C')
  const { report } = await replaySession({ events, module: edited })
  expect(report.identical).toBe(false)
  expect(report.issues).toEqual([])
  expect(report.first).toMatchObject({ input: 0, slice: 'answers', recorded: { type: 'state.update' } })
  expect(report.first?.recorded?.seq).toBeGreaterThan(outcome.seq)
  expect(String(report.first?.diff.replayed)).toMatch(/^\w[\w ]*, /)
})
