import { describe, expect, test } from 'vitest'
import { runCommand, type CommandState } from '../../../src/renderer/src/lib/model/host-errors'

describe('runCommand', () => {
  test('is busy while the command runs, clears the last error, and answers what the host took', async () => {
    const state: CommandState = { busy: false, error: 'an earlier one' }
    let busyWhileSent = false
    const res = await runCommand(state, async () => {
      busyWhileSent = state.busy
      expect(state.error).toBeUndefined()
      return new Response('{"ok":1}', { status: 200 })
    })
    expect(busyWhileSent).toBe(true)
    expect(await res?.json()).toEqual({ ok: 1 })
    expect(state).toEqual({ busy: false, error: undefined })
  })

  test("keeps the host's refusal, or else its status, and answers undefined", async () => {
    const state: CommandState = { busy: false, error: undefined }
    expect(
      await runCommand(state, async () => Response.json({ error: { message: 'no runtime is loaded' } }, { status: 409 }))
    ).toBeUndefined()
    expect(state).toEqual({ busy: false, error: 'no runtime is loaded' })
    expect(await runCommand(state, async () => new Response('not json', { status: 502 }))).toBeUndefined()
    expect(state.error).toBe('the host answered 502')
  })

  test('says the host could not be reached when the request fails', async () => {
    const state: CommandState = { busy: false, error: undefined }
    expect(await runCommand(state, () => Promise.reject(new TypeError('fetch failed')))).toBeUndefined()
    expect(state).toEqual({ busy: false, error: 'the host could not be reached: fetch failed' })
  })
})
