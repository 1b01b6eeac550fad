import { afterEach, describe, expect, test } from 'vitest'
import { History } from '../../../src/host/recorder/history'
import { createWatchRegistry, UnknownWatch, type PauseSpec, type WatchRegistry } from '../../../src/host/watches'
import { WatchSyntaxError } from '../../../src/shared/watch'

let registry: WatchRegistry | undefined

afterEach(() => registry?.close())

/** `n` changes of `count` (to the entry's own seq), notified once. */
function counting(n: number, history = new History()): History {
  const first = history.lastSeq + 1
  for (let i = first; i < first + n; i++) {
    history.appendEvent({ type: 'state.update', slice: 'count', value: i, cause: { type: 'inc' }, timestamp: 0 })
  }
  history.notify()
  return history
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r))

describe('watches and their hits', () => {
  test('matches entries recorded after it was added, newest first, with the values before and after', () => {
    const history = new History()
    registry = createWatchRegistry({ history })
    const w = registry.add('/count  >   2')
    expect(w).toMatchObject({ id: expect.any(String), text: '/count > 2', pause: false, hits: 0 })
    counting(4, history)
    expect(registry.get(w.id).hits).toBe(2)
    expect(registry.hits(w.id).hits).toEqual([
      { seq: 4, path: '/count', before: 3, after: 4 },
      { seq: 3, path: '/count', before: 2, after: 3 }
    ])
    expect(registry.hits(w.id, { before: 4 }).hits).toEqual([{ seq: 3, path: '/count', before: 2, after: 3 }])
  })

  test('pages through hits without splitting an entry’s hits, and says where the next page starts', () => {
    const history = new History()
    registry = createWatchRegistry({ history })
    const w = registry.add('/list/*')
    history.appendEvent({ type: 'state.update', slice: 'list', value: [1, 2], cause: { type: 'a' }, timestamp: 0 })
    history.appendEvent({ type: 'state.update', slice: 'list', value: [3, 4], cause: { type: 'b' }, timestamp: 0 })
    history.notify()
    const first = registry.hits(w.id, { limit: 1 })
    expect(first.hits.map((h) => [h.seq, h.path])).toEqual([
      [2, '/list/1'],
      [2, '/list/0']
    ])
    expect(first.next).toBe(2)
    const second = registry.hits(w.id, { limit: 1, before: 2 })
    expect(second.hits.map((h) => h.seq)).toEqual([1, 1])
    expect(second.next).toBeUndefined()
  })

  test('refuses a watch that does not parse, naming the column; unknown ids are named', () => {
    registry = createWatchRegistry({ history: new History() })
    expect(() => registry?.add('/a >')).toThrow(WatchSyntaxError)
    expect(() => registry?.remove('w99')).toThrow(UnknownWatch)
    expect(() => registry?.hits('nope')).toThrow(/no watch "nope"/)
  })
})

describe('the scan of the retained history', () => {
  test('finds every hit in slices of work, telling its progress, while the event loop goes on', async () => {
    const history = counting(30_000)
    registry = createWatchRegistry({ history, scanSliceMs: 1 })
    const seen: { done: number; total: number; state: string }[] = []
    registry.subscribe(() => {
      const scan = registry?.info().watches[0]?.scan
      if (scan) seen.push({ ...scan })
    })
    const w = registry.add('/count > 29000')
    expect(w.scan).toEqual({ state: 'scanning', done: 0, total: 30_000 })
    let turns = 0
    while (registry.get(w.id).scan.state === 'scanning') {
      turns++
      await tick()
    }
    expect(registry.get(w.id)).toMatchObject({ hits: 1000, scan: { state: 'done', done: 30_000, total: 30_000 } })
    // Several slices, each followed by a turn of the event loop and a report of its progress.
    expect(turns).toBeGreaterThan(2)
    const partial = seen.filter((s) => s.state === 'scanning')
    expect(partial.length).toBeGreaterThan(1)
    expect(partial.every((s, i) => i === 0 || s.done >= (partial[i - 1] as { done: number }).done)).toBe(true)
  })

  test('entries recorded while it scans are matched live, and none twice', async () => {
    const history = counting(5_000)
    registry = createWatchRegistry({ history, scanSliceMs: 0.1 })
    const w = registry.add('/count')
    await tick()
    expect(registry.get(w.id).scan.state).toBe('scanning')
    for (let i = 0; i < 10; i++) {
      counting(1, history)
      await tick()
    }
    while (registry.get(w.id).scan.state === 'scanning') await tick()
    const page = registry.hits(w.id, { limit: 100_000 })
    expect(page.total).toBe(5_010)
    expect(new Set(page.hits.map((h) => h.seq)).size).toBe(5_010)
  })

  test('a cancelled scan stops where it is, and live entries are still matched', async () => {
    const history = counting(50_000)
    registry = createWatchRegistry({ history, scanSliceMs: 0.5 })
    const w = registry.add('/count')
    await tick()
    const cancelled = registry.cancelScan(w.id)
    expect(cancelled.scan.state).toBe('cancelled')
    expect(cancelled.scan.done).toBeLessThan(50_000)
    const found = cancelled.hits
    await tick()
    await tick()
    expect(registry.get(w.id).hits).toBe(found)
    counting(1, history)
    expect(registry.get(w.id).hits).toBe(found + 1)
  })

  test('skips entries the history dropped while it ran', async () => {
    const history = counting(3_000, new History({ limits: { maxEntries: 3_000 } }))
    registry = createWatchRegistry({ history, scanSliceMs: 0.1 })
    const w = registry.add('/count')
    counting(2_000, history)
    while (registry.get(w.id).scan.state === 'scanning') await tick()
    const page = registry.hits(w.id, { limit: 100_000 })
    expect(page.total).toBe(history.size)
    expect(Math.min(...page.hits.map((h) => h.seq))).toBe(history.baseSeq + 1)
  })

  test('a replaced history (an import) is scanned afresh, the old hits forgotten', async () => {
    const history = counting(10)
    registry = createWatchRegistry({ history })
    const w = registry.add('/count')
    while (registry.get(w.id).scan.state === 'scanning') await tick()
    expect(registry.get(w.id).hits).toBe(10)
    const other = counting(3, new History({ baseSeq: history.lastSeq }))
    history.adopt(other)
    history.notify()
    expect(registry.get(w.id)).toMatchObject({ hits: 0, scan: { state: 'scanning', total: 3 } })
    while (registry.get(w.id).scan.state === 'scanning') await tick()
    expect(registry.hits(w.id).hits.map((h) => h.seq)).toEqual([13, 12, 11])
  })
})

describe('pausing watches, breaks and session files', () => {
  test('the runtime is told of the pausing watches and the breaks, each time they change', () => {
    const specs: PauseSpec[] = []
    registry = createWatchRegistry({ history: new History(), onPauses: (s) => specs.push(s) })
    registry.add('/a')
    expect(specs).toEqual([])
    const p = registry.add('/b becomes 1', true)
    registry.setBreaks({ actionTypes: ['x', 'x', 'y'], failedExecution: true, runtimeError: false })
    registry.remove(p.id)
    expect(specs).toEqual([
      { watches: [{ id: p.id, text: '/b becomes 1' }], breaks: { actionTypes: [], failedExecution: false, runtimeError: false } },
      { watches: [{ id: p.id, text: '/b becomes 1' }], breaks: { actionTypes: ['x', 'y'], failedExecution: true, runtimeError: false } },
      { watches: [], breaks: { actionTypes: ['x', 'y'], failedExecution: true, runtimeError: false } }
    ])
  })

  test('restores saved watches, but for those already there and those that do not parse', () => {
    const logs: string[] = []
    registry = createWatchRegistry({ history: new History(), log: (t) => logs.push(t) })
    registry.add('/a == 1')
    registry.restore([
      { text: '/a   ==   1', pause: true },
      { text: '/b', pause: true },
      { text: '/c >', pause: false }
    ])
    expect(registry.saved()).toEqual([
      { text: '/a == 1', pause: false },
      { text: '/b', pause: true }
    ])
    expect(logs.join('')).toMatch(/"\/c >"/)
  })
})
