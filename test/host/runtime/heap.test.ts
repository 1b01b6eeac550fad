import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, test } from 'vitest'
import { historyEvents } from '../../../src/host/replay'
import { heapLimits, MAX_HEAP_MB } from '../../../src/host/runtime/memory'
import type { CustomEvent, RuntimeInfo } from '../../../src/shared/protocol'
import type { ReplayNotice } from '../../../src/shared/replay'
import { startTestHost, type TestHost } from '../../helpers/host'

const MB = 1024 * 1024
const LEAK = fileURLToPath(new URL('./heap-leak.mjs', import.meta.url))
const LEAK_AT_LOAD = fileURLToPath(new URL('./heap-leak-at-load.mjs', import.meta.url))
const MEMORY = fileURLToPath(new URL('../../../src/host/runtime/memory.ts', import.meta.url))
const STOPPED =
  'the runtime was stopped: it ran out of JS heap (its limit is 64 MB, --max-heap-mb); the host and its history go on. Reload it to start it afresh.'

const hosts: TestHost[] = []
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.close()))
})

async function host(options: Parameters<typeof startTestHost>[0]): Promise<TestHost> {
  const h = await startTestHost(options)
  hosts.push(h)
  return h
}

const runtime = (t: TestHost): Promise<RuntimeInfo> => t.getJson<RuntimeInfo>('/runtime')

/** The host's notes of runtime errors in the history, newest last. */
function notes(t: TestHost): { kind: string; message: string }[] {
  const out: { kind: string; message: string }[] = []
  for (let seq = t.host.history.baseSeq + 1; seq <= t.host.history.lastSeq; seq++) {
    const e = t.host.history.event(seq)
    if (e.type !== 'custom-event') continue
    const note = (e as CustomEvent).data as { $patchscope?: { note: string; kind: string; message: string } }
    if (note.$patchscope?.note === 'runtime-error') out.push(note.$patchscope)
  }
  return out
}

const reload = (t: TestHost): Promise<Response> =>
  t.fetch('/runtime', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reload: true }) })

describe('the runtime’s JS heap (--max-heap-mb)', () => {
  test('a dispatch that leaks until the heap is exhausted stops the runtime, which says why; the host goes on and a reload starts it afresh', async () => {
    const h = await host({ runtime: LEAK, maxHeapMb: 64 })
    // The thread's heap is the limit given, whole: GET /runtime shows it.
    expect((await runtime(h)).memory?.heapLimit).toBe(64 * MB)
    expect((await h.dispatch({ type: 'keep', payload: { mb: 4 } })).status).toBe(200)
    const recorded = h.host.history.lastSeq

    const res = await h.dispatch({ type: 'leak' })
    expect(res.status).toBe(409)
    expect(res.body.error?.message).toBe(STOPPED)
    const info = await runtime(h)
    expect(info).toEqual({ path: LEAK, name: 'heap-leak.mjs', status: 'failed', error: STOPPED })
    expect(notes(h).at(-1)).toEqual({ note: 'runtime-error', kind: 'memory-limit', message: STOPPED })
    expect(h.logs.join('')).toContain(`[patchscope] runtime memory-limit: ${STOPPED}`)

    // Nothing recorded is lost and the host answers; the runtime can be loaded again.
    expect(h.host.history.lastSeq).toBeGreaterThan(recorded)
    expect((await h.state()).held).toBe(4)
    const refused = await h.dispatch({ type: 'keep', payload: { mb: 1 } })
    expect(refused.status).toBe(409)
    expect(refused.body.error?.message).toBe(`no runtime is running: ${STOPPED}`)
    expect((await reload(h)).status).toBe(200)
    const again = await runtime(h)
    expect(again).toMatchObject({ status: 'loaded', memory: { heapLimit: 64 * MB } })
    expect((await h.dispatch({ type: 'keep', payload: { mb: 2 } })).status).toBe(200)
    expect((await h.state()).held).toBe(2)
  }, 15_000)

  test('a runtime that leaks on its own, from a timer, is stopped the same way', async () => {
    const h = await host({ runtime: LEAK, maxHeapMb: 64 })
    const sse = await h.events()
    expect((await h.dispatch({ type: 'leak', payload: { ms: 2 } })).status).toBe(200)
    const note = await sse.waitFor((e) => e.type === 'custom-event' && JSON.stringify(e.data).includes('memory-limit'))
    expect((note as CustomEvent).data).toEqual({ $patchscope: { note: 'runtime-error', kind: 'memory-limit', message: STOPPED } })
    await expect.poll(async () => (await runtime(h)).status).toBe('failed')
    // It held something when it was stopped: what it recorded until then is there.
    expect((await h.state()).held).toBeGreaterThan(0)
    expect((await reload(h)).status).toBe(200)
  }, 15_000)

  test('a module that runs out of heap while it loads is not loaded, and says why', async () => {
    const h = await host({ maxHeapMb: 64 })
    const load = (path: string): Promise<Response> =>
      h.fetch('/runtime', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path }) })
    const res = await load(LEAK_AT_LOAD)
    const error = `Cannot load ${LEAK_AT_LOAD}: it ran out of JS heap while loading (its limit is 64 MB, --max-heap-mb)`
    expect(res.status).toBe(422)
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe(error)
    expect(await runtime(h)).toMatchObject({ status: 'failed', error })
    // The host loads another module all the same.
    expect((await load(LEAK)).status).toBe(200)
    expect((await runtime(h)).status).toBe('loaded')
  }, 15_000)

  test("a replay's runtime gets the host's heap limit too", async () => {
    // Recorded with room to spare: an input that keeps about 100 MB of objects.
    const roomy = await host({ runtime: LEAK, maxHeapMb: 256 })
    expect((await roomy.dispatch({ type: 'keep', payload: { mb: 96 } })).status).toBe(200)
    const events = historyEvents(roomy.host.history)
    const replay = (h: TestHost): Promise<ReplayNotice> =>
      new Promise((resolve, reject) => {
        h.host.replays.subscribe((n) => n.phase !== 'running' && resolve(n))
        h.host.replays.start({ events, module: LEAK, source: 'session' }).catch(reject)
      })
    expect(await replay(roomy)).toMatchObject({ phase: 'done', identical: true })
    // Replayed in a host whose runtimes get 64 MB, the same input exhausts the replay's heap.
    const small = await host({ maxHeapMb: 64 })
    const failed = await replay(small)
    expect(failed).toMatchObject({ phase: 'failed' })
    expect(failed.error).toMatch(/JS heap out of memory/)
  }, 20_000)
})

describe('heap limits', () => {
  test('the default is MAX_HEAP_MB, or the host’s own heap limit where that is lower', () => {
    expect(MAX_HEAP_MB).toBe(2048)
    // This machine gives a Node process more than 2 GB by default; one started with less gives its runtimes no more than its own.
    const own = (flags: string[]): { limit: number; default: number } =>
      JSON.parse(
        execFileSync(
          process.execPath,
          [
            ...flags,
            '--import',
            'tsx',
            '--input-type=module',
            '-e',
            `const m = await import(${JSON.stringify(MEMORY)}); const v8 = await import('node:v8');` +
              `console.log(JSON.stringify({ limit: v8.getHeapStatistics().heap_size_limit / 1048576, default: m.defaultMaxHeapMb() }))`
          ],
          { encoding: 'utf8' }
        )
      ) as { limit: number; default: number }
    const plain = own([])
    expect(plain.limit).toBeGreaterThan(MAX_HEAP_MB)
    expect(plain.default).toBe(MAX_HEAP_MB)
    const less = own(['--max-old-space-size=512'])
    expect(less.limit).toBeLessThan(MAX_HEAP_MB)
    expect(less.default).toBe(Math.floor(less.limit))
  }, 10_000)

  test.each([64, 100, 383, 384, 2048, 4096])('a heap of %i MB is split into a young generation V8 keeps as given, and an old one', (mb) => {
    const { maxYoungGenerationSizeMb: young, maxOldGenerationSizeMb: old } = heapLimits(mb)
    expect(young + old).toBe(mb)
    // Three semi-spaces of a power of two megabytes (V8 rounds a semi-space up to one), 48 MB as V8 has it by default.
    expect([3, 6, 12, 24, 48]).toContain(young)
    if (mb >= 384) expect(young).toBe(48)
    else expect(young).toBeLessThanOrEqual(mb / 8)
  })
})
