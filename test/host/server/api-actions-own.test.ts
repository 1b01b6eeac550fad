import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { DispatchResult, HistoryEvent, StateUpdateEvent } from '../../../src/shared/protocol'
import { noteOf } from '../../../src/shared/notes'
import { fixture, startTestHost, type TestHost } from '../../helpers/host'

let h: TestHost

beforeAll(async () => {
  h = await startTestHost({ runtime: fixture('attribution.mjs'), server: { actionTimeoutMs: 300 } })
  expect(h.loadError).toBeUndefined()
})

afterAll(async () => {
  await h.close()
})

/** `POST /actions`, expecting `status`; gives the answer. */
async function dispatch(action: unknown, status = 200): Promise<DispatchResult> {
  const res = await h.dispatch(action)
  expect(res.status, JSON.stringify(res.body)).toBe(status)
  return res.body as unknown as DispatchResult
}

const event = (seq: number): HistoryEvent => h.host.history.event(seq)
const causeOf = (seq: number): StateUpdateEvent['cause'] | undefined => {
  const e = event(seq)
  return e.type === 'state.update' ? e.cause : undefined
}

describe('POST /actions answers the action’s own entries', () => {
  test('many actions that change nothing each say so, and claim no entry', async () => {
    await dispatch({ type: 'later', payload: { id: 'before' } })
    const answers = []
    for (let i = 0; i < 300; i++) answers.push(await dispatch({ type: 'noop' }))
    for (const [i, answer] of answers.entries()) {
      // Each answers its own 'no change' note (the state after it), right after its input note.
      expect(answer).toEqual({ seq: answer.seq, entries: 0, changed: false, settled: true })
      expect(answer.first).toBeUndefined()
      if (i > 0) expect(answer.seq).toBe((answers[i - 1] as DispatchResult).seq + 2)
      expect(event(answer.seq)).toMatchObject({
        data: { $patchscope: { note: 'dispatch', outcome: 'no change', cause: { type: 'noop' } } }
      })
      expect(event(answer.seq - 1)).toMatchObject({ data: { $patchscope: { note: 'input', action: { type: 'noop' } } } })
    }
  })

  test('an action that changes something answers its first and last entry, and how many', async () => {
    const answer = await dispatch({ type: 'later', payload: { id: 'one' } })
    expect(answer).toEqual({ seq: answer.first, first: answer.seq, entries: 1, changed: true, settled: true })
    expect(causeOf(answer.seq)).toEqual({ type: 'later', payload: { id: 'one' } })
  })

  test('counts a status, and a change caused by an action the runtime dispatched itself, while its dispatch ran', async () => {
    const answer = await dispatch({ type: 'steps' })
    expect(answer).toMatchObject({ entries: 3, changed: true, settled: true, seq: (answer.first as number) + 2 })
    expect(event(answer.first as number)).toMatchObject({ type: 'execution.status', status: 'started' })
    expect(causeOf((answer.first as number) + 1)).toEqual({ type: 'inner' })
    expect(event(answer.seq)).toMatchObject({ type: 'execution.status', status: 'completed' })
  })

  test('an async action answers its own entry, not the newer ones a timer recorded while it ran', async () => {
    await dispatch({ type: 'tick/start', payload: { ms: 2 } })
    try {
      const answer = await dispatch({ type: 'later', payload: { id: 'async', before: 20, after: 60 } })
      expect(answer).toMatchObject({ entries: 1, changed: true, settled: true, first: answer.seq })
      expect(causeOf(answer.seq)).toMatchObject({ type: 'later', payload: { id: 'async' } })
      // The timer went on recording after it, before the answer: its ticks, and the effects notes of
      // its timers (each written before the entry after it, or when a batch is sent), nothing else.
      const after: HistoryEvent[] = []
      for (let seq = answer.seq + 1; seq <= h.host.history.lastSeq; seq++) after.push(event(seq))
      expect(after.filter((e) => e.type === 'state.update').length).toBeGreaterThan(0)
      expect(after.map((e) => (e.type === 'state.update' ? e.cause : noteOf(e)?.note))).toEqual(
        after.map((e) => (e.type === 'state.update' ? { type: 'tick' } : 'effects'))
      )
    } finally {
      await dispatch({ type: 'tick/stop' })
    }
  })

  test('an action still running when answered (202) answers its entries so far', async () => {
    const waiting = await dispatch({ type: 'later', payload: { id: 'slow', before: 1000 } }, 202)
    expect(waiting).toEqual({ seq: h.host.history.lastSeq, entries: 0, changed: false, settled: false })
    const started = await dispatch({ type: 'later', payload: { id: 'started', after: 1000 } }, 202)
    expect(started).toMatchObject({ entries: 1, changed: true, settled: false, first: started.seq })
    expect(causeOf(started.seq)).toMatchObject({ payload: { id: 'started' } })
  })

  test('concurrent dispatches each answer their own entry', async () => {
    const ids = Array.from({ length: 24 }, (_, i) => `c${i}`)
    const answers = await Promise.all(
      ids.map((id, i) => dispatch({ type: 'later', payload: { id, before: (i * 7) % 40, after: (i * 13) % 30 } }))
    )
    answers.forEach((answer, i) => {
      expect(answer).toMatchObject({ entries: 1, changed: true, settled: true, first: answer.seq })
      expect(causeOf(answer.seq)).toMatchObject({ type: 'later', payload: { id: ids[i] } })
    })
    expect(new Set(answers.map((a) => a.seq)).size).toBe(ids.length)
  })

  test('an action dispatched while a session file is read answers its own entry once recorded, not an older seq', async () => {
    const header = JSON.stringify({ format: 'patchscope-session', version: 1, runtime: { path: null, name: null }, createdAt: 'now' })
    let reached!: () => void
    const stalling = new Promise<void>((resolve) => (reached = resolve))
    let go!: () => void
    const resume = new Promise<void>((resolve) => (go = resolve))
    const upload = (async function* () {
      yield new TextEncoder().encode(`${header}\n`)
      reached()
      await resume
      yield new TextEncoder().encode('not a session line\n')
    })()
    const importing = h.host.importSession(upload).then(
      () => 'imported',
      (e: Error) => e.message
    )
    await stalling
    const answering = dispatch({ type: 'later', payload: { id: 'during-import' } })
    // Whatever the host does with entries while it reads a file, the answer is never an older
    // entry: it may come now (entries recorded at once) or once the file is read.
    const early = await Promise.race([answering, new Promise<undefined>((resolve) => setTimeout(resolve, 300, undefined))])
    go()
    expect(await importing).toMatch(/line 2/)
    const answer = early ?? (await answering)
    expect(answer).toMatchObject({ entries: 1, changed: true, first: answer.seq })
    expect(causeOf(answer.seq)).toMatchObject({ type: 'later', payload: { id: 'during-import' } })
  })
})
