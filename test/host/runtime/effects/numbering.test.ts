import { describe, expect, test } from 'vitest'
import { Handover } from '../../../../src/host/runtime/effects/handover'
import { EffectLog } from '../../../../src/host/runtime/effects/record'
import { EffectPlayer } from '../../../../src/host/runtime/effects/replay'
import type { Effect } from '../../../../src/shared/effects'
import type { ReplayIssue } from '../../../../src/shared/replay'

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

describe('a resume going live numbers on from its replay', () => {
  test('a loaded runtime’s recording numbers its timers from 1', async () => {
    const log = new EffectLog()
    log.timer('timeout', () => undefined, 0, [])
    await wait(5)
    expect(log.take()).toEqual([{ k: 'fire', id: 1 }])
  })

  test('the timer the replay left pending keeps its number; a new one is numbered after those the replay made', async () => {
    const issues: ReplayIssue[] = []
    // The replay created timers 1, 2 and 3 and fired 1; 3 was cleared: 2 is pending at the point resumed at.
    const player = new EffectPlayer({ segments: [{ effects: [{ k: 'fire', id: 1 }] }] }, (i) => issues.push(i), true)
    const handover = new Handover(player)
    const ran: string[] = []
    handover.timer('timeout', () => ran.push('one'), 10, [])
    handover.timer('timeout', (...args) => ran.push(`two ${args.join(' ')}`), 0, ['a', 'b'])
    handover.clear(handover.timer('timeout', () => ran.push('three'), 0, []))
    await player.drive(
      () => undefined,
      () => undefined
    )
    expect(ran).toEqual(['one'])
    expect(handover.numbering).toEqual({ timers: 3, fetches: 0 })

    const log = new EffectLog(undefined, handover.numbering)
    expect(handover.goLive(log)).toEqual({ timers: 1, fetches: 0 })
    handover.timer('timeout', () => ran.push('four'), 20, [])
    await wait(60)
    expect(ran).toEqual(['one', 'two a b', 'four'])
    expect(log.take()).toEqual<Effect[]>([
      { k: 'fire', id: 2 },
      { k: 'fire', id: 4 }
    ])
    expect(issues).toEqual([])
  })

  test('a handed-over timer cleared after going live never fires, and nothing is logged for it', async () => {
    const player = new EffectPlayer({ segments: [{ effects: [] }] }, () => undefined, true)
    const handover = new Handover(player)
    const ran: string[] = []
    const pending = handover.timer('timeout', () => ran.push('pending'), 10, [])
    await player.drive(
      () => undefined,
      () => undefined
    )
    const log = new EffectLog(undefined, handover.numbering)
    handover.goLive(log)
    handover.clear(pending)
    await wait(30)
    expect(ran).toEqual([])
    expect(log.take()).toBeUndefined()
  })

  test('a request the resume’s script made but holds no response for waits, and is sent under its number when live', async () => {
    const recorded: Effect = { k: 'fetch', id: 1, method: 'GET', url: 'http://127.0.0.1:9/x' }
    const issues: ReplayIssue[] = []
    const player = new EffectPlayer({ segments: [{ effects: [recorded] }] }, (i) => issues.push(i), true)
    const handover = new Handover(player)
    const answer = handover.fetch('http://127.0.0.1:9/x', undefined)
    await player.drive(
      () => undefined,
      () => undefined
    )
    expect(issues).toEqual([])
    expect(handover.numbering).toEqual({ timers: 0, fetches: 1 })
    const sent: [unknown, number | undefined][] = []
    const log = new EffectLog(undefined, handover.numbering)
    // The log's own fetch, watched: what it was asked to send, and under which number.
    log.fetch = (input: unknown, _init: unknown, handed?: number): Promise<Response> => {
      sent.push([input, handed])
      return Promise.resolve(new Response('ok'))
    }
    expect(handover.goLive(log)).toEqual({ timers: 0, fetches: 1 })
    expect(await (await answer).text()).toBe('ok')
    expect(sent).toEqual([['http://127.0.0.1:9/x', 1]])

    // Without a resume, the same request fails at once, as one the recording has no response for.
    const replay = new EffectPlayer({ segments: [{ effects: [recorded] }] }, (i) => issues.push(i))
    await expect(replay.fetch('http://127.0.0.1:9/x', undefined)).rejects.toThrow(/no recorded response/)
    expect(issues).toEqual([expect.objectContaining({ kind: 'no-response' })])
  })
})
