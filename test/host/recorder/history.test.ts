import { describe, expect, test } from 'vitest'
import { History, RetentionError, type HistoryLimits } from '../../../src/host/recorder/history'
import { CHANGE_PATCHES, CHANGE_VALUE } from '../../../src/host/recorder/entry'
import { SEGMENT_ENTRIES } from '../../../src/host/recorder/segment'
import type { HistoryEvent, Operation, Slices } from '../../../src/shared/protocol'
import { ChunkedArray, toPlain } from '../../../src/shared/state'
import { applyPlain } from '../../helpers/mirror'

type NewEvent = Parameters<History['appendEvent']>[0]

/** The n-th entry of a varied history: values, patches, removals, statuses, custom events and resets. */
function entry(n: number, pad = ''): NewEvent {
  const cause = { type: `action/${n % 7}` }
  switch (n % 9) {
    case 0:
      return { type: 'state.update', slice: 'list', value: [], cause, timestamp: n }
    case 1:
    case 2:
      return { type: 'state.update', slice: 'list', patches: [{ op: 'add', path: '/-', value: { n, pad } }], cause, timestamp: n }
    case 3:
      return { type: 'state.update', slice: 'count', value: n, cause, timestamp: n }
    case 4:
      return { type: 'execution.status', status: 'running', executionId: `e${n}`, timestamp: n }
    case 5:
      return { type: 'state.update', slice: `a/b${pad}`, value: { n }, cause, timestamp: n }
    case 6:
      return { type: 'state.update', slice: `a/b${pad}`, removed: true, cause, timestamp: n }
    case 7:
      return { type: 'custom-event', data: { n }, timestamp: n }
    default:
      return n % 4 === 0
        ? { type: 'state.initial', slices: { list: [], count: n, '': 'reset' }, timestamp: n, reset: true }
        : { type: 'state.update', slice: 'list', patches: [{ op: 'remove', path: '/0' }], cause, timestamp: n }
  }
}

type Append = (history: History, event: NewEvent) => number

/**
 * Appends as the runtime's worker does: a `state.update` with patches or a value is given with the
 * place of its change in the body, which a replay then parses alone.
 */
const withChangeSpan: Append = (history, e) => {
  if (e.type !== 'state.update' || e.removed === true) return history.appendEvent(e)
  const head = `"slice":${JSON.stringify(e.slice)},`
  const key = e.patches !== undefined ? '"patches":' : '"value":'
  const json = JSON.stringify(e.patches ?? e.value)
  const from = head.length + key.length
  const body = `${head}${key}${json},"cause":${JSON.stringify(e.cause)},"timestamp":${e.timestamp}}`
  return history.append('state.update', e.slice, body, {
    kind: e.patches !== undefined ? CHANGE_PATCHES : CHANGE_VALUE,
    from,
    to: from + json.length
  })
}

/**
 * Appends `count` entries and keeps the state after each, computed independently (fast-json-patch
 * on plain copies) from the start; returns those states by seq.
 */
function fill(
  history: History,
  count: number,
  pad = '',
  check?: () => void,
  append: Append = (h, e) => h.appendEvent(e)
): Map<number, Slices> {
  const states = new Map<number, Slices>([[history.lastSeq, history.stateAt(history.lastSeq)]])
  let state = history.stateAt(history.lastSeq)
  for (let i = 0; i < count; i++) {
    let e = entry(i, pad)
    // A removal or a patch needs something to act on: skip it where there is nothing.
    if (e.type === 'state.update' && e.patches?.[0]?.op === 'remove' && ((state.list as unknown[] | undefined)?.length ?? 0) === 0)
      e = entry(3)
    if (e.type === 'state.update' && e.patches !== undefined && !Object.hasOwn(state, 'list')) e = entry(0)
    if (e.type === 'state.update' && e.removed === true && !Object.hasOwn(state, e.slice)) e = entry(7)
    const seq = append(history, e)
    state = applyPlain(state, { ...e, seq } as HistoryEvent)
    states.set(seq, state)
    check?.()
  }
  return states
}

describe('History', () => {
  test('numbers entries from the seq after the base, and gives each back as it was appended', () => {
    const h = new History({ base: { a: 1 }, baseSeq: 41 })
    expect(h.lastSeq).toBe(41)
    expect(h.size).toBe(0)
    const seq = h.appendEvent({ type: 'custom-event', data: { 'x/y': [1] }, timestamp: 5 })
    expect(seq).toBe(42)
    expect(h.type(42)).toBe('custom-event')
    expect(h.event(42)).toEqual({ type: 'custom-event', seq: 42, data: { 'x/y': [1] }, timestamp: 5 })
    expect(h.size).toBe(1)
  })

  test('stores each entry as the SSE frame every client is sent', () => {
    const h = new History()
    h.appendEvent({ type: 'state.update', slice: 's', value: 'é', cause: { type: 't' }, timestamp: 1 })
    expect(h.segment(1).frame(1).toString('utf8')).toBe(
      'id: 1\nevent: state.update\ndata: {"type":"state.update","seq":1,"slice":"s","value":"é","cause":{"type":"t"},"timestamp":1}\n\n'
    )
  })

  test.each([
    ['appended as events', undefined],
    ['appended with the place of each change (as the worker does), multi-byte text before and in it', withChangeSpan]
  ])('gives the state right after every entry, across segments, as a replay from the start does: %s', (_, append) => {
    const h = new History({ base: { list: [] } })
    const states = fill(h, SEGMENT_ENTRIES * 2 + 300, append === undefined ? '' : 'é😀/~', undefined, append)
    const seqs = [...states.keys()]
    for (const seq of seqs) expect(h.stateAt(seq), `state at ${seq}`).toEqual(states.get(seq))
    // Backwards too (a sample: each is a replay from a checkpoint), so that no answer comes from the last one asked.
    for (const seq of seqs.reverse().filter((s) => s % 13 === 0)) expect(h.stateAt(seq), `state at ${seq}`).toEqual(states.get(seq))
  })

  test('keeps a long array in chunks its checkpoints share, and gives every state exactly', () => {
    const start = Array.from({ length: 5000 }, (_, i) => ({ n: i }))
    const h = new History({ base: { list: start } })
    // An independent model: a plain array changed in place, its JSON kept for a sample of seqs.
    const model = start.map((x) => ({ ...x }))
    const sample = new Map<number, string>()
    for (let k = 0; k < SEGMENT_ENTRIES * 3; k++) {
      const end = model.length - 1
      let op: Operation
      if (k % 50 === 0) {
        op = { op: 'add', path: '/-', value: { n: -k } }
        model.push({ n: -k })
      } else if (k % 97 === 0) {
        op = { op: 'remove', path: `/${end - 3}` }
        model.splice(end - 3, 1)
      } else {
        op = { op: 'replace', path: `/${end - (k % 5)}/n`, value: k }
        ;(model[end - (k % 5)] as { n: number }).n = k
      }
      const seq = h.appendEvent({ type: 'state.update', slice: 'list', patches: [op], cause: { type: 't' }, timestamp: k })
      if (k % 61 === 0 || k % SEGMENT_ENTRIES === SEGMENT_ENTRIES - 1) sample.set(seq, JSON.stringify({ list: model }))
    }
    for (const [seq, json] of [...sample].reverse()) expect(JSON.stringify(h.stateAt(seq)), `state at ${seq}`).toBe(json)
    expect(toPlain(h.stateAt(h.lastSeq))).toEqual({ list: model })
    // Consecutive checkpoints (the states at the ends of segments) share the chunks no entry between
    // them wrote: all but the last ones.
    const a = h.stateAt(SEGMENT_ENTRIES).list as unknown as ChunkedArray
    const b = h.stateAt(2 * SEGMENT_ENTRIES).list as unknown as ChunkedArray
    expect(a).toBeInstanceOf(ChunkedArray)
    expect(b.chunks.slice(0, 3)).toEqual(a.chunks.slice(0, 3))
    for (let c = 0; c < 3; c++) expect(b.chunks[c]).toBe(a.chunks[c])
    expect(start[4999]).toEqual({ n: 4999 })
  })

  test('refuses a seq it does not hold', () => {
    const h = new History({ baseSeq: 10 })
    fill(h, 3)
    for (const seq of [9, 14, -1, 1.5, Number.NaN]) expect(() => h.stateAt(seq)).toThrow(RetentionError)
    expect(() => h.event(10)).toThrow(RetentionError)
    expect(h.stateAt(10)).toEqual({})
  })

  const bounded: [string, Partial<HistoryLimits>, string, (h: History, limits: Partial<HistoryLimits>) => void][] = [
    ['entries', { maxEntries: 1500 }, '', (h, l) => expect(h.size).toBeLessThanOrEqual(l.maxEntries as number)],
    ['bytes', { maxBytes: 1 << 20 }, 'x'.repeat(2_000), (h, l) => expect(h.bytes).toBeLessThanOrEqual(l.maxBytes as number)]
  ]

  test.each(bounded)('keeps within maxEntries/maxBytes (%s), folding the oldest entries into the base', (_name, limits, pad, within) => {
    const h = new History({ base: { list: [] }, limits })
    const states = fill(h, 5_000, pad, () => within(h, limits))
    expect(h.baseSeq).toBeGreaterThan(0)
    expect(h.lastSeq).toBe(5_000)
    expect(h.size).toBe(h.lastSeq - h.baseSeq)
    expect(h.base()).toEqual(states.get(h.baseSeq))
    for (let seq = h.baseSeq; seq <= h.lastSeq; seq++) expect(h.stateAt(seq), `state at ${seq}`).toEqual(states.get(seq))
    expect(() => h.stateAt(h.baseSeq - 1)).toThrow(RetentionError)
    expect(() => h.event(h.baseSeq)).toThrow(/is not retained/)
  })

  test('still records an entry larger than maxBytes, folding everything before it into the base', () => {
    const h = new History({ base: { list: [] }, limits: { maxBytes: 1000 } })
    const states = fill(h, 50, 'y'.repeat(5_000))
    expect(h.size).toBe(1)
    expect(h.base()).toEqual(states.get(49))
    expect(h.stateAt(50)).toEqual(states.get(50))
  })

  test('keeps a fixed view for an export while entries are appended and dropped', () => {
    const h = new History({ limits: { maxEntries: SEGMENT_ENTRIES } })
    fill(h, SEGMENT_ENTRIES)
    const view = h.view()
    const frozen = view.segment(view.lastSeq).data(view.lastSeq)
    fill(h, SEGMENT_ENTRIES * 3)
    expect(h.baseSeq).toBeGreaterThan(view.baseSeq)
    expect(view.segment(view.lastSeq).data(view.lastSeq)).toBe(frozen)
    expect(view.segment(view.baseSeq + 1).data(view.baseSeq + 1)).toContain('"seq":1,')
  })

  test('tells subscribers when entries were appended, until they unsubscribe', () => {
    const h = new History()
    let calls = 0
    const off = h.subscribe(() => calls++)
    h.notify()
    off()
    h.notify()
    expect(calls).toBe(1)
  })

  test('keeps its own slice numbers when it adopts another history, which open filters hold', () => {
    const h = new History()
    const a = h.sliceId('a')
    const other = new History({ baseSeq: 0 })
    other.appendEvent({ type: 'state.update', slice: 'z', value: 1, cause: { type: 'x' }, timestamp: 0 })
    other.appendEvent({ type: 'state.update', slice: 'a', value: 1, cause: { type: 'x' }, timestamp: 0 })
    h.adopt(other)
    expect(h.sliceId('a')).toBe(a)
    expect(h.segment(2).sliceId(2)).toBe(a)
    expect(h.segment(1).sliceId(1)).toBe(h.sliceId('z'))
    expect(h.stateAt(2)).toEqual({ z: 1, a: 1 })
  })

  test('starts again from a new base on restart', () => {
    const h = new History()
    fill(h, 10)
    h.restart({ fresh: true }, 10)
    expect(h.size).toBe(0)
    expect(h.baseSeq).toBe(10)
    expect(h.stateAt(10)).toEqual({ fresh: true })
    expect(h.appendEvent({ type: 'custom-event', data: 1, timestamp: 0 })).toBe(11)
  })
})
