import { afterEach, expect, test } from 'vitest'
import { resolve } from 'node:path'
import { noteOf } from '../../../src/shared/notes'
import { historyEvents } from '../../../src/host/replay'
import { startTestHost, type TestHost } from '../../helpers/host'

let h: TestHost | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

test('a resumed store runtime writes no note for a dispatch of its replay: the first live action of the same type reads as its own', async () => {
  // A Redux-style store: the store adapter marks the end of an action that changed something when the next one has its type.
  h = await startTestHost({ runtime: resolve(import.meta.dirname, '../../../examples/todos-bug.mjs') })
  expect((await h.dispatch({ type: 'filter/set', payload: 'active' })).status).toBe(200)
  const update = historyEvents(h.host.history).find((e) => e.type === 'state.update')
  const res = await h.fetch('/resume', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ seq: update?.seq })
  })
  expect(res.status).toBe(200)
  const branchAt = h.host.history.lastSeq
  expect((await h.dispatch({ type: 'filter/set', payload: 'done' })).status).toBe(200)
  expect((await h.dispatch({ type: 'filter/set', payload: 'all' })).status).toBe(200)
  const branch = historyEvents(h.host.history).filter((e) => e.seq > branchAt)
  const notes = branch.map(noteOf).filter((n) => n?.note === 'dispatch')
  // Only the end of the branch's own first action (written as the second starts), never the replayed one's.
  expect(notes).toEqual([{ note: 'dispatch', outcome: 'changed', cause: { type: 'filter/set', payload: 'done' } }])
})
