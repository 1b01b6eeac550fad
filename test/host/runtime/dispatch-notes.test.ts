import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { noteOf, type Note } from '../../../src/shared/notes'
import type { HistoryEvent } from '../../../src/shared/protocol'
import { fixture, startTestHost, type TestHost } from '../../helpers/host'

let h: TestHost

beforeAll(async () => {
  h = await startTestHost({ runtime: fixture('bus-runtime.mjs'), server: { actionTimeoutMs: 2000 } })
  expect(h.loadError).toBeUndefined()
})

afterAll(async () => {
  await h.close()
})

/** The entries recorded after `from`, through the last. */
function since(from: number): HistoryEvent[] {
  const out: HistoryEvent[] = []
  for (let seq = from + 1; seq <= h.host.history.lastSeq; seq++) out.push(h.host.history.event(seq))
  return out
}
const notes = (events: HistoryEvent[]): (Note | undefined)[] => events.map((e) => noteOf(e))

describe('the notes of a dispatch sent to the runtime', () => {
  test('an input note, with the action exactly as sent (its own `$` keys escaped), comes before every entry it caused', async () => {
    const from = h.host.history.lastSeq
    const action = { type: 'increment', payload: { $ref: 'x' }, meta: { by: 'test' } }
    const res = await h.dispatch(action)
    expect(res.body).toMatchObject({ first: from + 2, seq: from + 2, entries: 1, changed: true })
    const [input, update] = since(from)
    expect(input).toMatchObject({
      type: 'custom-event',
      data: { $patchscope: { note: 'input', action: { ...action, payload: { $object: { $ref: 'x' } } } } }
    })
    expect(update).toMatchObject({ type: 'state.update', slice: 'a' })
    // A dispatch that changed something needs no dispatch note.
    expect(notes(since(from)).filter((n) => n?.note === 'dispatch')).toEqual([])
  })

  test('two identical actions in a row are two inputs, each before its own change', async () => {
    const from = h.host.history.lastSeq
    await h.dispatch({ type: 'increment' })
    await h.dispatch({ type: 'increment' })
    expect(since(from).map((e) => noteOf(e)?.note ?? e.type)).toEqual(['input', 'state.update', 'input', 'state.update'])
  })

  test('a dispatch that threw: its input, then a dispatch note with the cause and the error; the answer is the error', async () => {
    const from = h.host.history.lastSeq
    const res = await h.dispatch({ type: 'throw', payload: { message: 'no way' } })
    expect(res.status).toBe(500)
    expect(notes(since(from))).toEqual([
      { note: 'input', action: { type: 'throw', payload: { message: 'no way' } } },
      { note: 'dispatch', outcome: 'threw', cause: { type: 'throw', payload: { message: 'no way' } }, error: 'TypeError: no way' }
    ])
  })

  test('a dispatch whose promise rejected: a dispatch note says so, with the error', async () => {
    const from = h.host.history.lastSeq
    const res = await h.dispatch({ type: 'reject', payload: { message: 'later, no' } })
    expect(res.status).toBe(500)
    expect(notes(since(from))).toEqual([
      { note: 'input', action: { type: 'reject', payload: { message: 'later, no' } } },
      { note: 'dispatch', outcome: 'rejected', cause: { type: 'reject', payload: { message: 'later, no' } }, error: 'Error: later, no' }
    ])
  })

  test('a dispatch that recorded nothing: a "no change" note, and the answer claims no entry', async () => {
    await h.dispatch({ type: 'set', payload: { slice: 'c', value: 7 } })
    const from = h.host.history.lastSeq
    const res = await h.dispatch({ type: 'set', payload: { slice: 'c', value: 7 } })
    expect(res.body).toEqual({ seq: from + 2, entries: 0, changed: false, settled: true })
    expect(notes(since(from)).map((n) => n && n.note === 'dispatch' && n.outcome)).toEqual([false, 'no change'])
  })
})

describe('the notes of a store’s own dispatches', () => {
  test('are never counted among the entries of the host’s dispatch that runs while they are written', async () => {
    const store = await startTestHost({ runtime: fileURLToPath(new URL('../../../examples/counter.mjs', import.meta.url)) })
    try {
      expect(store.loadError).toBeUndefined()
      // The second configure reports a new settings object with nothing changed in it; the third
      // starts with the 'changed' end of the one before, written while it runs.
      const configure = (step: number) => store.dispatch({ type: 'counter/configure', payload: { step } })
      expect((await configure(2)).body).toMatchObject({ entries: 1, changed: true })
      expect((await configure(2)).body).toMatchObject({ entries: 0, changed: false })
      const third = await configure(3)
      expect(third.body).toMatchObject({ entries: 1, changed: true })
      const own = store.host.history.event((third.body as { seq: number }).seq)
      expect(own).toMatchObject({ type: 'state.update', cause: { type: 'counter/configure', payload: { step: 3 } } })
    } finally {
      await store.close()
    }
  })
})
