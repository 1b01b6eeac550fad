import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { pathHistory } from '../../../src/renderer/src/lib/model/path-history'
import type { Json } from '../../../src/shared/protocol'
import { deepEqual, valueAt } from '../../../src/shared/state'
import { Log } from './log'
import { historyOf, KEYS, SLICES, stepArb } from './random-history'

describe('pathHistory', () => {
  const log = new Log({ todos: { items: [{ title: 'milk', done: false }], count: 1 }, user: { name: 'ann' } })
    .update('todos', { patches: [{ op: 'replace', path: '/items/0/done', value: true }] }, { type: 'toggle' }) // 1: the path
    .update('user', { patches: [{ op: 'replace', path: '/name', value: 'bob' }] }) // 2: another slice
    .update('todos', { patches: [{ op: 'replace', path: '/count', value: 2 }] }) // 3: a sibling of a parent
    .update('todos', { patches: [{ op: 'replace', path: '/items/0/title', value: 'oat milk' }] }) // 4: a sibling
    .update('todos', { patches: [{ op: 'add', path: '/items/0/done', value: { at: 5 } }] }, { type: 'stamp' }) // 5: the path again
    .update('todos', { patches: [{ op: 'add', path: '/items/0/done/by', value: 'ann' }] }) // 6: a child
    .status('started', 'run') // 7
    .custom({ todos: 'not state' }) // 8
    .update('todos', { patches: [{ op: 'replace', path: '/items', value: [] }] }, { type: 'clear' }) // 9: a parent
    .reset({ todos: { items: [{ done: 'reset' }] } }) // 10: a reset
    .update('todos', { value: { items: [{ done: 'whole' }] } }) // 11: the whole slice
  const store = log.store()
  const path = ['todos', 'items', '0', 'done']

  test('finds the changes of the path, of a parent and of a child, newest first, and nothing else', () => {
    expect(pathHistory(store, path).changes.map((c) => c.index)).toEqual([11, 10, 9, 6, 5, 1])
  })

  test('gives the value at the path before and after each change', () => {
    const { changes } = pathHistory(store, path)
    expect(changes.map((c) => [c.index, c.before, c.after])).toEqual([
      [11, 'reset', 'whole'],
      [10, undefined, 'reset'],
      [9, { at: 5, by: 'ann' }, undefined],
      [6, { at: 5 }, { at: 5, by: 'ann' }],
      [5, true, { at: 5 }],
      [1, false, true]
    ])
  })

  test('stops at the entry asked for', () => {
    expect(pathHistory(store, path, 5).changes.map((c) => c.index)).toEqual([5, 1])
  })

  test('keeps the newest changes up to the limit, and counts them all', () => {
    const { changes, total } = pathHistory(store, path, store.length - 1, 2)
    expect(total).toBe(6)
    expect(changes.map((c) => [c.index, c.before, c.after])).toEqual([
      [11, 'reset', 'whole'],
      [10, undefined, 'reset']
    ])
  })

  test('finds the changes of a whole slice, and of a slice with a name a pointer escapes', () => {
    const s = new Log({ 'a/b~c': 1, other: 0 }).update('a/b~c', { value: 2 }).update('other', { value: 1 }).store()
    expect(pathHistory(s, ['a/b~c']).changes).toEqual([{ index: 1, before: 1, after: 2 }])
  })

  test('has nothing for a path no entry changed, nor for a slice never seen', () => {
    const s = new Log({ a: { x: 1 } })
      .update('a', { patches: [{ op: 'add', path: '/y', value: 2 }] })
      .custom({ a: 1 })
      .store()
    expect(pathHistory(s, ['a', 'x'])).toEqual({ changes: [], total: 0 })
    expect(pathHistory(s, ['nope'])).toEqual({ changes: [], total: 0 })
  })

  test('lists a reset even where it left the value as it was: the history started over there', () => {
    expect(pathHistory(store, ['user', 'email']).changes).toEqual([{ index: 10, before: undefined, after: undefined }])
  })

  test('leaves out updates that could have moved or changed the value but left it as it was', () => {
    const s = new Log({ messages: [{ content: '' }] })
      .update('messages', { patches: [{ op: 'add', path: '/1', value: { content: 'hi' } }] }) // 1: an append after it
      .update('messages', { patches: [{ op: 'replace', path: '/0/content', value: 'a' }] }) // 2: the change
      .update('messages', { patches: [{ op: 'replace', path: '/0', value: { content: 'a' } }] }) // 3: the same value again
      .update('messages', { patches: [{ op: 'add', path: '/-', value: { content: 'yo' } }] }) // 4: another append
      .store()
    expect(pathHistory(s, ['messages', '0', 'content'])).toEqual({ changes: [{ index: 2, before: '', after: 'a' }], total: 1 })
  })

  test('follows an array element that moved because of an insertion or a removal before it', () => {
    const s = new Log({ list: ['a', 'b', 'c'] })
      .update('list', { patches: [{ op: 'remove', path: '/0' }] })
      .update('list', { patches: [{ op: 'add', path: '/-', value: 'd' }] })
      .update('list', { patches: [{ op: 'add', path: '/1', value: 'x' }] })
      .store()
    expect(pathHistory(s, ['list', '2']).changes.map((c) => [c.index, c.before, c.after])).toEqual([
      [3, 'd', 'c'],
      [2, undefined, 'd'],
      [1, 'c', undefined]
    ])
  })

  test('lists every entry that changed the value at a random path, with the values before and after it', () => {
    const pathArb = fc.tuple(
      fc.constantFrom(...SLICES),
      fc.array(fc.oneof(fc.constantFrom(...KEYS), fc.constantFrom('0', '1', '2', 'list')), { maxLength: 3 })
    )
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 20, maxLength: 120 }), pathArb, (steps, [slice, rest]) => {
        const { log: l, states } = historyOf(steps)
        const s = l.store()
        const tokens = [slice, ...rest]
        const { changes, total } = pathHistory(s, tokens, s.length - 1, Number.MAX_SAFE_INTEGER)
        expect(total).toBe(changes.length)
        const at = (i: number): Json | undefined => valueAt(states[i], tokens)
        const found = new Set(changes.map((c) => c.index))
        for (let i = 1; i < states.length; i++) {
          if (!deepEqual(at(i - 1), at(i))) expect(found.has(i), `entry ${i} changed ${tokens.join('/')}`).toBe(true)
        }
        for (const c of changes) expect([c.before, c.after], `before and after entry ${c.index}`).toEqual([at(c.index - 1), at(c.index)])
        expect(changes.map((c) => c.index)).toEqual([...found].sort((a, b) => b - a))
      }),
      { numRuns: 300 }
    )
  })
})
