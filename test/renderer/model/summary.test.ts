import { describe, expect, test } from 'vitest'
import {
  changedPaths,
  effectsNoteText,
  hostNote,
  related,
  streamNoteText,
  summarize,
  touches
} from '../../../src/renderer/src/lib/model/summary'
import { noteData } from '../../../src/shared/notes'
import type { HistoryEvent, Json, Operation, StateUpdateEvent } from '../../../src/shared/protocol'

const update = (change: Partial<StateUpdateEvent>, slice = 'todos'): StateUpdateEvent => ({
  type: 'state.update',
  seq: 1,
  slice,
  cause: { type: 'test' },
  timestamp: 0,
  ...change
})
const patches = (...ops: Operation[]): StateUpdateEvent => update({ patches: ops })
const custom = (data: Json): HistoryEvent => ({ type: 'custom-event', seq: 1, data, timestamp: 0 })

describe('summarize', () => {
  test('tells a base from a reset and counts its slices', () => {
    expect(summarize({ type: 'state.initial', seq: 0, slices: { a: 1, b: 2 }, timestamp: 0 })).toBe('base: 2 slices')
    expect(summarize({ type: 'state.initial', seq: 9, slices: {}, timestamp: 0, reset: true })).toBe('reset: 0 slices')
  })

  test('names the operation of a one-operation update, and the whole slice as (slice)', () => {
    expect(summarize(patches({ op: 'add', path: '/items/-', value: 1 }))).toBe('add /items/-')
    expect(summarize(patches({ op: 'replace', path: '', value: 1 }))).toBe('replace (slice)')
    expect(summarize(patches({ op: 'move', from: '/a', path: '/b' }))).toBe('move /a → /b')
  })

  test('counts the operations of a longer update and names the first three', () => {
    const ops: Operation[] = ['/a', '/b', '/c', '/d'].map((path) => ({ op: 'remove', path }))
    expect(summarize(patches(...ops))).toBe('4 ops: remove /a, remove /b, remove /c, …')
    expect(summarize(patches(...ops.slice(0, 2)))).toBe('2 ops: remove /a, remove /b')
  })

  test('shows a whole new value, with tagged values as what they were, and a removal', () => {
    expect(summarize(update({ value: { at: { $date: null }, n: { $bigint: '3' } } }))).toBe('replaced with {at: Invalid Date, n: 3n}')
    expect(summarize(update({ value: null }))).toBe('replaced with null')
    expect(summarize(update({ removed: true }))).toBe('removed')
  })

  test('shows an execution’s status, its turn, and its error', () => {
    const status = (more: object): HistoryEvent => ({
      type: 'execution.status',
      seq: 1,
      status: 'failed',
      executionId: 'run-1',
      timestamp: 0,
      ...more
    })
    expect(summarize(status({}))).toBe('failed run-1')
    // Runtimes reuse turn ids in every execution: the execution is always named.
    expect(summarize(status({ turnId: 'turn-2', error: 'timeout' }))).toBe('failed run-1 / turn-2 — timeout')
    // A turn id that already names its execution is not repeated.
    expect(summarize(status({ turnId: 'run-1/turn-2' }))).toBe('failed run-1/turn-2')
  })

  test('previews a custom event’s data, and names a runtime error the host recorded', () => {
    // The name of the event (its kind) stands in the row's cause column, not in its summary.
    expect(summarize(custom({ kind: 'ping', n: { $bigint: '1' } }))).toBe('{n: 1n}')
    expect(summarize(custom([1, 2]))).toBe('[1, 2]')
    expect(summarize(custom({ $patchscope: { note: 'runtime-error', kind: 'unhandledRejection', message: 'nope' } }))).toBe(
      'runtime unhandledRejection: nope'
    )
  })
})

describe('hostNote', () => {
  test('reads a note the host recorded, with its stack when there is one', () => {
    const note = { note: 'runtime-error', kind: 'uncaughtException', message: 'boom', stack: 'Error: boom\n    at f' }
    expect(hostNote(custom({ $patchscope: note }))).toEqual(note)
    const { stack: _, ...noStack } = note
    expect(hostNote(custom({ $patchscope: noStack }))).toEqual(noStack)
  })

  test('is not fooled by runtime data: wrapped in $object, with other keys, or of another entry type', () => {
    const inner = { note: 'x', kind: 'y', message: 'z' }
    expect(hostNote(custom({ $object: { $patchscope: inner } }))).toBeUndefined()
    expect(hostNote(custom({ $patchscope: inner, more: 1 }))).toBeUndefined()
    expect(hostNote(custom([{ $patchscope: inner }]))).toBeUndefined()
    expect(hostNote(custom(null))).toBeUndefined()
    expect(hostNote(update({ value: { $patchscope: inner } }))).toBeUndefined()
  })

  test('takes a note that is not an object (a damaged session file) as no note, without throwing', () => {
    for (const bad of [null, 'text', 1, [1]] as Json[]) expect(hostNote(custom({ $patchscope: bad }))).toBeUndefined()
    expect(summarize(custom({ $patchscope: null }))).toBe('{$patchscope: null}')
  })
})

describe('changedPaths', () => {
  test('names every path an update’s operations change, the source of a move too', () => {
    expect(
      changedPaths(
        patches(
          { op: 'add', path: '/a~1b/0', value: 1 },
          { op: 'remove', path: '/c' },
          { op: 'move', from: '/d', path: '/e' },
          { op: 'copy', from: '/f', path: '/g' }
        )
      )
    ).toEqual([['a/b', '0'], ['c'], ['e'], ['d'], ['g']])
  })

  test('leaves out test operations and the source of a copy, which change nothing', () => {
    expect(changedPaths(patches({ op: 'test', path: '/a', value: 1 }, { op: 'copy', from: '/b', path: '/c' }))).toEqual([['c']])
  })

  test('gives the whole slice for a new value or a removal, and nothing for other entries', () => {
    expect(changedPaths(update({ value: 1 }))).toEqual([[]])
    expect(changedPaths(update({ removed: true }))).toEqual([[]])
    expect(changedPaths(custom(1))).toEqual([])
  })
})

describe('related', () => {
  test('holds for a path, a parent of it and a child of it, and not for siblings', () => {
    expect(related(['a', 'b'], ['a', 'b'])).toBe(true)
    expect(related(['a'], ['a', 'b'])).toBe(true)
    expect(related(['a', 'b', 'c'], ['a', 'b'])).toBe(true)
    expect(related([], ['a'])).toBe(true)
    expect(related(['a', 'c'], ['a', 'b'])).toBe(false)
    expect(related(['ab'], ['a', 'b'])).toBe(false)
  })
})

describe('touches', () => {
  const path = ['todos', 'items', '3', 'done']

  test('finds a change of the path, of a parent and of a child, in the same slice only', () => {
    expect(touches(patches({ op: 'replace', path: '/items/3/done', value: true }), path)).toBe(true)
    expect(touches(patches({ op: 'replace', path: '/items', value: [] }), path)).toBe(true)
    expect(touches(update({ value: {} }), path)).toBe(true)
    expect(touches(patches({ op: 'add', path: '/items/3/done/at', value: 1 }), path)).toBe(true)
    expect(touches(patches({ op: 'replace', path: '/items/3/done', value: true }), ['other', 'items', '3', 'done'])).toBe(false)
  })

  test('does not find a change of a sibling or a test operation', () => {
    expect(touches(patches({ op: 'replace', path: '/items/3/title', value: 'x' }), path)).toBe(false)
    expect(touches(patches({ op: 'replace', path: '/items/4', value: {} }), path)).toBe(false)
    expect(touches(patches({ op: 'replace', path: '/count', value: 1 }), path)).toBe(false)
    expect(touches(patches({ op: 'test', path: '/items/3/done', value: false }), path)).toBe(false)
  })

  test('finds an insertion or a removal earlier in an array, which moves the element at the path', () => {
    expect(touches(patches({ op: 'remove', path: '/items/0' }), path)).toBe(true)
    expect(touches(patches({ op: 'add', path: '/items/3', value: {} }), path)).toBe(true)
    expect(touches(patches({ op: 'move', from: '/items/1', path: '/other' }), path)).toBe(true)
    expect(touches(patches({ op: 'copy', from: '/other', path: '/items/2' }), path)).toBe(true)
    // An element appended, or one removed after it, leaves it where it is.
    expect(touches(patches({ op: 'remove', path: '/items/4' }), path)).toBe(false)
    expect(touches(patches({ op: 'add', path: '/items/7', value: {} }), path)).toBe(false)
    // Replacing an element moves nothing.
    expect(touches(patches({ op: 'replace', path: '/items/0', value: {} }), path)).toBe(false)
  })

  test('finds an element appended where the path points, past the end of the array', () => {
    expect(touches(patches({ op: 'add', path: '/items/-', value: {} }), path)).toBe(true)
    expect(touches(patches({ op: 'add', path: '/items/-', value: {} }), ['todos', 'count'])).toBe(false)
  })

  test('takes every base or reset as a change of every path', () => {
    expect(touches({ type: 'state.initial', seq: 3, slices: {}, timestamp: 0, reset: true }, path)).toBe(true)
    expect(touches(custom({ todos: 1 }), path)).toBe(false)
  })
})

describe('notes of actions as units', () => {
  test('an effects note says what the runtime read, by kind', () => {
    const e = {
      type: 'custom-event',
      seq: 1,
      timestamp: 0,
      data: noteData({
        note: 'effects',
        effects: [
          { k: 'random', v: 0.1 },
          { k: 'random', v: 0.2 },
          { k: 'now', v: 5 }
        ]
      })
    } as const
    expect(effectsNoteText(e)).toBe('effects: random ×2, now')
    expect(summarize(e)).toBe('effects: random ×2, now')
    expect(effectsNoteText({ type: 'custom-event', seq: 2, timestamp: 0, data: { k: 1 } })).toBeUndefined()
  })

  test("an attached stream's notes and a resume's say what happened, not their JSON", () => {
    const note = (data: Parameters<typeof noteData>[0], seq = 1) =>
      ({ type: 'custom-event', seq, timestamp: 0, data: noteData(data) }) as const
    const lost = note({ note: 'attach', event: 'delta-not-applied', message: 'STATE_DELTA: remove /missing/key: the path does not exist' })
    expect(summarize(lost)).toBe('delta not applied: STATE_DELTA: remove /missing/key: the path does not exist')
    expect(summarize(note({ note: 'attach', event: 'reset', message: 'the stream started again' }))).toBe('reset: the stream started again')
    expect(summarize(note({ note: 'resume', from: 6, reached: 8, identical: true }))).toBe('resumed from #6 at #8')
    expect(summarize(note({ note: 'resume', from: 6, reached: 6, session: 'a.ndjson', identical: false, paths: ['/count'] }))).toBe(
      'resumed from #6 of a.ndjson — its state differs from the recorded one'
    )
    expect(streamNoteText(note({ note: 'effects', effects: [] }))).toBeUndefined()
    expect(streamNoteText({ type: 'custom-event', seq: 2, timestamp: 0, data: { note: 'attach' } })).toBeUndefined()
  })
})
