import { describe, expect, test } from 'vitest'
import { RuntimeChecks, type ChecksHost } from '../../src/renderer/src/lib/runtime-checks.svelte'
import type { CompareMode, InPlaceFinding, RuntimeInfo } from '../../src/shared/protocol'

const loaded = (more: Partial<RuntimeInfo> = {}): RuntimeInfo => ({
  path: '/x/todos-bug.mjs',
  name: 'todos-bug.mjs',
  status: 'loaded',
  compare: 'verify',
  ...more
})

/** A connection that answers each change of mode when told to, as the host would. */
class FakeHost implements ChecksHost {
  runtime = $state<RuntimeInfo>(loaded())
  asked: Exclude<CompareMode, 'trust'>[] = []
  #answer: ((error: string | undefined) => void) | undefined

  setCompare(mode: Exclude<CompareMode, 'trust'>): Promise<string | undefined> {
    this.asked.push(mode)
    return new Promise((resolve) => {
      this.#answer = (error) => {
        if (error === undefined) this.runtime = { ...this.runtime, compare: mode }
        resolve(error)
      }
    })
  }

  answer(error?: string): void {
    this.#answer?.(error)
  }
}

const finding = (f: Partial<InPlaceFinding>): InPlaceFinding => ({
  slice: 'todos',
  how: 'verification',
  seq: 4,
  since: 2,
  paths: ['/1/done'],
  ...f
})

describe('RuntimeChecks', () => {
  test('tells the slices verification found from those the runtime reports as the same object', () => {
    const host = new FakeHost()
    const checks = new RuntimeChecks(host)
    expect([checks.mode, checks.found, checks.reported]).toEqual(['verify', [], []])
    const found = finding({ slice: 'todos' })
    const reported = finding({ slice: 'canvas', how: 'reported', seq: 9, since: 8 })
    host.runtime = loaded({ inPlace: [reported, found] })
    expect(checks.found).toEqual([found])
    expect(checks.reported).toEqual([reported])
  })

  test('has no mode and no findings without a loaded runtime, or with a host that does not say', () => {
    const host = new FakeHost()
    const checks = new RuntimeChecks(host)
    host.runtime = { path: null, name: 'a.patchscope.ndjson', status: 'session', compare: 'verify', inPlace: [finding({})] }
    expect([checks.mode, checks.found]).toEqual([undefined, []])
    host.runtime = { path: '/x/a.mjs', name: 'a.mjs', status: 'loaded' }
    expect(checks.mode).toBeUndefined()
  })

  test('asks the host to compare every change in full, and shows it once the host says so', async () => {
    const host = new FakeHost()
    const checks = new RuntimeChecks(host)
    const done = checks.compareInFull(true)
    expect([checks.pending, checks.inFull, host.asked]).toEqual([true, true, ['full']])
    host.answer()
    await done
    expect([checks.pending, checks.inFull, checks.mode, checks.error]).toEqual([false, true, 'full', undefined])
    const back = checks.compareInFull(false)
    expect(checks.inFull).toBe(false)
    host.answer()
    await back
    expect([host.asked, checks.mode]).toEqual([['full', 'verify'], 'verify'])
  })

  test('keeps the host’s error and puts the switch back when the change is refused', async () => {
    const host = new FakeHost()
    const checks = new RuntimeChecks(host)
    const done = checks.compareInFull(true)
    host.answer('the runtime did not answer')
    await done
    expect([checks.inFull, checks.mode, checks.error]).toEqual([false, 'verify', 'the runtime did not answer'])
    // The next attempt starts without the old error.
    const again = checks.compareInFull(true)
    expect(checks.error).toBeUndefined()
    host.answer()
    await again
    expect(checks.inFull).toBe(true)
  })

  test('switches a runtime that declared itself immutable to comparing in full', async () => {
    const host = new FakeHost()
    host.runtime = loaded({ compare: 'trust' })
    const checks = new RuntimeChecks(host)
    expect(checks.inFull).toBe(false)
    const done = checks.compareInFull(true)
    host.answer()
    await done
    expect(checks.mode).toBe('full')
  })

  test('asks nothing while a change is on its way, or with no runtime', async () => {
    const host = new FakeHost()
    const checks = new RuntimeChecks(host)
    const first = checks.compareInFull(true)
    await checks.compareInFull(false)
    expect(host.asked).toEqual(['full'])
    host.answer()
    await first
    host.runtime = { path: null, name: null, status: 'none' }
    await checks.compareInFull(false)
    expect(host.asked).toEqual(['full'])
  })
})
