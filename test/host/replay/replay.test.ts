import { beforeAll, describe, expect, test } from 'vitest'
import { historyEvents, NotReplayable, replaySession, type ReplayResult } from '../../../src/host/replay'
import { noteOf } from '../../../src/shared/notes'
import type { HistoryEvent } from '../../../src/shared/protocol'
import { startTestHost } from '../../helpers/host'
import { AGENT, editedCopy, FORECAST, recordAgent, weatherService } from './record'

let agent: HistoryEvent[]

beforeAll(async () => {
  agent = (await recordAgent()).events
})

const withoutTime = (events: readonly HistoryEvent[]): unknown[] =>
  events.filter((e) => noteOf(e)?.note !== 'effects').map(({ seq: _s, timestamp: _t, ...rest }) => rest)

describe('the agent example (timers, the clock)', () => {
  test('records its timers and clock reads as effects notes, and its question as an input', () => {
    const notes = agent.map(noteOf).filter((n) => n !== undefined)
    expect(notes.filter((n) => n.note === 'input')).toHaveLength(1)
    const effects = notes.flatMap((n) => (n.note === 'effects' ? n.effects : []))
    expect(effects.some((e) => e.k === 'fire')).toBe(true)
    expect(effects.some((e) => e.k === 'now')).toBe(true)
  })

  test('replays identical, entry for entry, many times over', async () => {
    const runs: ReplayResult[] = []
    for (let i = 0; i < 3; i++) runs.push(await replaySession({ events: agent, module: AGENT }))
    for (const { report, history } of runs) {
      expect(report.issues).toEqual([])
      expect(report).toMatchObject({ identical: true, paths: [], appeared: [], vanished: [], finalState: { diffs: [], more: 0 } })
      expect(report.first).toBeUndefined()
      expect(report.replayed).toEqual({ inputs: 1, entries: report.session.entries })
      // The same entries with the same values (the replay writes no effects notes of its own).
      expect(withoutTime(history)).toEqual(withoutTime(agent))
    }
  })

  test('an edited copy with a one-line change diverges at the first token, at /usage/outputTokens, and nowhere else', async () => {
    const edited = await editedCopy(AGENT, 'outputTokens: state.usage.outputTokens + 1', 'outputTokens: state.usage.outputTokens + 2')
    const progress: number[] = []
    const { report } = await replaySession({ events: agent, module: edited, onProgress: (done) => progress.push(done) })
    expect(progress).toEqual([1, 2])
    expect(report.identical).toBe(false)
    const firstToken = agent.find((e) => e.type === 'state.update' && e.slice === 'usage' && e.cause.type === 'agent/token')
    expect(report.first).toMatchObject({
      input: 0,
      slice: 'usage',
      recorded: { seq: firstToken?.seq, type: 'state.update', label: 'agent/token' },
      replayed: { type: 'state.update', label: 'agent/token' },
      diff: { path: '/usage/outputTokens' }
    })
    expect((report.first?.diff.replayed as number) - (report.first?.diff.recorded as number)).toBe(1)
    expect(report.paths.map((p) => p.path)).toEqual(['/usage/outputTokens'])
    const tokens = agent.filter((e) => e.type === 'state.update' && e.slice === 'usage' && e.cause.type === 'agent/token').length
    // Every usage update from the first token on, then the usage updates of the question (the prompt's count) that follow.
    expect(report.paths[0]?.count).toBeGreaterThanOrEqual(tokens)
    expect(report).toMatchObject({ appeared: [], vanished: [], errors: { appeared: [], vanished: [] }, issues: [] })
    expect(report.finalState.diffs.map((d) => d.path)).toEqual(['/usage/outputTokens'])
  })

  test('an input the runtime now rejects is reported, its failure shown, and the replay goes on', async () => {
    const edited = await editedCopy(AGENT, "case 'agent/ask':", "case 'agent/ask-renamed':")
    const { report } = await replaySession({ events: agent, module: edited })
    expect(report.issues[0]).toEqual({
      kind: 'rejected',
      input: 1,
      message: expect.stringMatching(/rejected input 1: .*unknown action agent\/ask/)
    })
    // What the recording did after it (its timers, its clock reads) did not happen: said, not fatal.
    expect(new Set(report.issues.slice(1).map((i) => i.kind))).toEqual(new Set(['timer', 'effects']))
    expect(report.errors.appeared).toEqual([expect.objectContaining({ input: 1, label: 'dispatch (threw agent/ask)' })])
    expect(report.vanished.length).toBeGreaterThan(10)
    expect(report.first?.input).toBe(1)
    expect(report.replayed.inputs).toBe(1)
  })
})

describe('a runtime that calls fetch', () => {
  let events: HistoryEvent[]
  let requests: string[]

  beforeAll(async () => {
    const service = await weatherService()
    requests = service.requests
    const h = await startTestHost({ runtime: FORECAST })
    try {
      for (const city of ['Paris', 'Oslo']) {
        const res = await h.dispatch({ type: 'forecast/ask', payload: { city, url: service.url } })
        expect(res.status).toBe(200)
      }
      events = historyEvents(h.host.history)
    } finally {
      await h.close()
      await new Promise((resolve) => service.server.close(resolve))
    }
  })

  test('records the request and its whole response, the UUID, the random bytes and choices, and the clocks', () => {
    const effects = events.flatMap((e) => {
      const n = noteOf(e)
      return n?.note === 'effects' ? n.effects : []
    })
    expect(effects.filter((e) => e.k === 'fetch')).toEqual([
      expect.objectContaining({ id: 1, method: 'GET', url: expect.stringMatching(/city=Paris$/) }),
      expect.objectContaining({ id: 2, method: 'GET', url: expect.stringMatching(/city=Oslo$/) })
    ])
    expect(effects.filter((e) => e.k === 'response')).toEqual([
      expect.objectContaining({ id: 1, status: 200, body: '{"tempC":15,"sky":"light rain"}' }),
      expect.objectContaining({ id: 2, status: 200, body: '{"tempC":14,"sky":"snow"}' })
    ])
    for (const k of ['uuid', 'bytes', 'random', 'perf', 'now'] as const) expect(effects.some((e) => e.k === k)).toBe(true)
    // Node's own fetch machinery (its timers, its performance.now) is not the runtime's: no timer of it recorded.
    expect(effects.filter((e) => e.k === 'fire').length).toBe(effects.filter((e) => e.k === 'random').length - 2)
    expect(requests).toHaveLength(2)
  })

  test('replays identical with the service stopped', async () => {
    const { report } = await replaySession({ events, module: FORECAST })
    expect(report.issues).toEqual([])
    expect(report.identical).toBe(true)
    expect(requests).toHaveLength(2)
  })

  test('a request the recording has no response for is reported, and fails in the runtime as a network error would', async () => {
    const edited = await editedCopy(FORECAST, '?city=${encodeURIComponent(city)}', '?place=${encodeURIComponent(city)}')
    const { report } = await replaySession({ events, module: edited })
    expect(report.issues.filter((i) => i.kind === 'no-response')).toEqual([
      { kind: 'no-response', input: 1, message: expect.stringMatching(/no response for GET .*place=Paris/) },
      { kind: 'no-response', input: 2, message: expect.stringMatching(/no response for GET .*place=Oslo/) }
    ])
    expect(report.identical).toBe(false)
    expect(report.finalState.diffs.some((d) => /\/requests\/.*\/status$/.test(d.path) && d.replayed === 'failed')).toBe(true)
  })
})

describe('sessions that cannot be replayed', () => {
  test('a version 1 session says it cannot be replayed, and why', async () => {
    await expect(replaySession({ events: agent, module: AGENT, version: 1 })).rejects.toThrow(NotReplayable)
    await expect(replaySession({ events: agent, module: AGENT, version: 1 })).rejects.toThrow(
      /version 1.*not replayed|cannot be replayed: .*version 1/s
    )
  })

  test('a history without a state.initial cannot be replayed', async () => {
    await expect(replaySession({ events: agent.slice(1), module: AGENT })).rejects.toThrow(/no state.initial/)
  })
})
