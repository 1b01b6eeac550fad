import { describe, expect, test } from 'vitest'
import { Watches } from '../../src/renderer/src/lib/watches.svelte'
import { Timeline } from '../../src/renderer/src/lib/timeline.svelte'
import type { Breaks, WatchHitInfo, WatchInfo } from '../../src/shared/watches'
import { Log } from './model/log'

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0))

const watch = (id: string, hits: number, w: Partial<WatchInfo> = {}): WatchInfo => ({
  id,
  text: `/${id}`,
  pause: false,
  hits,
  scan: { state: 'done', done: 0, total: 0 },
  createdAt: 1,
  ...w
})
const breaks: Breaks = { actionTypes: [], failedExecution: false, runtimeError: false }

/** A host that answers the watch routes from `hits` (each watch's hits, newest first) and records every request. */
class FakeHost {
  hits = new Map<string, WatchHitInfo[]>()
  requests: { method: string; path: string; body?: unknown }[] = []
  /** The answer to the next POST /watches. */
  refuse: { status: number; message: string } | undefined

  request = async (path: string, init: RequestInit = {}): Promise<Response> => {
    const method = init.method ?? 'GET'
    this.requests.push({ method, path, ...(init.body !== undefined ? { body: JSON.parse(String(init.body)) } : {}) })
    const m = /^\/watches\/([^/]+)\/hits\?limit=(\d+)(?:&before=(\d+))?$/.exec(path)
    if (m !== null) {
      const all = this.hits.get(decodeURIComponent(m[1] as string))
      if (all === undefined) return json(404, { error: { message: 'no such watch' } })
      const before = m[3] === undefined ? Infinity : Number(m[3])
      const older = all.filter((h) => h.seq < before)
      const page = older.slice(0, Number(m[2]))
      const next = older.length > page.length ? (page[page.length - 1] as WatchHitInfo).seq : undefined
      return json(200, { hits: page, total: all.length, unlisted: 0, ...(next !== undefined ? { next } : {}) })
    }
    if (this.refuse !== undefined) return json(this.refuse.status, { error: { message: this.refuse.message } })
    return json(method === 'POST' && path === '/watches' ? 201 : 200, {})
  }

  asked(prefix: string): string[] {
    return this.requests.filter((r) => r.path.startsWith(prefix)).map((r) => `${r.method} ${r.path}`)
  }
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
}

const hitsAt = (...seqs: number[]): WatchHitInfo[] => seqs.map((seq) => ({ seq, path: '/a', before: seq - 1, after: seq }))

async function setup(entries = 10): Promise<{ host: FakeHost; watches: Watches; timeline: Timeline; shown: [number, string][] }> {
  const log = new Log({ a: 0 })
  for (let i = 1; i <= entries; i++) log.update('a', { value: i })
  const store = log.store()
  const timeline = new Timeline(store)
  timeline.changed()
  await tick()
  const host = new FakeHost()
  const shown: [number, string][] = []
  const watches = new Watches({ request: host.request, store, rows: timeline, showChange: (seq, p) => shown.push([seq, p]) })
  return { host, watches, timeline, shown }
}

describe('Watches', () => {
  test('checks the draft as it is typed and never sends one that does not parse', async () => {
    const { host, watches } = await setup()
    expect(watches.problem).toBeUndefined()
    watches.draft = '/a becomes failed'
    expect(watches.problem).toMatchObject({ column: 12 })
    expect(await watches.add()).toBe(false)
    expect(host.requests).toEqual([])
    watches.draft = '/a>3'
    expect(watches.problem).toBeUndefined()
    expect(watches.check).toEqual({ ok: true, text: '/a > 3' })
  })

  test('sends the draft with its pause, and empties it once the host took it', async () => {
    const { host, watches } = await setup()
    watches.draft = '/a > 3'
    watches.pause = true
    expect(await watches.add()).toBe(true)
    expect(host.requests).toEqual([{ method: 'POST', path: '/watches', body: { text: '/a > 3', pause: true } }])
    expect([watches.draft, watches.pause]).toEqual(['', false])
  })

  test('keeps the draft and says the host refusal', async () => {
    const { host, watches } = await setup()
    host.refuse = { status: 409, message: 'at most 100 watches' }
    watches.draft = '/a'
    expect(await watches.add()).toBe(false)
    expect(watches.draft).toBe('/a')
    expect(watches.error).toBe('at most 100 watches')
  })

  test('marks the entries each watch hit, fetched again only when its count changes', async () => {
    const { host, watches } = await setup()
    host.hits.set('w1', hitsAt(7, 3))
    host.hits.set('w2', hitsAt(7))
    watches.changed({ type: 'watches', watches: [watch('w1', 2), watch('w2', 1)], breaks })
    await tick()
    expect(watches.marksAt(7)).toEqual(['/w1', '/w2'])
    expect(watches.marksAt(3)).toEqual(['/w1'])
    expect(watches.marksAt(5)).toEqual([])
    expect(host.asked('/watches/')).toEqual(['GET /watches/w1/hits?limit=1000', 'GET /watches/w2/hits?limit=1000'])

    // The same counts (a scan's progress, the breaks): nothing fetched.
    watches.changed({ watches: [watch('w1', 2), watch('w2', 1)], breaks: { ...breaks, runtimeError: true } })
    await tick()
    expect(host.asked('/watches/')).toHaveLength(2)
    expect(watches.info.breaks.runtimeError).toBe(true)

    host.hits.set('w1', hitsAt(9, 7, 3))
    watches.changed({ watches: [watch('w1', 3), watch('w2', 1)], breaks })
    await tick()
    expect(watches.marksAt(9)).toEqual(['/w1'])
    expect(host.asked('/watches/')).toHaveLength(3)
  })

  test('a removed watch takes its marks and its opened list with it', async () => {
    const { host, watches } = await setup()
    host.hits.set('w1', hitsAt(4))
    host.hits.set('w2', hitsAt(4, 2))
    watches.changed({ watches: [watch('w1', 1), watch('w2', 2)], breaks })
    watches.toggle('w2')
    await tick()
    expect(watches.lists.w2?.hits.map((h) => h.seq)).toEqual([4, 2])
    watches.changed({ watches: [watch('w1', 1)], breaks })
    expect(watches.marksAt(4)).toEqual(['/w1'])
    expect(watches.marksAt(2)).toEqual([])
    expect(watches.lists.w2).toBeUndefined()
  })

  test('ticks the scrubber at the marked rows', async () => {
    const { host, watches, timeline } = await setup(10)
    host.hits.set('w1', hitsAt(10, 5, 0))
    watches.changed({ watches: [watch('w1', 3)], breaks })
    timeline.setGrouped(false)
    await tick()
    // 11 rows (the base and ten updates).
    expect(timeline.rowCount).toBe(11)
    expect(watches.ticks).toEqual([0, 0.5, 1])
    // Grouped by action, the ten updates (one action type, the runtime's) are one row, ticked for its hits.
    timeline.setGrouped(true)
    await tick()
    expect(timeline.rowCount).toBe(2)
    expect(watches.ticks).toEqual([0, 1])
  })

  test('lists an opened watch page after page, newest first, and starts over when its count changes', async () => {
    const { host, watches } = await setup()
    host.hits.set('w1', hitsAt(...Array.from({ length: 120 }, (_, i) => 200 - i)))
    watches.changed({ watches: [watch('w1', 120)], breaks })
    watches.toggle('w1')
    await tick()
    const list = () => watches.lists.w1
    expect(list()?.hits.length).toBe(50)
    expect(list()?.next).toBe(151)
    watches.more('w1')
    await tick()
    watches.more('w1')
    await tick()
    expect(list()?.hits.map((h) => h.seq)).toEqual(Array.from({ length: 120 }, (_, i) => 200 - i))
    expect(list()?.next).toBeUndefined()
    expect(host.asked('/watches/w1/hits?limit=50')).toEqual([
      'GET /watches/w1/hits?limit=50',
      'GET /watches/w1/hits?limit=50&before=151',
      'GET /watches/w1/hits?limit=50&before=101'
    ])

    host.hits.set('w1', [...hitsAt(201), ...(host.hits.get('w1') as WatchHitInfo[])])
    watches.changed({ watches: [watch('w1', 121)], breaks })
    await tick()
    expect(list()?.hits.length).toBe(50)
    expect(list()?.hits[0]?.seq).toBe(201)

    watches.toggle('w1')
    expect(list()).toBeUndefined()
  })

  test('a hit shows its entry and path; commands go to their routes', async () => {
    const { host, watches, shown } = await setup()
    watches.showHit({ seq: 4, path: '/a/b' })
    expect(shown).toEqual([[4, '/a/b']])
    expect(watches.holds(4)).toBe(true)
    expect(watches.holds(400)).toBe(false)
    await watches.remove('w 1')
    await watches.cancel('w2')
    await watches.setBreaks({ actionTypes: ['x'], failedExecution: true, runtimeError: false })
    expect(host.requests).toEqual([
      { method: 'DELETE', path: '/watches/w%201' },
      { method: 'POST', path: '/watches/w2/cancel' },
      { method: 'PUT', path: '/breaks', body: { actionTypes: ['x'], failedExecution: true, runtimeError: false } }
    ])
    expect(watches.info.breaks.actionTypes).toEqual(['x'])
  })
})
