import { describe, expect, test } from 'vitest'
import { copyText, opensFurther, stringView } from '../../src/renderer/src/components/json-tree/tree'
import { changeBefore } from '../../src/renderer/src/lib/model/executions'
import { preview } from '../../src/renderer/src/lib/model/format'
import { NO_FILTER } from '../../src/renderer/src/lib/model/filter'
import { columnWidths, eventName, summarize } from '../../src/renderer/src/lib/model/summary'
import { Timeline } from '../../src/renderer/src/lib/timeline.svelte'
import type { HistoryEvent, HistoryEventType, Json } from '../../src/shared/protocol'
import { Log } from './model/log'

const custom = (data: Json): HistoryEvent => ({ type: 'custom-event', seq: 1, data, timestamp: 0 })
const words = (n: number): string => Array.from({ length: n }, (_, i) => `word${i}`).join(' ')

describe('a long string in the JSON tree', () => {
  test('is whole when short and on one line; else its start, cut before a word, with what is left out and a longer tooltip', () => {
    expect(stringView('short')).toEqual({ long: false })
    const s = words(2000)
    const view = stringView(s)
    if (!view.long) throw new Error('a long string')
    expect(view.head.length).toBeLessThanOrEqual(120)
    expect(s.startsWith(view.head)).toBe(true)
    // The cut falls at a space: the start never ends inside a word.
    expect(s[view.head.length]).toBe(' ')
    expect(view.hidden).toBe(s.length - view.head.length)
    expect(view.tip.length).toBe(501)
    expect(view.tip.startsWith(view.head)).toBe(true)
  })

  test('is cut at its first line break, and a word longer than the limit is cut where it must be', () => {
    const two = stringView('first line\nsecond line')
    expect(two).toMatchObject({ long: true, head: 'first line', hidden: 12, tip: 'first line\nsecond line' })
    const one = stringView('x'.repeat(10_000))
    expect(one).toMatchObject({ long: true, head: 'x'.repeat(120), hidden: 10_000 - 120 })
  })

  test('copies a string as it is, and anything else as indented JSON', () => {
    expect(copyText('a "quoted"\nline')).toBe('a "quoted"\nline')
    expect(copyText({ a: [1, { $bigint: '2' }] })).toBe('{\n  "a": [\n    1,\n    {\n      "$bigint": "2"\n    }\n  ]\n}')
    expect(copyText(null)).toBe('null')
  })
})

describe('a value in a payload or a diff', () => {
  test('opens further whenever its preview does not show all of it', () => {
    const long = words(100)
    expect(opensFurther(long, preview(long, 80))).toBe(true)
    expect(opensFurther('short', preview('short', 80))).toBe(false)
    expect(opensFurther('two\nlines', preview('two\nlines', 80))).toBe(true)
    expect(opensFurther({ a: 1 }, preview({ a: 1 }, 80))).toBe(true)
    expect(opensFurther([], preview([], 80))).toBe(false)
    expect(opensFurther(42, preview(42, 80))).toBe(false)
    expect(opensFurther({ $date: '1970-01-01T00:00:00.000Z' }, preview({ $date: '1970-01-01T00:00:00.000Z' }, 10))).toBe(true)
  })
})

describe('the timeline row of a custom event', () => {
  test('names the event by its kind, type or name, and shows what differs first and the ids last', () => {
    const call = custom({
      kind: 'tool-call',
      executionId: 'exec-2',
      turnId: 'exec-2/turn-1',
      tool: 'read_file',
      args: { name: 'report.pdf' }
    })
    expect(eventName(call)).toBe('tool-call')
    expect(summarize(call)).toBe('{tool: "read_file", args: {name: "report.pdf"}, executionId: "exec-2", turnId: "exec-2/turn-1"}')
    expect(eventName(custom({ type: 'ping' }))).toBe('ping')
    expect(summarize(custom({ type: 'ping' }))).toBe('')
    expect(eventName(custom({ n: 1 }))).toBeUndefined()
    expect(eventName(custom('text'))).toBeUndefined()
    expect(eventName(custom({ $object: { $kind: 1, name: 'wrapped' } }))).toBe('wrapped')
    expect(eventName(custom({ $patchscope: { note: 'runtime-error', kind: 'x', message: 'y' } }))).toBeUndefined()
  })

  test('gets name columns as wide as the names the history holds, within bounds', () => {
    const log = new Log({ conversation: [] })
    log.update('conversation', { value: [1] }, { type: 'agent/reply-start' })
    log.custom({ kind: 'tool-call-with-a-long-name' })
    const store = log.store()
    expect(columnWidths(store, [])).toEqual({ what: '13ch', cause: '18ch' })
    expect(columnWidths(store, [0, 1, 2])).toEqual({ what: '13ch', cause: '27ch' })
  })
})

describe('"Show the entry before the failure"', () => {
  test('leads to the last state change before the failing status, past the statuses and events that reported it', () => {
    const types: HistoryEventType[] = ['state.initial', 'state.update', 'custom-event', 'execution.status', 'execution.status']
    expect(changeBefore((i) => types[i] as HistoryEventType, 4)).toBe(1)
    expect(changeBefore((i) => types[i] as HistoryEventType, 1)).toBe(0)
    expect(changeBefore(() => 'execution.status', 3)).toBe(0)
  })
})

describe('the filter’s text boxes', () => {
  const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms))

  test('apply as you type, after a pause, and Esc empties the search with what was typed and not yet applied', async () => {
    const log = new Log({ a: 0 })
    log.update('a', { value: 1 }, { type: 'inc' })
    log.update('a', { value: 2 }, { type: 'push' })
    const timeline = new Timeline(log.store())
    timeline.changed()
    await tick()
    timeline.type('action', 'pu', 5)
    expect(timeline.filter.action).toBe('')
    await tick(20)
    expect(timeline.filter.action).toBe('pu')
    expect(timeline.rowCount).toBe(1)
    timeline.type('text', 'zzz', 5)
    timeline.clearSearch()
    expect(timeline.typed.text).toBe('')
    await tick(20)
    // The pending search never lands after the Esc.
    expect(timeline.filter.text).toBe('')
    expect(timeline.filter.action).toBe('pu')
    timeline.type('path', '/a', 5)
    await tick(20)
    expect(timeline.filter.path).toBe('/a')
    timeline.setFilter(NO_FILTER)
    expect(timeline.typed).toEqual({ text: '', action: '', path: '' })
  })
})
