import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { MAX_DEPTH } from '../../../src/host/recorder/encode'
import { CommandNotSent } from '../../../src/host/runtime/controller'
import { deeperThan } from '../../../src/shared/json-depth'
import type { RuntimeInfo } from '../../../src/shared/protocol'
import { fixture, startTestHost, type TestHost } from '../../helpers/host'

let h: TestHost

beforeAll(async () => {
  h = await startTestHost({ runtime: fixture('bus-runtime.mjs') })
  expect(h.loadError).toBeUndefined()
})

afterAll(async () => {
  await h.close()
})

/** `{"d":{"d":…1…}}`, `levels` objects deep, as JSON text (built without recursion). */
const deepJson = (levels: number): string => '{"d":'.repeat(levels) + '1' + '}'.repeat(levels)

async function postRaw(body: string): Promise<{ status: number; body: { seq?: number; error?: { message: string } } }> {
  const res = await h.fetch('/actions', { method: 'POST', headers: { 'content-type': 'application/json' }, body })
  return { status: res.status, body: (await res.json()) as { seq?: number; error?: { message: string } } }
}

describe('the depth check of an action (deeperThan, shared with the session file)', () => {
  test('stops past the limit, without recursion, at any depth', () => {
    expect(deeperThan(JSON.parse(deepJson(200_000)), MAX_DEPTH)).toBe(true)
    expect(deeperThan(JSON.parse(deepJson(MAX_DEPTH)), MAX_DEPTH)).toBe(false)
    expect(deeperThan(JSON.parse(deepJson(MAX_DEPTH + 1)), MAX_DEPTH)).toBe(true)
  })
})

describe('POST /actions with a payload nested too deeply', () => {
  test('answers 400 naming the limit, and the runtime stays loaded with nothing recorded lost', async () => {
    await h.dispatch({ type: 'increment' })
    const before = h.host.history.lastSeq
    const state = await h.state()
    for (const levels of [MAX_DEPTH + 1, 10_000, 100_000]) {
      const res = await postRaw(`{"type":"set","payload":{"slice":"c","value":${deepJson(levels - 1)}}}`)
      expect(res.status, JSON.stringify(res.body)).toBe(400)
      expect(res.body.error?.message).toBe(
        `the action's "payload" is nested deeper than ${MAX_DEPTH} levels, the limit of a recorded value: send a flatter payload`
      )
    }
    const meta = await postRaw(`{"type":"increment","meta":${deepJson(MAX_DEPTH + 1)}}`)
    expect(meta.status).toBe(400)
    expect(meta.body.error?.message).toMatch(/"meta" is nested deeper than 512 levels/)
    expect((await h.getJson<RuntimeInfo>('/runtime')).status).toBe('loaded')
    expect(h.host.history.lastSeq).toBe(before)
    expect(await h.state()).toEqual(state)
    const next = await h.dispatch({ type: 'increment' })
    expect(next.status).toBe(200)
    expect(h.host.history.event(next.body.seq as number)).toMatchObject({ value: (state.a as number) + 1 })
  })

  test('takes a payload nested exactly as deep as the limit, and records it whole', async () => {
    // The payload {slice, value} is one level, its value the rest.
    const res = await postRaw(`{"type":"set","payload":{"slice":"c","value":${deepJson(MAX_DEPTH - 1)}}}`)
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    expect(JSON.stringify(h.host.history.event(res.body.seq as number))).not.toContain('$truncated')
  })

  test('an action that cannot be copied into the runtime’s thread is refused as such, not taken for a missing runtime', async () => {
    const before = h.host.history.lastSeq
    const refused = h.host.dispatch({ type: 'set', payload: { slice: 'c', value: () => 1 } }, 1000)
    await expect(refused).rejects.toBeInstanceOf(CommandNotSent)
    await expect(refused).rejects.toThrow(/cannot be copied into the runtime's thread: .*could not be cloned/)
    expect(h.host.runtime.running).toBe(true)
    // Nothing of the refused action was recorded: the next one's input note, then its change.
    expect((await h.dispatch({ type: 'increment' })).body.seq).toBe(before + 2)
  })
})
