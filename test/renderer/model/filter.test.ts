import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { describeFilter, isActive, matcher, NO_FILTER, type Filter } from '../../../src/renderer/src/lib/model/filter'
import type { HistoryStore } from '../../../src/renderer/src/lib/model/store'
import { noteData } from '../../../src/shared/notes'
import { PointerError } from '../../../src/shared/pointer'
import { feed, Log } from './log'

const log = new Log({ todos: { items: [] }, user: { name: 'Ann' } })
  .update('todos', { patches: [{ op: 'add', path: '/items/-', value: { title: 'Buy Milk' } }] }, { type: 'todos/add', payload: 'Buy Milk' }) // 1
  .update('user', { patches: [{ op: 'replace', path: '/name', value: 'Bob' }] }, { type: 'user/rename', id: 'act-7' }) // 2
  .status('started', 'run-1', { turnId: 'turn-a' }) // 3
  .custom({ kind: 'ping', note: 'hello milkman' }) // 4
  .update('todos', { patches: [{ op: 'replace', path: '/items/0/title', value: 'Buy bread' }] }, { type: 'TODOS/EDIT' }) // 5
  .status('failed', 'run-1', { error: 'Out of milk' }) // 6
  .update('todos', { value: { items: [], archived: true } }, { type: 'todos/reset' }) // 7
  .reset({ todos: { items: [] } }) // 8
const store = log.store()

/** The entries a filter lets through. */
const rows = (f: Partial<Filter>, s: HistoryStore = store): number[] => {
  const test = matcher(s, { ...NO_FILTER, ...f })
  return Array.from({ length: s.length }, (_, i) => i).filter(test)
}

describe('matcher', () => {
  test('lets every entry through when the filter is empty', () => {
    expect(rows({})).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8])
  })

  test('keeps the entry types chosen', () => {
    expect(rows({ types: ['execution.status'] })).toEqual([3, 6])
    expect(rows({ types: ['custom-event', 'state.initial'] })).toEqual([0, 4, 8])
  })

  test('finds updates by a part of their action type, whatever its case', () => {
    expect(rows({ action: 'todos/' })).toEqual([1, 5, 7])
    expect(rows({ action: 'Rename' })).toEqual([2])
    expect(rows({ action: 'nothing' })).toEqual([])
  })

  test('finds updates of one slice', () => {
    expect(rows({ slice: 'user' })).toEqual([2])
    expect(rows({ slice: 'todos' })).toEqual([1, 5, 7])
    expect(rows({ slice: 'nope' })).toEqual([])
  })

  test('finds updates of one slice that appears only after the filter was made', () => {
    const l = new Log({ a: 1 }).update('a', { value: 2 })
    const s = l.store()
    const test = matcher(s, { ...NO_FILTER, slice: 'later' })
    feed(s, l.update('later', { value: 1 }).update('a', { value: 3 }).update('later', { value: 2 }))
    expect([1, 2, 3, 4].filter(test)).toEqual([2, 4])
  })

  test('finds updates that changed a path, a parent of it or a child of it', () => {
    expect(rows({ path: '/todos/items/0/title' })).toEqual([1, 5, 7])
    expect(rows({ path: '/todos/items/0' })).toEqual([1, 5, 7])
    expect(rows({ path: '/user' })).toEqual([2])
    expect(rows({ path: '/user/email' })).toEqual([])
    expect(rows({ path: '/todos/archived' })).toEqual([7])
  })

  test('takes a path without its leading slash', () => {
    expect(rows({ path: 'user/name' })).toEqual([2])
  })

  test('finds text in payloads, values, errors and custom data, whatever its case', () => {
    expect(rows({ text: 'milk' })).toEqual([1, 4, 6])
    expect(rows({ text: 'BREAD' })).toEqual([5])
    expect(rows({ text: 'act-7' })).toEqual([2])
    expect(rows({ text: 'turn-a' })).toEqual([3])
    expect(rows({ text: 'archived' })).toEqual([7])
  })

  test('finds text with quotes and backslashes as it was typed', () => {
    const l = new Log({ a: '' }).update('a', { value: 'say "hi" to C:\\temp' })
    expect(rows({ text: 'say "hi"' }, l.store())).toEqual([1])
    expect(rows({ text: 'C:\\temp' }, l.store())).toEqual([1])
  })

  test('finds any part of any string a runtime sent, in any case', () => {
    // Characters JSON escapes, letters with a case, and ones a pointer escapes.
    const char = fc.constantFrom('a', 'B', 'é', 'Ü', '"', '\\', '\n', '\u0001', '\u2028', '/', '~', ' ', '😀')
    fc.assert(
      fc.property(fc.string({ unit: char, minLength: 1, maxLength: 12 }), fc.nat(), fc.nat(), fc.boolean(), (value, a, b, upper) => {
        const [from, to] = [a % value.length, b % value.length].sort((x, y) => x - y) as [number, number]
        const part = value.slice(from, to + 1)
        const s = new Log({})
          .custom({ note: value })
          .update('s', { value: [value] })
          .store()
        expect(rows({ text: upper ? part.toUpperCase() : part }, s)).toEqual([1, 2])
      }),
      { numRuns: 300 }
    )
  })

  test('does not find text that only the protocol’s own fields hold: seqs, timestamps, names of fields', () => {
    const l = new Log({ a: 0 }, 4000)
    for (let i = 1; i <= 5; i++) l.update('a', { value: i })
    const s = l.store()
    expect(rows({ text: '4003' }, s)).toEqual([])
    expect(rows({ text: String(s.time(2)) }, s)).toEqual([])
    expect(rows({ text: 'timestamp' }, s)).toEqual([])
    expect(rows({ text: 'state.update' }, s)).toEqual([])
    expect(rows({ text: 'cause' }, s)).toEqual([])
    expect(rows({ text: '3' }, s)).toEqual([3])
  })

  test('combines every part: an entry must pass them all', () => {
    expect(rows({ types: ['state.update'], slice: 'todos', text: 'milk' })).toEqual([1])
    expect(rows({ action: 'todos', path: '/todos/items/0/title', text: 'bread' })).toEqual([5])
    expect(rows({ types: ['custom-event'], slice: 'todos' })).toEqual([])
  })

  test('refuses a path that is not a JSON Pointer, saying why', () => {
    expect(() => matcher(store, { ...NO_FILTER, path: '/todos/a~2b' })).toThrow(PointerError)
    expect(() => matcher(store, { ...NO_FILTER, path: '/todos/a~' })).toThrow('"/todos/a~" has a "~" that is not "~0" or "~1"')
  })
})

describe('isActive and describeFilter', () => {
  test('the empty filter hides nothing and says nothing', () => {
    expect(isActive(NO_FILTER)).toBe(false)
    expect(describeFilter(NO_FILTER)).toEqual([])
  })

  test('each part makes the filter active and gets a chip', () => {
    const parts: Partial<Filter>[] = [{ types: ['custom-event'] }, { action: 'a' }, { slice: 's' }, { path: '/p' }, { text: 't' }]
    for (const p of parts) expect(isActive({ ...NO_FILTER, ...p })).toBe(true)
    expect(
      describeFilter({ types: ['state.update', 'custom-event'], action: 'add', slice: 'todos', path: '/todos/items', text: 'milk' })
    ).toEqual([
      { key: 'types', text: 'type: state.update, custom-event' },
      { key: 'action', text: 'action: add' },
      { key: 'slice', text: 'slice: todos' },
      { key: 'path', text: 'path: /todos/items' },
      { key: 'text', text: 'text: “milk”' }
    ])
  })
})

describe("Patchscope's notes are not the runtime's custom events", () => {
  const notes = new Log({ a: 0 })
    .custom(noteData({ note: 'input', action: { type: 'todos/add' } })) // 1
    .custom(noteData({ note: 'effects', effects: [{ k: 'now', v: 1 }] })) // 2
    .update('a', { value: 1 }, { type: 'todos/add' }) // 3
    .custom(noteData({ note: 'input', action: { type: 'todos/noop' } })) // 4
    .custom(noteData({ note: 'dispatch', outcome: 'no change', cause: { type: 'todos/noop' } })) // 5
    .custom({ kind: 'tool-call', tool: 'search' }) // 6
    .custom(noteData({ note: 'runtime-error', kind: 'timer', message: 'boom' })) // 7
    .store()

  test('input and dispatch notes count with updates, effects notes with no kind, runtime errors as events', () => {
    expect(rows({ types: ['custom-event'] }, notes)).toEqual([6, 7])
    expect(rows({ types: ['state.update'] }, notes)).toEqual([1, 3, 4, 5])
    expect(rows({ types: ['state.update', 'custom-event', 'execution.status', 'state.initial'] }, notes)).toEqual([0, 1, 3, 4, 5, 6, 7])
    expect(rows({}, notes)).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
  })

  test("the action type filter finds an action's notes by its type, a dispatch that changed nothing too", () => {
    expect(rows({ action: 'noop' }, notes)).toEqual([4, 5])
    expect(rows({ action: 'todos/' }, notes)).toEqual([1, 3, 4, 5])
  })
})
