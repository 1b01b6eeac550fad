import { describe, expect, test } from 'vitest'
import { EffectLog } from '../../../../src/host/runtime/effects/record'
import { EffectPlayer } from '../../../../src/host/runtime/effects/replay'
import { isEffect, type Effect } from '../../../../src/shared/effects'
import type { ReplayIssue } from '../../../../src/shared/replay'

describe('a runtime polling the clock', () => {
  test('records each millisecond once with how many reads gave it, not a note entry per read', () => {
    const log = new EffectLog()
    const reads: number[] = []
    for (let i = 0; i < 20_000; i++) reads.push(log.now())
    const effects = log.take() ?? []
    // Each run of equal readings is one effect, and together they say every read in order.
    expect(effects.length).toBeLessThan(reads.length)
    const expanded = effects.flatMap((e) => (e.k === 'now' ? Array<number>(e.n ?? 1).fill(e.v) : []))
    expect(expanded).toEqual(reads)
    for (const e of effects) expect(isEffect(e)).toBe(true)
  })

  test('a run is not continued across another effect, nor into a new note', () => {
    const log = new EffectLog()
    const a = log.now()
    log.random()
    log.now()
    const first = log.take() ?? []
    expect(first.map((e) => e.k)).toEqual(['now', 'random', 'now'])
    expect(first[0]).toEqual({ k: 'now', v: a })
    log.now()
    expect(log.take()).toHaveLength(1)
    expect(first).toHaveLength(3)
  })

  test('is replayed read for read, and a run read fewer times than recorded is said', async () => {
    const issues: ReplayIssue[] = []
    const effects: Effect[] = [
      { k: 'now', v: 5, n: 3 },
      { k: 'now', v: 6 }
    ]
    const player = new EffectPlayer({ segments: [{ effects }, { action: { type: 'x' }, effects: [{ k: 'now', v: 9, n: 2 }] }] }, (i) =>
      issues.push(i)
    )
    expect([player.now(), player.now(), player.now(), player.now()]).toEqual([5, 5, 5, 6])
    await player.drive(
      () => expect(player.now()).toBe(9),
      () => undefined
    )
    expect(issues).toEqual([expect.objectContaining({ kind: 'effects', message: expect.stringMatching(/1 fewer time/) })])
  })

  test('a count that is not a positive whole number is not an effect (a damaged file)', () => {
    expect(isEffect({ k: 'now', v: 1, n: 2 })).toBe(true)
    for (const n of [0, -1, 1.5, '2']) expect(isEffect({ k: 'now', v: 1, n })).toBe(false)
  })
})
