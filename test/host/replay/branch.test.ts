/**
 * Replay and Resume from here on a resumed branch: the runs it branched from are played up to the
 * point it was resumed at, then its own inputs and effects; the report compares the branch only.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  formatReport,
  historyEvents,
  NotReplayable,
  playedRun,
  replayScript,
  replaySession,
  resumePlan,
  withoutInputs
} from '../../../src/host/replay'
import type { Effect } from '../../../src/shared/effects'
import { noteData, noteOf, type Note } from '../../../src/shared/notes'
import type { HistoryEvent } from '../../../src/shared/protocol'
import type { ReplayNotice, ReplayReport, ReplayResultBody, ReplayStep, ResumeOutcome } from '../../../src/shared/replay'
import { fixture, startTestHost, type TestHost } from '../../helpers/host'
import { editedCopy } from './record'

const COUNTER = fixture('replay-counter.mjs')

const resume = async (t: TestHost, seq: number): Promise<ResumeOutcome> => {
  const res = await t.fetch('/resume', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seq }) })
  const body = (await res.json()) as ResumeOutcome & { error?: { message: string } }
  if (res.status !== 200) throw new Error(`POST /resume answered ${res.status}: ${body.error?.message}`)
  return body
}

const add = async (t: TestHost, by: number): Promise<void> => {
  const res = await t.dispatch({ type: 'add', payload: { by } })
  if (res.status !== 200) throw new Error(`the dispatch answered ${res.status}`)
}

/** The `state.update`s each input of the run beginning at `from` caused, by input (from 1). */
function updatesAfter(events: readonly HistoryEvent[], from: number, input: number): HistoryEvent[] {
  const inputs = events.filter((e) => e.seq >= from && noteOf(e)?.note === 'input')
  const start = inputs[input - 1]?.seq ?? Infinity
  const end = inputs[input]?.seq ?? Infinity
  return events.filter((e) => e.seq > start && e.seq < end && e.type === 'state.update')
}

const withoutTime = (events: readonly HistoryEvent[]): unknown[] =>
  events.filter((e) => noteOf(e)?.note !== 'effects').map(({ seq: _s, timestamp: _t, ...rest }) => rest)

describe('a branch of the counter (the clock and dice read on the way, and on the branch)', () => {
  let h: TestHost
  /** The history once the branch and the branch of the branch were recorded. */
  let events: HistoryEvent[]
  /** The first branch: its reset's seq, and the history when it was the last run. */
  let branch: { seq: number; events: HistoryEvent[]; state: unknown }
  let second: { seq: number; from: number; reached: number; state: unknown }

  beforeAll(async () => {
    h = await startTestHost({ runtime: COUNTER })
    for (const by of [1, 2, 3]) await add(h, by)
    const recorded = historyEvents(h.host.history)
    // Back to the 2nd input's first update: the runtime is brought to the end of its turn (count 3), then goes another way.
    const outcome = await resume(h, updatesAfter(recorded, 0, 2)[0]?.seq as number)
    expect(outcome).toMatchObject({ identical: true, inputs: 2 })
    await add(h, 10)
    await add(h, 20)
    branch = { seq: outcome.seq, events: historyEvents(h.host.history), state: await h.state() }
    expect(branch.state).toMatchObject({ count: 33 })

    // A branch of the branch: back to its first input (count 13), then 100 more.
    const at = updatesAfter(branch.events, branch.seq, 1)[0]?.seq as number
    const again = await resume(h, at)
    expect(again).toMatchObject({ identical: true, inputs: 3, differences: [] })
    expect(await h.state()).toEqual(h.host.history.stateAt(again.reached))
    expect(await h.state()).toMatchObject({ count: 13 })
    await add(h, 100)
    second = { seq: again.seq, from: at, reached: again.reached, state: await h.state() }
    events = historyEvents(h.host.history)
  }, 60_000)

  afterAll(async () => {
    await h?.close()
  })

  test('is played as the run it branched from up to the turn it was resumed at, then its own entries', () => {
    const played = playedRun(branch.events)
    const reset = branch.events.findIndex((e) => e.seq === branch.seq)
    const note = noteOf(branch.events[reset + 1] as HistoryEvent)
    expect(note).toMatchObject({ note: 'resume', identical: true })
    const { from, reached } = note as Extract<Note, { note: 'resume' }>
    expect(played.branch).toMatchObject({ initial: { seq: branch.seq }, at: expect.any(Number), inputs: 2 })
    // The origin's entries up to the turn's end (nothing of its 3rd input), then the branch's own after its reset and note.
    const seqs = played.events.map((e) => e.seq)
    expect(seqs.slice(0, played.branch?.at)).toEqual(branch.events.filter((e) => e.seq <= reached).map((e) => e.seq))
    expect(from).toBeLessThanOrEqual(reached)
    expect(seqs.slice(played.branch?.at)).toEqual(branch.events.slice(reset + 2).map((e) => e.seq))
    expect(played.events.filter((e) => e.type === 'state.initial')).toHaveLength(1)
  })

  test('(a) replays identical against the same module, compared from the branch’s reset on', async () => {
    const steps: ReplayStep[] = []
    const { report, history } = await replaySession({ events: branch.events, module: COUNTER, onStep: (s) => steps.push(s) })
    expect(report.issues).toEqual([])
    expect(report).toMatchObject({ identical: true, paths: [], appeared: [], vanished: [], finalState: { diffs: [], more: 0 } })
    // The branch's own inputs; the replay dispatched the two before the branch point as well.
    expect(report.session.inputs).toBe(2)
    expect(report.replayed).toEqual({ inputs: 2, entries: report.session.entries })
    expect(history.filter((e) => noteOf(e)?.note === 'input')).toHaveLength(4)
    // The branch's reset and its note are matched with the replayed entry the state was reached at; nothing before is a row.
    const note = branch.seq + 1
    expect(steps[0]).toMatchObject({ recorded: branch.seq, paths: [] })
    expect(steps[1]).toMatchObject({ recorded: note, replayed: steps[0]?.replayed, paths: [] })
    const point = history.find((e) => e.seq === steps[0]?.replayed) as HistoryEvent
    expect(point).toMatchObject({ type: 'state.update', slice: 'log' })
    expect(steps.every((s) => s.recorded === undefined || s.recorded >= branch.seq)).toBe(true)
    expect(steps.every((s) => s.recorded !== undefined && s.replayed !== undefined)).toBe(true)
    // Every entry of the branch has its row, and the replay's entries from the point on are the branch's own.
    const own = branch.events.filter((e) => e.seq > note && e.type === 'state.update').map((e) => e.seq)
    expect(steps.map((s) => s.recorded).filter((s) => own.includes(s as number))).toEqual(own)
    const fromPoint = history.slice(history.indexOf(point) + 1)
    expect(withoutTime(fromPoint)).toEqual(withoutTime(branch.events.filter((e) => e.seq > note)))
  })

  test('(b) a one-line edit that changes only the branch’s steps diverges at the branch’s first input, at /count', async () => {
    const edited = await editedCopy(
      COUNTER,
      'const step = (action) => action.payload?.by ?? 1',
      'const step = (action) => Math.min(action.payload?.by ?? 1, 9)'
    )
    const { report } = await replaySession({ events: branch.events, module: edited })
    const firstOwn = updatesAfter(branch.events, branch.seq, 1)[0] as HistoryEvent
    expect(firstOwn).toMatchObject({ slice: 'count' })
    expect(report.identical).toBe(false)
    expect(report.first).toMatchObject({
      input: 1,
      slice: 'count',
      recorded: { seq: firstOwn.seq, type: 'state.update', label: 'add', input: 1 },
      replayed: { type: 'state.update', label: 'add' },
      diff: { path: '/count', recorded: 13, replayed: 12 }
    })
    expect(report.paths.map((p) => p.path)).toEqual(['/count', '/log/2/by', '/log/3/by'])
    expect(report.paths[0]).toMatchObject({ firstInput: 1 })
    expect(report.finalState.diffs).toEqual([
      { path: '/count', recorded: 33, replayed: 12 + 9 },
      { path: '/log/2/by', recorded: 10, replayed: 9 },
      { path: '/log/3/by', recorded: 20, replayed: 9 }
    ])
    expect(report.issues).toEqual([])
  })

  test('(b) an edit that changes the way there is told as the state the branch went live in, at its reset', async () => {
    const edited = await editedCopy(COUNTER, 'roll: Math.floor(Math.random() * 6) + 1', 'roll: Math.floor(Math.random() * 6) + 7')
    const { report } = await replaySession({ events: branch.events, module: edited })
    expect(report.first).toMatchObject({
      input: 0,
      recorded: {
        seq: branch.seq,
        type: 'state.initial',
        label: expect.stringMatching(/^the state the branch resumed from entry \d+ went live in$/)
      },
      replayed: { type: 'state.update', label: 'the state the replay reached there' },
      diff: { path: '/log/0/roll' }
    })
    expect((report.first?.diff.replayed as number) - (report.first?.diff.recorded as number)).toBe(6)
    expect(report.paths.map((p) => p.path).slice(0, 2)).toEqual(['/log/0/roll', '/log/1/roll'])
    expect(report.paths[0]).toMatchObject({ firstInput: 0 })
  })

  test('Replay without the branch’s first input: its entries vanish, and the second goes on from the branch point', async () => {
    const inputs = branch.events.filter((e) => e.seq > branch.seq && noteOf(e)?.note === 'input')
    const { report } = await replaySession({ events: withoutInputs(branch.events, [inputs[0]?.seq as number]), module: COUNTER })
    expect(report.session.inputs).toBe(1)
    expect(report.vanished.map((v) => v.label)).toEqual(['add', 'add'])
    expect(report.vanished.every((v) => v.input === 0 && v.seq > branch.seq)).toBe(true)
    expect(report.finalState.diffs.find((d) => d.path === '/count')).toEqual({ path: '/count', recorded: 33, replayed: 23 })
    // Leaving out an input before the branch point is not leaving out one of the run replayed.
    expect(() => withoutInputs(branch.events, [updatesAfter(branch.events, 0, 1)[0]?.seq as number])).toThrow(NotReplayable)
  })

  test('(c) Resume from here on an entry of the branch: the state equals the one recorded there', () => {
    expect(second.state).toMatchObject({ count: 113 })
    const reset = events.find((e) => e.seq === second.seq) as HistoryEvent
    expect(reset).toMatchObject({ type: 'state.initial', slices: { count: 13 } })
    expect(noteOf(events.find((e) => e.seq === second.seq + 1) as HistoryEvent)).toEqual({
      note: 'resume',
      from: second.from,
      reached: second.reached,
      identical: true,
      numbered: true
    })
    // The plan: the two inputs before the first branch point, then the branch's first.
    const plan = resumePlan(events, second.from)
    expect(plan).toMatchObject({ from: second.from, reached: second.reached, inputs: 3 })
    expect(plan.script.segments.map((s) => (s.action as { payload?: { by: number } } | undefined)?.payload?.by)).toEqual([
      undefined,
      1,
      2,
      10
    ])
  })

  test('(c) resuming at a branch’s reset or its note brings the runtime to the branch point itself', () => {
    for (const seq of [branch.seq, branch.seq + 1]) {
      const plan = resumePlan(events, seq)
      expect(plan).toMatchObject({ from: seq, reached: branch.seq + 1, inputs: 2 })
    }
  })

  test('(d) a branch of a branch replays identical, and an edit of the first branch’s step shows in the state it went live in', async () => {
    const { report } = await replaySession({ events, module: COUNTER })
    expect(report).toMatchObject({ identical: true, session: { inputs: 1 }, replayed: { inputs: 1 }, issues: [] })
    expect(report.replayed.entries).toBe(report.session.entries)

    const edited = await editedCopy(
      COUNTER,
      'const step = (action) => action.payload?.by ?? 1',
      'const step = (action) => Math.min(action.payload?.by ?? 1, 9)'
    )
    const changed = await replaySession({ events, module: edited })
    expect(changed.report.first).toMatchObject({
      input: 0,
      recorded: { seq: second.seq, type: 'state.initial' },
      diff: { path: '/count', recorded: 13, replayed: 12 }
    })
    expect(changed.report.finalState.diffs.map((d) => d.path)).toEqual(['/count', '/log/2/by', '/log/3/by'])
  })

  test('(d) resuming inside the branch of a branch: the state equals the one recorded there', async () => {
    const own = updatesAfter(events, second.seq, 1)
    const at = own[own.length - 1]?.seq as number
    const outcome = await resume(h, at)
    expect(outcome).toMatchObject({ from: at, reached: at, inputs: 4, identical: true, issues: [] })
    expect(await h.state()).toEqual(second.state)
  })
})

describe('a branch played from its entries (made by hand)', () => {
  const at = (seq: number, e: Record<string, unknown>): HistoryEvent => ({ ...e, seq, timestamp: 0 }) as unknown as HistoryEvent
  const update = (seq: number, count: number): HistoryEvent =>
    at(seq, { type: 'state.update', slice: 'count', value: count, cause: { type: 'add' } })
  const input = (seq: number, by: number): HistoryEvent =>
    at(seq, { type: 'custom-event', data: noteData({ note: 'input', action: { type: 'add', payload: { by } } }) })
  const effects = (seq: number, list: Effect[]): HistoryEvent =>
    at(seq, { type: 'custom-event', data: noteData({ note: 'effects', effects: list }) })
  /** A resume note; `numbered` as this Patchscope writes it, else as one before it did (without the field). */
  const resumed = (seq: number, from: number, reached: number, numbered = false): HistoryEvent =>
    at(seq, {
      type: 'custom-event',
      data: noteData({ note: 'resume', from, reached, identical: true, ...(numbered ? { numbered: true as const } : {}) })
    })
  /** A run with a timer: input 1 reads the clock, its update, then the clock read again before timer 1 fires (the rest of the turn). */
  const origin: HistoryEvent[] = [
    at(0, { type: 'state.initial', slices: { count: 0 } }),
    input(1, 1),
    effects(2, [{ k: 'now', v: 100 }]),
    update(3, 1),
    effects(4, [
      { k: 'now', v: 101 },
      { k: 'fire', id: 1 },
      { k: 'random', v: 0.5 }
    ]),
    update(5, 2),
    input(6, 5),
    update(7, 7)
  ]

  test('the values read in the rest of the turn resumed at come before the branch’s own, in the segment its inputs follow', () => {
    const events = [
      ...origin,
      at(8, { type: 'state.initial', slices: { count: 1 } }),
      resumed(9, 3, 3),
      effects(10, [{ k: 'now', v: 500 }]),
      input(11, 2),
      update(12, 3)
    ]
    const played = playedRun(events)
    expect(played.events.map((e) => e.seq)).toEqual([0, 1, 2, 3, 8, 10, 11, 12])
    expect(played.branch).toMatchObject({ at: 5, inputs: 1, initial: { seq: 8 }, note: { seq: 9 } })
    const script = replayScript(events)
    expect(script.segments).toEqual([
      { effects: [] },
      {
        action: { type: 'add', payload: { by: 1 } },
        effects: [
          { k: 'now', v: 100 },
          { k: 'now', v: 101 },
          { k: 'now', v: 500 }
        ]
      },
      { action: { type: 'add', payload: { by: 2 } }, effects: [] }
    ])
    // Resuming inside the branch: the same way there, then the branch's entries up to the turn's end.
    expect(resumePlan(events, 12)).toMatchObject({ reached: 12, inputs: 2, script })
  })

  test('a branch made while the runtime it came from ran on past the turn’s end it saw begins there, with nothing of the rest', () => {
    // The resume saw the run end at entry 3 (reached 3); the runtime recorded 4 (the same turn) and on before the branch went live.
    const ranOn = [...origin.slice(0, 4), update(4, 5), ...origin.slice(4, 6).map((e) => ({ ...e, seq: e.seq + 1 }))]
    const events = [...ranOn, at(7, { type: 'state.initial', slices: { count: 1 } }), resumed(8, 3, 3), input(9, 2), update(10, 3)]
    expect(playedRun(events).events.map((e) => e.seq)).toEqual([0, 1, 2, 3, 9, 10])
    expect(replayScript(events).segments[1]?.effects).toEqual([{ k: 'now', v: 100 }])
    // Had the note said the turn ended at 6, past where it ends, this session would not be the one it was written in.
    const later = events.map((e) => (e.seq === 8 ? resumed(8, 3, 6) : e))
    expect(() => playedRun(later)).toThrow(/reached entry 6, which is not where that entry's turn ends in this session/)
  })

  test('resuming in the last turn of a run that was reloaded after reads nothing of the next run', () => {
    const events = [...origin, at(8, { type: 'state.initial', slices: { count: 0 } }), input(9, 4), update(10, 4)]
    const plan = resumePlan(events, 7)
    expect(plan).toMatchObject({ reached: 7, inputs: 2 })
    expect(plan.script.segments.map((x) => (x.action as { payload: { by: number } } | undefined)?.payload.by)).toEqual([undefined, 1, 5])
  })

  test('a branch recorded before branches were numbered, whose timers fired after it went live, cannot be replayed; resuming before that entry can', () => {
    const events = [
      ...origin,
      at(8, { type: 'state.initial', slices: { count: 1 } }),
      resumed(9, 3, 3),
      input(10, 2),
      update(11, 3),
      effects(12, [{ k: 'fire', id: 1 }]),
      update(13, 4)
    ]
    expect(() => replayScript(events)).toThrow(
      /went live, then a timer fired \(entry 12\).*Resume at an entry of the branch before entry 12/
    )
    expect(resumePlan(events, 11)).toMatchObject({ reached: 11, inputs: 2 })
    expect(() => resumePlan(events, 13)).toThrow(NotReplayable)
  })

  test('a numbered branch plays its timers and requests under the replay’s numbers: the one handed over, then its own', () => {
    // Timer 1 was pending at the point resumed at (it fired at entry 4 in the origin): the branch fired it live under
    // the same number, then its own timer 2 and request 1, numbered after those the replay made.
    const live: Effect[] = [
      { k: 'fetch', id: 1, method: 'GET', url: 'http://x/' },
      { k: 'response', id: 1, status: 200, statusText: 'OK', headers: [], body: 'hi' }
    ]
    const events = [
      ...origin,
      at(8, { type: 'state.initial', slices: { count: 1 } }),
      resumed(9, 3, 3, true),
      input(10, 2),
      update(11, 3),
      effects(12, [{ k: 'fire', id: 1 }]),
      update(13, 4),
      effects(14, [{ k: 'fire', id: 2 }, ...live]),
      update(15, 5)
    ]
    // The rest of the turn resumed at (the clock read before timer 1 fired) stands as an effects note numbered as the reset.
    expect(playedRun(events).events.map((e) => e.seq)).toEqual([0, 1, 2, 3, 8, 10, 11, 12, 13, 14, 15])
    expect(replayScript(events).segments).toEqual([
      { effects: [] },
      {
        action: { type: 'add', payload: { by: 1 } },
        effects: [
          { k: 'now', v: 100 },
          { k: 'now', v: 101 }
        ]
      },
      { action: { type: 'add', payload: { by: 2 } }, effects: [{ k: 'fire', id: 1 }, { k: 'fire', id: 2 }, ...live] }
    ])
    expect(resumePlan(events, 13)).toMatchObject({ reached: 13, inputs: 2 })
    // Without the field, the same branch is refused, as one recorded before.
    const old = events.map((e) => (e.seq === 9 ? resumed(9, 3, 3) : e))
    expect(() => replayScript(old)).toThrow(/it was recorded by a Patchscope that numbered a branch’s timers and requests afresh/)
  })
})

describe('branches that cannot be played', () => {
  let h: TestHost | undefined
  afterAll(async () => {
    await h?.close()
  })

  test('(e) a branch resumed from a session file is refused, naming the file', async () => {
    h = await startTestHost({ runtime: COUNTER })
    for (const by of [1, 2]) await add(h, by)
    const { exportTo } = await import('./record')
    const { readFile } = await import('node:fs/promises')
    const file = await readFile(await exportTo(h))
    const res = await h.fetch('/resume?seq=3&name=yesterday.ndjson', {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: file
    })
    expect(res.status).toBe(200)
    await add(h, 5)
    const events = historyEvents(h.host.history)
    expect(() => playedRun(events)).toThrow(NotReplayable)
    expect(() => playedRun(events)).toThrow(/resumed from entry 3 of the session file yesterday\.ndjson, which this history does not hold/)
    const replay = await h.fetch('/replay', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    expect(replay.status).toBe(422)
    expect(((await replay.json()) as { error: { message: string } }).error.message).toMatch(/yesterday\.ndjson/)
    const again = await h.fetch('/resume', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ seq: h.host.history.lastSeq })
    })
    expect(again.status).toBe(422)
    expect(((await again.json()) as { error: { message: string } }).error.message).toMatch(
      /^entry \d+ cannot be resumed at: .*the session file yesterday\.ndjson/
    )
  })

  test('a resume note whose entries this session numbers otherwise is refused, not played from the wrong entry', () => {
    const at = (seq: number, e: Record<string, unknown>): HistoryEvent => ({ ...e, seq, timestamp: 0 }) as unknown as HistoryEvent
    const update = (seq: number, count: number): HistoryEvent =>
      at(seq, { type: 'state.update', slice: 'count', value: count, cause: { type: 'add' } })
    const input = (seq: number): HistoryEvent =>
      at(seq, { type: 'custom-event', data: noteData({ note: 'input', action: { type: 'add' } }) })
    const events: HistoryEvent[] = [
      at(0, { type: 'state.initial', slices: { count: 0 } }),
      input(1),
      update(2, 1),
      input(3),
      update(4, 2),
      at(5, { type: 'state.initial', slices: { count: 1 } }),
      at(6, { type: 'custom-event', data: noteData({ note: 'resume', from: 4, reached: 4, identical: true }) })
    ]
    // The note says the branch went live in the state recorded at entry 4 (count 2); it began with count 1.
    expect(() => playedRun(events)).toThrow(/numbered otherwise than in the history the branch was recorded in/)
    const fixed = events.map((e) => (e.seq === 5 ? { ...e, slices: { count: 2 } } : e))
    expect(playedRun(fixed).events.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4])
  })
})

describe('the agent example resumed mid-execution (its timers handed over, and firing on the branch)', () => {
  let h: TestHost | undefined
  /** The branch's reset, the token entry it was resumed from, and the exported session. */
  let outcome: ResumeOutcome
  let token: HistoryEvent
  let events: HistoryEvent[]
  let session: string

  /** Whether the branch (after its reset) set the agent's status to `status`: its last entry once the second execution failed. */
  const onBranch = (t: TestHost, status: string): boolean =>
    historyEvents(t.host.history).some(
      (e) => e.seq > outcome.seq && e.type === 'state.update' && e.slice === 'status' && e.value === status
    )

  beforeAll(async () => {
    const { AGENT, exportTo, hasStatus, until } = await import('./record')
    h = await startTestHost({ runtime: AGENT })
    const t = h
    await until(t, () => hasStatus(t, 'exec-2', 'failed'))
    // The first token of the first execution's reply: its next token's timer, and the demo's chain, are pending there.
    token = historyEvents(t.host.history).find((e) => e.type === 'state.update' && e.cause.type === 'agent/token') as HistoryEvent
    outcome = await resume(t, token.seq)
    expect(outcome).toMatchObject({ identical: true, issues: [] })
    expect(outcome.handedOver.timers).toBeGreaterThan(0)
    // Live to the end: the reply's other tokens, then the second execution's tool call, which fails.
    await until(t, () => onBranch(t, 'error'))
    events = historyEvents(t.host.history)
    session = await exportTo(t)
  }, 60_000)

  afterAll(async () => {
    await h?.close()
  })

  test('the branch numbers on from its replay: the handed-over timer fires under its number, new ones after', () => {
    const own = events.filter((e) => e.seq > outcome.seq)
    expect(noteOf(own[0] as HistoryEvent)).toMatchObject({ note: 'resume', from: token.seq, numbered: true })
    const fired = (list: HistoryEvent[]): number[] =>
      list.flatMap((e) => {
        const n = noteOf(e)
        return n?.note === 'effects' ? n.effects.flatMap((x) => (x.k === 'fire' ? [x.id] : [])) : []
      })
    const before = fired(events.filter((e) => e.seq <= token.seq))
    const after = fired(own)
    // The origin's own firings after the point resumed at: the same timers, the same numbers, fired on the branch.
    const originAfter = fired(events.filter((e) => e.seq > token.seq && e.seq < outcome.seq))
    expect(after.length).toBeGreaterThan(outcome.handedOver.timers)
    expect(after[0]).toBeGreaterThan(Math.max(...before))
    expect(after.slice(0, originAfter.length)).toEqual(originAfter)
  })

  test('exported, and replayed from the file by another host against the same module: identical, compared from the branch’s reset', async () => {
    const { AGENT } = await import('./record')
    const { readFile } = await import('node:fs/promises')
    const other = await startTestHost({ runtime: AGENT })
    try {
      const client = await other.events()
      const res = await other.fetch('/replay', {
        method: 'POST',
        headers: { 'content-type': 'application/x-ndjson' },
        body: await readFile(session)
      })
      expect(res.status).toBe(202)
      await client.waitFor((e) => (e.type as string) === 'replay' && (e as unknown as ReplayNotice).phase !== 'running')
      const result = await other.getJson<ReplayResultBody>('/replay')
      expect(result).toMatchObject({ phase: 'done', identical: true })
      const report = result.report as ReplayReport
      expect(report.issues).toEqual([])
      expect(report).toMatchObject({ identical: true, paths: [], appeared: [], vanished: [], finalState: { diffs: [], more: 0 } })
      // The demo dispatches nothing: no input replayed to get there, none on the branch.
      expect(report.branch).toEqual({ seq: outcome.seq, from: token.seq, inputs: 0 })
      expect(report.replayed.entries).toBe(report.session.entries)
      expect(result.steps[0]).toMatchObject({ recorded: outcome.seq, paths: [] })
      const text = formatReport(report).split('\n')
      expect(text[0]).toMatch(/^IDENTICAL: /)
      expect(text[1]).toBe(
        `Compared from the branch's reset at entry ${outcome.seq} (resumed from entry ${token.seq}; 0 inputs of the run it branched from replayed to get there, not compared).`
      )
    } finally {
      await other.close()
    }
  })

  test('a one-line edit of what the second execution’s tool says diverges there, on the branch', async () => {
    const { AGENT } = await import('./record')
    const edited = await editedCopy(AGENT, "error: 'report.pdf is encrypted and cannot be read'", "error: 'report.pdf is empty'")
    const { report } = await replaySession({ events, module: edited })
    const result = events.find(
      (e) =>
        e.seq > outcome.seq &&
        e.type === 'custom-event' &&
        (e.data as { kind?: string; error?: string }).kind === 'tool-result' &&
        'error' in (e.data as object)
    ) as HistoryEvent
    expect(report.identical).toBe(false)
    expect(report.first).toMatchObject({
      input: 0,
      recorded: { seq: result.seq, type: 'custom-event' },
      replayed: { type: 'custom-event' },
      diff: { path: 'custom-event/error', recorded: 'report.pdf is encrypted and cannot be read', replayed: 'report.pdf is empty' }
    })
    expect(report.issues).toEqual([])
    expect(report.branch).toMatchObject({ seq: outcome.seq })
  })

  test('resuming at the branch’s last entry, after its timers fired, brings the runtime to the state recorded there', async () => {
    const t = h as TestHost
    const last = events[events.length - 1] as HistoryEvent
    const plan = resumePlan(events, last.seq)
    expect(plan.script.segments.flatMap((x) => x.effects).filter((e) => e.k === 'fire').length).toBeGreaterThan(outcome.handedOver.timers)
    const again = await resume(t, last.seq)
    expect(again).toMatchObject({ from: last.seq, reached: last.seq, identical: true, issues: [] })
    expect(await t.state()).toMatchObject({ status: 'error' })
    expect(await t.state()).toEqual(t.host.history.stateAt(last.seq))
  })
})
