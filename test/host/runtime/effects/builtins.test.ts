import { Worker } from 'node:worker_threads'
import { describe, expect, test } from 'vitest'
import { EffectLog } from '../../../../src/host/runtime/effects/record'
import { EffectPlayer } from '../../../../src/host/runtime/effects/replay'
import { isEffect, type Effect } from '../../../../src/shared/effects'
import type { ReplayIssue } from '../../../../src/shared/replay'

interface ThreadResult {
  expected: Record<string, unknown>
  refused: Record<string, unknown>
  read: Record<string, unknown>
  effects?: Effect[]
  issues?: ReplayIssue[]
}

/** Runs builtins-thread.ts in a thread of its own: recording, or replaying `effects`. */
function inThread(effects?: Effect[]): Promise<ThreadResult> {
  const tsx = import.meta.resolve('tsx/esm/api')
  const entry = new URL('./builtins-thread.ts', import.meta.url).href
  const worker = new Worker(`import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}) })`, {
    eval: true,
    workerData: { effects }
  })
  return new Promise<ThreadResult>((resolve, reject) => {
    worker.once('message', resolve)
    worker.once('error', reject)
    worker.once('exit', (code) => reject(new Error(`the thread ended (${code}) before it answered`)))
  }).finally(() => void worker.terminate())
}

describe('in a runtime thread', () => {
  test('refuses what Node refuses, with the same errors, recording and replaying', async () => {
    const recording = await inThread()
    // The real functions' answers, taken before anything was installed.
    expect(recording.refused).toEqual(recording.expected)
    expect(recording.expected.hrtime).toMatchObject({ name: 'RangeError', code: 'ERR_OUT_OF_RANGE' })
    expect(recording.expected.sleepAborted).toMatchObject({ name: 'AbortError', code: 'ABORT_ERR', cause: 'stopped before' })
    expect(recording.expected.waitThis).toMatchObject({ code: 'ERR_INVALID_THIS' })
    for (const [call, answer] of Object.entries(recording.expected)) expect(answer, call).not.toBe('did not fail')
    const replaying = await inThread(recording.effects)
    expect(replaying.refused).toEqual(replaying.expected)
  })

  test('records what it reads, not what the host reads, and a replay gives the runtime the same', async () => {
    const recording = await inThread()
    const { read, effects = [] } = recording
    for (const e of effects) expect(isEffect(e), JSON.stringify(e)).toBe(true)
    const [hostUuid, hostBytes, , hostInt] = read.host as [string, string, unknown, number]
    expect(effects).not.toContainEqual({ k: 'uuid', v: hostUuid })
    expect(effects).not.toContainEqual({ k: 'bytes', v: Buffer.from(hostBytes, 'hex').toString('base64') })
    expect(hostInt).toBeLessThan(9)
    // The runtime's one randomInt: not the host's, nor the one Node's fetch drew for its FormData boundary.
    expect(effects.filter((e) => e.k === 'int')).toEqual([{ k: 'int', v: read.afterFetchInt }])
    expect(effects).toContainEqual({ k: 'uuid', v: read.uuid })
    // node:crypto's getRandomValues calls the global one: after a fetch it is still the runtime's.
    expect(effects).toContainEqual({ k: 'bytes', v: Buffer.from(read.values as number[]).toString('base64') })
    expect(effects).toContainEqual({ k: 'uuid', v: read.afterFetchUuid })
    // The cancelled sleep (timer 1) never fired; the interval (3) fired twice, then was cleared.
    expect(effects.flatMap((e) => (e.k === 'fire' ? [e.id] : []))).toEqual([2, 3, 3, 4, 5])
    expect(effects.filter((e) => e.k === 'hrtime')).toHaveLength(4)
    expect(read).toMatchObject({
      emptyFillCalledBackAtOnce: true,
      cancelled: { name: 'AbortError', code: 'ABORT_ERR', cause: 'changed my mind' },
      unref: 'unref',
      interval: { name: 'AbortError', cause: 'two are enough' },
      ticks: [7, 7]
    })
    // randomFill(Uint32Array(3), 1, callback) fills the last two elements.
    expect((read.fillTail as number[])[0]).toBe(0)

    const replaying = await inThread(effects)
    expect(replaying.issues).toEqual([])
    const { host: _h, ...replayed } = replaying.read
    const { host: _r, ...recorded } = read
    expect(replayed).toEqual(recorded)
  })
})

describe('process.hrtime readings', () => {
  test('are logged as [seconds, nanoseconds], and a file with anything else is not read', () => {
    const log = new EffectLog()
    const v = log.hrtime()
    expect(log.take()).toEqual([{ k: 'hrtime', v: [v[0], v[1]] }])
    expect(isEffect({ k: 'hrtime', v: [12, 999_999_999] })).toBe(true)
    for (const bad of [[1, 1e9], [-1, 0], [1.5, 0], [1, 2, 3], [1], '1', 1, [1, '2'], null])
      expect(isEffect({ k: 'hrtime', v: bad }), JSON.stringify(bad)).toBe(false)
  })

  test('read past the recording give the last reading again (virtual time stands still), and it is said', async () => {
    const issues: ReplayIssue[] = []
    const player = new EffectPlayer({ segments: [{ effects: [{ k: 'hrtime', v: [5, 10] }] }] }, (i) => issues.push(i))
    expect(player.hrtime()).toEqual([5, 10])
    expect(player.hrtime()).toEqual([5, 10])
    await player.drive(
      () => undefined,
      () => undefined
    )
    expect(issues).toEqual([
      expect.objectContaining({ kind: 'effects', message: 'the runtime read process.hrtime() 1 more time than recorded' })
    ])
  })
})

describe("node:crypto's randomInt", () => {
  test('is logged as the integer it gave; a file with a fraction is not read', () => {
    const log = new EffectLog()
    expect(log.int(17)).toBe(17)
    expect(log.take()).toEqual([{ k: 'int', v: 17 }])
    expect(isEffect({ k: 'int', v: -3 })).toBe(true)
    for (const bad of [1.5, '3', Number.MAX_SAFE_INTEGER + 1, null]) expect(isEffect({ k: 'int', v: bad })).toBe(false)
  })

  test('replayed out of the range now asked for gives a number in it, and says so', () => {
    const issues: ReplayIssue[] = []
    const player = new EffectPlayer(
      {
        segments: [
          {
            effects: [
              { k: 'int', v: 3 },
              { k: 'int', v: 30 }
            ]
          }
        ]
      },
      (i) => issues.push(i)
    )
    expect(player.int(0, 0, 10)).toBe(3)
    const v = player.int(0, 10, 20)
    expect(v).toBeGreaterThanOrEqual(10)
    expect(v).toBeLessThan(20)
    expect(issues).toEqual([
      expect.objectContaining({
        kind: 'effects',
        message: 'randomInt() asked for a whole number from 10 to below 20, the recording has 30'
      })
    ])
  })
})

test('random bytes replayed for a call of another size are said, and generated', () => {
  const issues: ReplayIssue[] = []
  const player = new EffectPlayer({ segments: [{ effects: [{ k: 'bytes', v: Buffer.from([1, 2, 3]).toString('base64') }] }] }, (i) =>
    issues.push(i)
  )
  const bytes = new Uint8Array(4)
  player.bytes(bytes)
  expect(issues).toEqual([expect.objectContaining({ message: 'the runtime asked for 4 random bytes, the recording has 3 there' })])
})
