import { describe, expect, test } from 'vitest'
import {
  checkWatch,
  hitsText,
  markIndex,
  markTitle,
  pauseText,
  readBreaks,
  readHitsPage,
  readWatchesInfo,
  scanText,
  tickFractions
} from '../../../src/renderer/src/lib/model/watches'
import type { PauseReason } from '../../../src/shared/protocol'
import type { WatchInfo } from '../../../src/shared/watches'

const watch = (w: Partial<WatchInfo> = {}): WatchInfo => ({
  id: 'w1',
  text: '/count > 1',
  pause: false,
  hits: 0,
  scan: { state: 'done', done: 10, total: 10 },
  createdAt: 1,
  ...w
})

describe('checkWatch', () => {
  test('gives the canonical text of a watch the host would take', () => {
    expect(checkWatch('/count>3')).toEqual({ ok: true, text: '/count > 3' })
    expect(checkWatch('/cart/items/*/price')).toEqual({ ok: true, text: '/cart/items/*/price' })
  })

  test('names the fault and its column, as the host would refuse it', () => {
    const c = checkWatch('/status becomes failed')
    expect(c.ok).toBe(false)
    if (c.ok) return
    expect(c.column).toBe(17)
    expect(c.reason).toMatch(/expected a JSON value after "becomes"/)
    expect(c.message).toBe(`${c.reason} at column 17`)
  })

  test('refuses what is not a path at column 1, and an empty text', () => {
    const c = checkWatch('count')
    expect(c.ok === false && c.column).toBe(1)
    expect(checkWatch('').ok).toBe(false)
  })
})

describe('pauseText', () => {
  const cases: [PauseReason, string][] = [
    [{ kind: 'watch', id: 'w1', text: '/count == 5', path: '/count' }, 'Paused at #12 by watch /count == 5'],
    [{ kind: 'watch', id: 'w1', text: '/count', path: '/count' }, 'Paused at #12 by watch /count'],
    [
      { kind: 'watch', id: 'w2', text: '/cart/items/* appears', path: '/cart/items/3' },
      'Paused at #12 by watch /cart/items/* appears at /cart/items/3'
    ],
    [
      { kind: 'watch', id: 'w3', text: '/chat/messages/-', path: '/chat/messages/7' },
      'Paused at #12 by watch /chat/messages/- at /chat/messages/7'
    ],
    // A path that the text merely starts with is still a different place.
    [{ kind: 'watch', id: 'w4', text: '/count2 > 1', path: '/count' }, 'Paused at #12 by watch /count2 > 1 at /count'],
    [{ kind: 'action', type: 'cart/add' }, 'Paused at #12 by an action of type cart/add'],
    [{ kind: 'failed-execution', executionId: 'run-3' }, 'Paused at #12 by a failed execution (run-3)'],
    [{ kind: 'runtime-error', message: 'TypeError: x is undefined' }, 'Paused at #12 by a runtime error: TypeError: x is undefined'],
    [{ kind: 'step' }, 'Paused at #12 after a step'],
    [{ kind: 'request' }, 'Paused at #12 on request']
  ]
  test.each(cases)('%j', (by, text) => {
    expect(pauseText({ seq: 12, by })).toBe(text)
  })
})

describe('reading the host', () => {
  test('takes a watches event (its type field and unknown fields aside) and leaves out a watch it cannot read', () => {
    const info = readWatchesInfo({
      type: 'watches',
      watches: [watch({ hits: 3 }), { id: 'bad', text: '/x' }, { ...watch({ id: 'w2' }), scan: { state: 'weird', done: 0, total: 0 } }],
      breaks: { actionTypes: ['a', 3], failedExecution: true, runtimeError: 'yes' }
    })
    expect(info?.watches.map((w) => [w.id, w.hits])).toEqual([['w1', 3]])
    expect(info?.breaks).toEqual({ actionTypes: ['a'], failedExecution: true, runtimeError: false })
  })

  test('answers undefined for what is not a watches body, and no breaks for missing ones', () => {
    expect(readWatchesInfo(null)).toBeUndefined()
    expect(readWatchesInfo({ watches: 'x' })).toBeUndefined()
    expect(readBreaks(undefined)).toEqual({ actionTypes: [], failedExecution: false, runtimeError: false })
  })

  test('reads a page of hits, keeping absent values absent', () => {
    const page = readHitsPage({
      hits: [{ seq: 9, path: '/a', after: 1 }, { seq: 8, path: '/a', before: 1, after: null }, { seq: 'x' }],
      total: 5,
      unlisted: 1,
      next: 8
    })
    expect(page).toEqual({
      hits: [
        { seq: 9, path: '/a', after: 1 },
        { seq: 8, path: '/a', before: 1, after: null }
      ],
      total: 5,
      unlisted: 1,
      next: 8
    })
    expect('before' in (page.hits[0] as object)).toBe(false)
    expect(readHitsPage({ hits: [], total: 0 })).toEqual({ hits: [], total: 0, unlisted: 0 })
    expect(() => readHitsPage({ error: { message: 'no' } })).toThrow(/not a page of hits/)
  })
})

describe('what the list says', () => {
  test('counts', () => {
    expect(hitsText(0)).toBe('0 hits')
    expect(hitsText(1)).toBe('1 hit')
    expect(hitsText(12345)).toBe('12,345 hits')
  })

  test('a scan under way, cancelled, or nothing once done', () => {
    expect(scanText(watch({ scan: { state: 'scanning', done: 250, total: 1000 } }))).toBe('scanning 25%')
    expect(scanText(watch({ scan: { state: 'cancelled', done: 1500, total: 4000 } }))).toBe('scan cancelled at 37% (1,500 of 4,000)')
    expect(scanText(watch())).toBe('')
    expect(scanText(watch({ scan: { state: 'scanning', done: 0, total: 0 } }))).toBe('scanning 100%')
  })
})

describe('hit marks', () => {
  test('index each entry by the watches that hit it, in the order of the watches, each once', () => {
    const marks = markIndex(
      ['w1', 'w2', 'gone'],
      new Map([
        ['w2', [9, 5, 5]],
        ['w1', [9, 3]],
        ['other', [1]]
      ])
    )
    expect([...marks.entries()].sort((a, b) => a[0] - b[0])).toEqual([
      [3, ['w1']],
      [5, ['w2']],
      [9, ['w1', 'w2']]
    ])
  })

  test('name the watches in the tooltip', () => {
    expect(markTitle(['/count > 1'])).toBe('Hit by the watch /count > 1')
    expect(markTitle(['/a', '/b appears'])).toBe('Hit by the watches /a, /b appears')
  })

  test('tick the scrubber at the rows of the marked entries, deduplicated, none for hidden ones', () => {
    // 11 rows: seq s is row s, but seq 4 is hidden by a filter and seq 99 is not held.
    const rowOf = (seq: number): number | undefined => (seq === 4 || seq > 10 ? undefined : seq)
    expect(tickFractions([10, 0, 5, 4, 99, 5], rowOf, 11)).toEqual([0, 0.5, 1])
    expect(tickFractions([0], () => 0, 1)).toEqual([0])
    expect(tickFractions([1], () => 0, 0)).toEqual([])
  })

  test('a million hits are at most a thousand and one ticks', () => {
    const seqs = Array.from({ length: 1_000_000 }, (_, i) => i)
    const ticks = tickFractions(seqs, (s) => s, 1_000_000)
    expect(ticks.length).toBe(1001)
    expect(ticks[0]).toBe(0)
    expect(ticks[ticks.length - 1]).toBe(1)
  })
})
