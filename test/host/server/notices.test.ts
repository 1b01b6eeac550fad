import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { fixture, startTestHost, type TestHost } from '../../helpers/host'

let h: TestHost

beforeAll(async () => {
  h = await startTestHost({ runtime: fixture('bus-runtime.mjs') })
})

afterAll(async () => {
  await h.close()
})

describe('events outside the history', () => {
  test('reach every open stream with no seq and no id, between entries, without changing them', async () => {
    const client = await h.events('?since=0')
    await client.waitFor((e) => e.type === 'state.initial')
    h.server.hub.broadcast('journal', { state: 'failing', error: 'the disk is full' })
    await client.waitFor((e) => (e.type as string) === 'journal')
    const notice = client.events.find((e) => (e.type as string) === 'journal')
    expect(notice?.frame.id).toBeUndefined()
    expect(notice?.frame.event).toBe('journal')
    expect(notice).toMatchObject({ type: 'journal', state: 'failing', error: 'the disk is full' })
    expect('seq' in (notice as object)).toBe(false)
    const res = await h.dispatch({ type: 'increment' })
    await client.waitFor((e) => 'seq' in e && e.seq === res.body.seq)
    // Every entry, in order, none repeated: the base (seq 0), then each recorded one.
    expect(client.entries.map((e) => e.seq)).toEqual(Array.from({ length: (res.body.seq as number) + 1 }, (_, i) => i))
  })

  test('the latest of each type is sent first to a stream opened later; an older one of its type is never sent', async () => {
    h.server.hub.broadcast('journal', { state: 'failing', error: 'one' })
    h.server.hub.broadcast('journal', { state: 'writing' })
    const late = await h.events()
    await late.waitFor((e) => e.type === 'state.initial')
    const types = late.events.map((e) => e.type as string)
    expect(types.indexOf('journal')).toBeLessThan(types.indexOf('state.initial'))
    expect(late.events.filter((e) => (e.type as string) === 'journal')).toEqual([expect.objectContaining({ state: 'writing' })])
  })

  test('refuses a type that would pass for a heartbeat or is no event name', () => {
    expect(() => h.server.hub.broadcast('heartbeat', {})).toThrow(/cannot name/)
    expect(() => h.server.hub.broadcast('a\nb', {})).toThrow(/cannot name/)
  })
})
