import { describe, expect, test } from 'vitest'
import { History } from '../../../src/host/recorder/history'
import { SEGMENT_ENTRIES } from '../../../src/host/recorder/segment'

describe("a segment's lines (what a journal copies)", () => {
  test('are the JSON of each entry followed by a newline, measured and copied alike across segments', () => {
    const history = new History({ base: { list: [] } })
    const n = SEGMENT_ENTRIES + 300
    for (let i = 0; i < n; i++) {
      if (i % 7 === 0) history.appendEvent({ type: 'custom-event', data: { i, text: 'ünïcode ✓' }, timestamp: i })
      else
        history.appendEvent({
          type: 'state.update',
          slice: 'list',
          patches: [{ op: 'add', path: '/-', value: i }],
          cause: { type: 't' },
          timestamp: i
        })
    }
    const view = history.view()
    for (const [from, to] of [
      [1, 1],
      [5, 900],
      [SEGMENT_ENTRIES - 3, SEGMENT_ENTRIES + 10],
      [1, n]
    ] as const) {
      const expected = Buffer.concat(
        Array.from({ length: to - from + 1 }, (_, k) => Buffer.from(`${view.segment(from + k).data(from + k)}\n`))
      )
      let size = 0
      const target = Buffer.alloc(expected.length + 8, 0xff)
      let at = 0
      for (let seq = from; seq <= to;) {
        const segment = view.segment(seq)
        const last = Math.min(segment.lastSeq, to)
        size += segment.dataLinesLength(seq, last)
        at = segment.copyDataLines(seq, last, target, at)
        seq = last + 1
      }
      expect(size).toBe(expected.length)
      expect(at).toBe(expected.length)
      expect(target.subarray(0, at).equals(expected)).toBe(true)
      expect(target[at]).toBe(0xff)
    }
  })
})
