import { afterEach, describe, expect, test } from 'vitest'
import { MEMORY_STEP, MemoryReporter, sampleMemory } from '../../../src/host/runtime/memory'
import type { MemorySample } from '../../../src/host/runtime/messages'
import type { CustomEvent, RuntimeInfo } from '../../../src/shared/protocol'
import { fixture, startTestHost, type TestHost } from '../../helpers/host'

const MB = 1024 * 1024
let h: TestHost | undefined

afterEach(async () => {
  await h?.close()
  h = undefined
})

const runtime = (t: TestHost): Promise<RuntimeInfo> => t.getJson<RuntimeInfo>('/runtime')

/** The host's notes of runtime errors in the history, newest last. */
function notes(t: TestHost): { kind: string; message: string }[] {
  const out: { kind: string; message: string }[] = []
  for (let seq = t.host.history.baseSeq + 1; seq <= t.host.history.lastSeq; seq++) {
    const e = t.host.history.event(seq)
    if (e.type !== 'custom-event') continue
    const note = (e as CustomEvent).data as { $patchscope?: { kind: string; message: string } }
    if (note.$patchscope !== undefined) out.push(note.$patchscope)
  }
  return out
}

describe('the runtime’s memory', () => {
  test('GET /runtime shows the heap and the memory outside it, sampled in the runtime’s thread', async () => {
    h = await startTestHost({ runtime: fixture('buffers.mjs'), maxRuntimeMb: 256 })
    const before = (await runtime(h)).memory
    expect(before).toMatchObject({ externalLimit: 256 * MB })
    expect(before?.heapUsed).toBeGreaterThan(0)
    expect(before?.heapLimit).toBeGreaterThan(before?.heapTotal as number)
    expect(before?.external).toBeLessThan(16 * MB)
    expect((await h.dispatch({ type: 'alloc', payload: { mb: 48 } })).status).toBe(200)
    const after = (await runtime(h)).memory
    // The runtime's own Buffers, not the host's: the host allocated none of these.
    expect(after?.external).toBeGreaterThanOrEqual(48 * MB)
    expect(after?.external).toBeLessThan(256 * MB)
    expect((await runtime(h)).status).toBe('loaded')
  })

  test('past --max-runtime-mb, a dispatch that allocates stops the runtime, which says why, and the host goes on', async () => {
    h = await startTestHost({ runtime: fixture('buffers.mjs'), maxRuntimeMb: 32 })
    expect((await h.dispatch({ type: 'alloc', payload: { mb: 8 } })).status).toBe(200)
    const recorded = h.host.history.lastSeq
    const res = await h.dispatch({ type: 'alloc', payload: { mb: 40 } })
    expect(res.status).toBe(409)
    const info = await runtime(h)
    expect(res.body.error?.message).toBe(info.error)
    expect(info).toMatchObject({ status: 'failed', name: 'buffers.mjs' })
    expect(info.error).toMatch(
      /^the runtime was stopped: it held \d+ MB outside its JS heap .*past the limit of 32 MB \(--max-runtime-mb\)/
    )
    expect(info.memory).toBeUndefined()
    expect(notes(h).at(-1)).toMatchObject({ kind: 'memory-limit', message: info.error })
    // Nothing recorded is lost, the host answers, and the runtime can be loaded again.
    expect(h.host.history.lastSeq).toBeGreaterThan(recorded)
    expect((await h.state()).held).toBe(48)
    const refused = await h.dispatch({ type: 'alloc', payload: { mb: 1 } })
    expect(refused.status).toBe(409)
    expect(refused.body.error?.message).toBe(`no runtime is running: ${info.error}`)
    const reload = await h.fetch('/runtime', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reload: true })
    })
    expect(reload.status).toBe(200)
    expect((await runtime(h)).status).toBe('loaded')
  })

  test('memory the runtime allocates on its own, outside any dispatch, stops it too', async () => {
    h = await startTestHost({ runtime: fixture('buffers.mjs'), maxRuntimeMb: 32 })
    const sse = await h.events()
    expect((await h.dispatch({ type: 'alloc', payload: { mb: 40, ms: 10 } })).status).toBe(200)
    const note = await sse.waitFor((e) => e.type === 'custom-event' && JSON.stringify(e.data).includes('memory-limit'))
    expect(JSON.stringify(note)).toMatch(/past the limit of 32 MB/)
    expect((await runtime(h)).status).toBe('failed')
  })
})

describe('MemoryReporter', () => {
  const at = (external: number, heapUsed = 10 * MB): MemorySample => ({ external, heapUsed, heapTotal: 20 * MB, heapLimit: 4096 * MB })

  test('sends a sample only when the heap or the memory outside it changed by a step or more', () => {
    const samples = [at(0), at(MEMORY_STEP - 1), at(MEMORY_STEP), at(MEMORY_STEP, 10 * MB + MEMORY_STEP), at(0)]
    const sent: MemorySample[] = []
    const reporter = new MemoryReporter(
      (m) => sent.push(m),
      () => samples.shift() as MemorySample
    )
    for (let i = 0; i < 4; i++) reporter.check()
    expect(sent).toEqual([at(MEMORY_STEP), at(MEMORY_STEP, 10 * MB + MEMORY_STEP), at(0)])
  })

  test('samples this thread’s isolate', () => {
    const s = sampleMemory()
    const kept = Buffer.alloc(8 * MB, 1)
    expect(sampleMemory().external - s.external).toBeGreaterThanOrEqual(8 * MB)
    expect(kept.length).toBe(8 * MB)
  })
})
