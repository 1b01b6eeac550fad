import { afterEach, describe, expect, test } from 'vitest'
import { Host } from '../../../src/host/host'
import type { HistoryEvent, RuntimeInfo, StateUpdateEvent } from '../../../src/shared/protocol'
import { fixture } from '../../helpers/host'

let host: Host | undefined

afterEach(async () => {
  await host?.close()
  host = undefined
})

async function start(): Promise<Host> {
  const logs: string[] = []
  const created = await Host.create({ runtime: fixture('pausable.mjs'), responseTimeoutMs: 150, log: (t) => logs.push(t) })
  expect(created.error).toBeUndefined()
  host = created.host
  return created.host
}

/** Resolves with the runtime's info once `ok` holds for it (told by the host as it changes). */
function runtimeWhen(h: Host, ok: (info: RuntimeInfo) => boolean, timeoutMs = 5_000): Promise<RuntimeInfo> {
  return new Promise((resolve, reject) => {
    if (ok(h.runtimeInfo)) return resolve(h.runtimeInfo)
    const timer = setTimeout(() => {
      stop()
      reject(new Error(`the runtime did not get there in time: ${JSON.stringify(h.runtimeInfo)}`))
    }, timeoutMs)
    const stop = h.onRuntimeChange((info) => {
      if (!ok(info)) return
      clearTimeout(timer)
      stop()
      resolve(info)
    })
  })
}

/** Resolves once the history holds more than `seq` entries. */
function entriesAfter(h: Host, seq: number): Promise<void> {
  return new Promise((resolve) => {
    if (h.history.lastSeq > seq) return resolve()
    const stop = h.history.subscribe(() => {
      if (h.history.lastSeq <= seq) return
      stop()
      resolve()
    })
  })
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

function updates(h: Host, slice: string): StateUpdateEvent[] {
  const out: StateUpdateEvent[] = []
  for (let seq = h.history.baseSeq + 1; seq <= h.history.lastSeq; seq++) {
    const e: HistoryEvent = h.history.event(seq)
    if (e.type === 'state.update' && e.slice === slice) out.push(e)
  }
  return out
}

describe('a pausing watch stops the runtime’s thread', () => {
  test('right after the matching change, with its timers; step goes one entry on; continue resumes with nothing lost', async () => {
    const h = await start()
    const w = h.watches.add('/ticks == 30', true)
    const paused = await runtimeWhen(h, (i) => i.paused !== undefined)
    expect(paused.paused).toEqual({ seq: h.history.lastSeq, by: { kind: 'watch', id: w.id, text: '/ticks == 30', path: '/ticks' } })
    const at = paused.paused?.seq as number
    expect(h.history.event(at)).toMatchObject({ type: 'state.update', slice: 'ticks', value: 30 })
    // Still for a while (its timer fires every 3 ms), and never reported as not responding (150 ms).
    await sleep(500)
    expect(h.history.lastSeq).toBe(at)
    expect(h.runtimeInfo.responsive).toBe(true)
    expect(h.watches.get(w.id).hits).toBe(1)

    // Step: the next entry (the same tick's `log`), then paused again.
    h.runtime.resume(true)
    const stepped = await runtimeWhen(h, (i) => i.paused !== undefined)
    expect(stepped.paused).toEqual({ seq: at + 1, by: { kind: 'step' } })
    expect(h.history.event(at + 1)).toMatchObject({ type: 'state.update', slice: 'log' })
    await sleep(100)
    expect(h.history.lastSeq).toBe(at + 1)

    h.runtime.resume(false)
    expect(h.runtimeInfo.paused).toBeUndefined()
    await entriesAfter(h, at + 40)
    const ticks = updates(h, 'ticks').map((e) => e.value)
    expect(ticks).toEqual(Array.from({ length: ticks.length }, (_, i) => i + 1))
    expect(() => h.runtime.resume(false)).toThrow(/not paused/)
  })

  test('a watch added while it streams pauses it mid-stream; removing it lets it run', async () => {
    const h = await start()
    await entriesAfter(h, 20)
    const w = h.watches.add('/log/- > 0', true)
    const paused = await runtimeWhen(h, (i) => i.paused !== undefined)
    expect(paused.paused?.by).toMatchObject({ kind: 'watch', id: w.id, path: expect.stringMatching(/^\/log\/\d+$/) })
    h.watches.remove(w.id)
    h.runtime.resume(false)
    const at = h.history.lastSeq
    await entriesAfter(h, at + 20)
    expect(h.runtimeInfo.paused).toBeUndefined()
  })

  test('actions sent while paused wait, and run once it goes on, in order', async () => {
    const h = await start()
    h.watches.add('/ticks == 5', true)
    await runtimeWhen(h, (i) => i.paused !== undefined)
    const first = h.dispatch({ type: 'add', payload: 'a' }, 200)
    const second = h.dispatch({ type: 'add', payload: 'b' }, 200)
    const [a, b] = await Promise.all([first, second])
    // Not run: the answers say they did not settle in time, with nothing of theirs recorded.
    expect([a.settled, a.count, b.settled, b.count]).toEqual([false, 0, false, 0])
    expect(updates(h, 'added')).toEqual([])
    h.runtime.resume(false)
    await h.dispatch({ type: 'add', payload: 'c' }, 2_000)
    expect(updates(h, 'added').map((e) => e.value ?? e.patches)).toHaveLength(3)
    expect(await h.runtime.state(1_000)).toContain('"added":["a","b","c"]')
  })

  test('a reload while paused ends the paused thread and starts afresh', async () => {
    const h = await start()
    h.watches.add('/ticks == 5', true)
    await runtimeWhen(h, (i) => i.paused !== undefined)
    const result = await h.reloadRuntime()
    expect(result).toEqual({ ok: true })
    // The new thread pauses at the same watch: it was handed the pausing watches from its start.
    const again = await runtimeWhen(h, (i) => i.paused !== undefined && i.paused.seq > 12)
    expect(h.history.event(again.paused?.seq as number)).toMatchObject({ slice: 'ticks', value: 5 })
    await h.runtime.stop()
    expect(h.runtimeInfo.paused).toBeUndefined()
  })
})

describe('breaks', () => {
  test('on an action type, a failed execution and a runtime error, each at its own entry', async () => {
    const h = await start()
    h.watches.setBreaks({ actionTypes: ['add'], failedExecution: true, runtimeError: true })
    await sleep(50)
    void h.dispatch({ type: 'add', payload: 1 }, 100)
    const byAction = await runtimeWhen(h, (i) => i.paused !== undefined)
    expect(byAction.paused?.by).toEqual({ kind: 'action', type: 'add' })
    expect(h.history.event(byAction.paused?.seq as number)).toMatchObject({ slice: 'added', cause: { type: 'add' } })
    h.runtime.resume(false)

    void h.dispatch({ type: 'fail' }, 100)
    const byFailure = await runtimeWhen(h, (i) => i.paused?.by.kind === 'failed-execution')
    expect(h.history.event(byFailure.paused?.seq as number)).toMatchObject({ type: 'execution.status', status: 'failed' })
    h.runtime.resume(false)

    void h.dispatch({ type: 'boom' }, 100)
    const byError = await runtimeWhen(h, (i) => i.paused?.by.kind === 'runtime-error')
    expect(byError.paused?.by).toMatchObject({ message: expect.stringMatching(/boom from a timer/) })
    expect(h.history.event(byError.paused?.seq as number)).toMatchObject({
      type: 'custom-event',
      data: { $patchscope: { note: 'runtime-error' } }
    })
    h.runtime.resume(false)
  })

  test('a pause asked for stops it after its next entry', async () => {
    const h = await start()
    await entriesAfter(h, 10)
    h.runtime.pause()
    const info = await runtimeWhen(h, (i) => i.paused !== undefined)
    expect(info.paused?.by).toEqual({ kind: 'request' })
    await sleep(100)
    expect(h.history.lastSeq).toBe(info.paused?.seq)
    h.runtime.resume(false)
  })
})
