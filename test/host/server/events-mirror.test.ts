import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { HistoryEvent, Json } from '../../../src/shared/protocol'
import { tagOf } from '../../../src/shared/tags'
import { steps } from '../../helpers/arbitraries'
import { fixture, startTestHost, type TestHost } from '../../helpers/host'
import { Mirror } from '../../helpers/mirror'

let h: TestHost

beforeAll(async () => {
  h = await startTestHost({ runtime: fixture('random-runtime.ts') })
  expect(h.loadError).toBeUndefined()
})

afterAll(async () => {
  await h.close()
})

const isContainer = (v: Json | undefined): boolean => typeof v === 'object' && v !== null
const kind = (v: Json | undefined): string => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v)

/** Applies an update to the mirror after checking it is one the protocol allows. */
function applyChecked(mirror: Mirror, e: HistoryEvent): void {
  if (e.type === 'state.update') {
    const prev = mirror.state[e.slice] as Json
    const existed = Object.hasOwn(mirror.state, e.slice)
    if (e.patches !== undefined) {
      expect(e.patches.length, 'an empty update').toBeGreaterThan(0)
      expect(isContainer(prev)).toBe(true)
    } else if (e.value !== undefined && existed) {
      // A whole value only for a new slice, null, a primitive, a change of kind, or a tagged value.
      const next = e.value
      const whole =
        !isContainer(prev) || !isContainer(next) || kind(prev) !== kind(next) || tagOf(prev) !== undefined || tagOf(next) !== undefined
      expect(whole, `a whole value where patches were due: ${JSON.stringify(prev)} → ${JSON.stringify(next)}`).toBe(true)
    }
  }
  mirror.apply(e)
}

describe('a client that applies the stream', () => {
  test('ends deep-equal to GET /state (and to GET /state?at=) for any run of actions', async () => {
    await fc.assert(
      fc.asyncProperty(steps(15), async (run) => {
        await h.dispatch({ type: 'reset' })
        const sse = await h.events()
        await sse.waitFor((e) => e.type === 'state.initial')
        let last = h.host.history.lastSeq
        for (const step of run) {
          const res = await h.dispatch({ type: 'step', payload: step })
          expect(res.status, JSON.stringify(res.body)).toBe(200)
          last = res.body.seq as number
        }
        await sse.waitForSeq(last)
        const mirror = new Mirror()
        for (const e of sse.entries) applyChecked(mirror, e as HistoryEvent)
        await sse.close()
        expect(mirror.seq).toBe(last)
        expect(mirror.state).toEqual(await h.state())
        expect(mirror.state).toEqual(await h.state(`?at=${last}`))
      }),
      { numRuns: 40 }
    )
  })
})
