import { describe, expect, test } from 'vitest'
import {
  actionsText,
  COMPARE_WORDS,
  findingPaths,
  findingText,
  inPlaceRange,
  inPlaceTitle,
  type InPlaceRange
} from '../../../src/renderer/src/lib/model/in-place'
import { COMPARE_MODES, type InPlaceFinding, type StateUpdateEvent } from '../../../src/shared/protocol'
import { noteData } from '../../../src/shared/notes'
import type { JsonObject } from '../../../src/shared/protocol'
import { Log } from './log'

/** The range of the update at `seq`, in a store made from `log`. */
function rangeOf(log: Log, seq: number, max?: number): InPlaceRange | undefined {
  const store = log.store()
  return inPlaceRange(store, store.event(store.indexOf(seq)) as StateUpdateEvent, max)
}

const finding = (f: Partial<InPlaceFinding>): InPlaceFinding => ({ slice: 'todos', how: 'verification', seq: 4, since: 2, paths: [], ...f })

describe('the range of an update found changed in place', () => {
  test('starts after the last entry known exact and lists the actions recorded in it, most frequent first, else in order', () => {
    const log = new Log({ todos: [], filter: 'all', user: null })
      .update('filter', { value: 'a' }, { type: 'filter/set' })
      .update('todos', { value: [1] }, { type: 'todos/add' })
      .status('started', 'x1')
      .update('filter', { value: 'b' }, { type: 'filter/set' })
      .update('user', { value: 'ann' }, { type: 'user/login' })
      .found('todos', { value: [2] }, 1)
    expect(rangeOf(log, 6)).toEqual({
      slice: 'todos',
      since: 1,
      seq: 6,
      first: 2,
      actions: [
        { type: 'todos/add', count: 1 },
        { type: 'filter/set', count: 1 },
        { type: 'user/login', count: 1 }
      ],
      more: 0
    })
  })

  test('names an action sent from outside by its input note, once, even when it recorded nothing', () => {
    const input = (type: string): JsonObject => noteData({ note: 'input', action: { type } })
    const log = new Log({ todos: [], filter: 'all' })
      .update('filter', { value: 'a' }, { type: 'filter/set' })
      .custom(input('mixed'))
      .update('filter', { value: 'b' }, { type: 'mixed' })
      .update('todos', { value: [1] }, { type: 'mixed' })
      .custom(input('todos/toggle'))
      .found('todos', { value: [2] }, 1)
    expect(rangeOf(log, 6)?.actions).toEqual([
      { type: 'mixed', count: 1 },
      { type: 'todos/toggle', count: 1 }
    ])
  })

  test('counts repeated actions, keeps the first `max` and says how many more there were', () => {
    const log = new Log({ n: 0 })
    for (const type of ['a', 'b', 'b', 'c', 'b', 'c', 'd']) log.update('n', { value: log.next }, { type })
    log.found('n', { value: -1 }, 0)
    const range = rangeOf(log, 8, 2) as InPlaceRange
    expect(range.actions).toEqual([
      { type: 'b', count: 3 },
      { type: 'c', count: 2 }
    ])
    expect(range.more).toBe(2)
    expect(actionsText(range)).toBe('b ×3, c ×2, and 2 more')
  })

  test('leaves out the other slices the same verification found', () => {
    const log = new Log({ a: 0, b: 0 }).update('a', { value: 1 }, { type: 'set/a' }).found('a', { value: 2 }, 1).found('b', { value: 3 }, 1)
    const range = rangeOf(log, 3) as InPlaceRange
    expect(range.first).toBe(2)
    expect(range.actions).toEqual([])
  })

  test('has no first entry when nothing was recorded between the last exact entry and the update', () => {
    const log = new Log({ todos: [{ done: false }] }).found('todos', { patches: [{ op: 'replace', path: '/0/done', value: true }] }, 0)
    const range = rangeOf(log, 1) as InPlaceRange
    expect(range).toMatchObject({ since: 0, seq: 1, first: undefined, actions: [], more: 0 })
    expect(actionsText(range)).toBe('')
  })

  test('counts only the entries still held when older ones were folded into the base', () => {
    const log = new Log({ n: 0 }, 10)
    for (const type of ['x', 'y']) log.update('n', { value: log.next }, { type })
    log.found('n', { value: 0 }, 4)
    const range = rangeOf(log, 13) as InPlaceRange
    expect(range.first).toBe(5)
    expect(range.actions.map((a) => a.type)).toEqual(['x', 'y'])
  })

  test('is undefined for an update the runtime reported', () => {
    const log = new Log({ n: 0 }).update('n', { value: 1 })
    expect(rangeOf(log, 1)).toBeUndefined()
  })
})

describe('the words about changes made in place', () => {
  test('the timeline’s tooltip names the last entry known exact and how it was found', () => {
    expect(inPlaceTitle(7)).toBe('changed in place after #7, found by verification')
  })

  test('a finding of verification says after which entry and as which entry; a reported one is neutral', () => {
    expect(findingText(finding({ since: 2, seq: 4 }))).toBe('found by verification after #2, recorded as #4')
    expect(findingText(finding({ how: 'reported' }))).toBe('the runtime reports changes to this slice as the same object: compared in full')
  })

  test('a finding’s paths start at the state’s root, escaped, and are cut after a few', () => {
    expect(findingPaths(finding({ paths: ['/1/done'] }))).toBe('/todos/1/done')
    expect(findingPaths(finding({ slice: 'a/b', paths: [] }))).toBe('/a~1b')
    expect(findingPaths(finding({ paths: ['/0', '/1', '/2', '/3', '/4', '/5'] }), 2)).toBe('/todos/0, /todos/1, and 4 more')
  })

  test('every compare mode has its words', () => {
    for (const mode of COMPARE_MODES) {
      expect(COMPARE_WORDS[mode].short).not.toBe('')
      expect(COMPARE_WORDS[mode].long).not.toBe('')
    }
  })
})
