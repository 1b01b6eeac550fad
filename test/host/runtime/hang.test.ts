import { afterEach, expect, test } from 'vitest'
import type { RuntimeInfo } from '../../../src/shared/protocol'
import { fixture, startTestHost, type TestHost } from '../../helpers/host'

let t: TestHost | undefined

afterEach(async () => {
  await t?.close()
  t = undefined
})

test('a runtime that blocks its thread for good: the host keeps serving, says so, and a reload starts it afresh', async () => {
  t = await startTestHost({ runtime: fixture('hang.mjs'), responseTimeoutMs: 300, server: { actionTimeoutMs: 300, stateTimeoutMs: 300 } })
  const host = t
  await host.dispatch({ type: 'inc' })
  const { body } = await host.dispatch({ type: 'inc' })
  const recorded = body.seq as number
  // Each dispatch records its input note, then its change.
  expect(recorded).toBe(4)

  // The dispatch never returns: the host answers 202 and goes on.
  const hung = await host.dispatch({ type: 'hang' })
  expect(hung.status).toBe(202)
  await expect.poll(async () => (await host.getJson<RuntimeInfo>('/runtime')).responsive, { timeout: 5_000 }).toBe(false)

  // What was recorded stays readable: the state at any entry, the stream, the export.
  expect((await host.state(`?at=${recorded}`)).count).toBe(2)
  expect((await host.fetch('/state')).status).toBe(503)
  const stream = await host.events('?since=0')
  await stream.waitForSeq(recorded)
  stream.close()
  expect((await host.fetch('/history')).status).toBe(200)

  // A reload ends the stuck thread and starts the module afresh; the history goes on after a reset.
  const reload = await host.fetch('/runtime', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ reload: true })
  })
  expect(reload.status).toBe(200)
  expect(((await reload.json()) as RuntimeInfo).responsive).toBe(true)
  expect(await host.state()).toEqual({ count: 0 })
  const after = await host.dispatch({ type: 'inc' })
  expect(after.status).toBe(200)
  // The reset, the input note, the change.
  expect(after.body.seq).toBe(recorded + 3)
  expect((await host.state(`?at=${recorded}`)).count).toBe(2)
})
