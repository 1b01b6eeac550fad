import { describe, expect, test } from 'vitest'
import { actionParts, outcomeText, unitEffect } from '../../../src/renderer/src/lib/model/effect'
import { Units } from '../../../src/renderer/src/lib/model/units'
import { noteData } from '../../../src/shared/notes'
import { Log } from './log'

/** The units of a log, taken in. */
function unitsOf(log: Log): { store: ReturnType<Log['store']>; units: Units } {
  const store = log.store()
  const units = new Units(store)
  units.update()
  return { store, units }
}

const input = (log: Log, action: Record<string, unknown>): Log => log.custom(noteData({ note: 'input', action: action as never }))

describe('the whole effect of an action', () => {
  test('names the action as it was sent — type, payload, meta, error — and each slice it changed with the net change', () => {
    const log = new Log({ todos: [], stats: { added: 0 }, filter: 'all' })
    const sent = { type: 'todos/add', payload: { text: 'milk' }, meta: { source: 'form' }, error: false }
    input(log, sent)
      .update('todos', { value: [{ text: 'milk' }] }, { type: 'todos/add', payload: { text: 'milk' } })
      .update('stats', { patches: [{ op: 'replace', path: '/added', value: 1 }] }, { type: 'todos/add', payload: { text: 'milk' } })
      .update('todos', { patches: [{ op: 'add', path: '/0/done', value: false }] }, { type: 'todos/add', payload: { text: 'milk' } })
    const { store, units } = unitsOf(log)
    expect(units.count).toBe(2)
    const effect = unitEffect(store, units, 1)
    expect(effect).toBeDefined()
    if (effect === undefined) return
    expect(effect.action).toEqual({ type: 'todos/add', payload: { text: 'milk' }, meta: { source: 'form' }, error: false })
    expect(effect.sent).toBe(true)
    expect([effect.first, effect.last]).toEqual([1, 4])
    expect(effect.slices.map((s) => [s.slice, s.entries])).toEqual([
      ['todos', [2, 4]],
      ['stats', [3]]
    ])
    // Net: the todo as it ended, not the two updates one by one; paths start with the slice.
    expect(effect.slices[0]?.changes).toEqual([{ path: '/todos/0', kind: 'added', after: { text: 'milk', done: false } }])
    expect(effect.slices[1]?.changes).toEqual([{ path: '/stats/added', kind: 'changed', before: 0, after: 1 }])
    expect(effect.summary).toBe('3 changes in 2 slices')
    expect(effect.outcome).toBeUndefined()
  })

  test('a dispatch that changed nothing says "no change"; one that threw or rejected says so with the error', () => {
    const log = new Log({ filter: 'all', status: 'idle' })
    input(log, { type: 'filter/set', payload: 'all' }).custom(
      noteData({ note: 'dispatch', outcome: 'no change', cause: { type: 'filter/set', payload: 'all' } })
    )
    input(log, { type: 'todos/explode' }).custom(
      noteData({ note: 'dispatch', outcome: 'threw', cause: { type: 'todos/explode' }, error: 'Error: the reducer refused' })
    )
    input(log, { type: 'save' })
      .update('status', { value: 'saving' }, { type: 'save' })
      .custom(noteData({ note: 'dispatch', outcome: 'rejected', cause: { type: 'save' }, error: 'Error: offline' }))
    const { store, units } = unitsOf(log)
    expect(units.count).toBe(4)
    const none = unitEffect(store, units, 1)
    expect([none?.outcome, none?.summary, none?.slices]).toEqual(['no change', 'no change', []])
    const threw = unitEffect(store, units, 2)
    expect([threw?.outcome, threw?.error, threw?.summary]).toEqual([
      'threw',
      'Error: the reducer refused',
      'threw: Error: the reducer refused'
    ])
    const rejected = unitEffect(store, units, 3)
    expect(rejected?.summary).toBe('rejected: Error: offline (after 1 change in 1 slice)')
    expect(rejected?.slices[0]?.changes).toEqual([{ path: '/status', kind: 'changed', before: 'idle', after: 'saving' }])
  })

  test('an action that changed a slice in place: the update found as it settled is its effect, named by the action as sent', () => {
    const log = new Log({ todos: [{ id: 1, done: false }], filter: 'all' })
    input(log, { type: 'todos/toggle', payload: { id: 1 } }).found(
      'todos',
      { patches: [{ op: 'replace', path: '/0/done', value: true }] },
      0
    )
    const { store, units } = unitsOf(log)
    expect(units.count).toBe(2)
    const effect = unitEffect(store, units, 1)
    expect(effect?.action).toEqual({ type: 'todos/toggle', payload: { id: 1 } })
    expect([effect?.first, effect?.last, effect?.updates, effect?.summary]).toEqual([1, 2, 1, '1 change in 1 slice'])
    expect(effect?.slices.map((s) => [s.slice, s.entries, s.changes])).toEqual([
      ['todos', [2], [{ path: '/todos/0/done', kind: 'changed', before: false, after: true }]]
    ])
    expect(units.inPlace(1)).toBe(1)
  })

  test("an action the runtime dispatched itself is named by its entries' cause, id included", () => {
    const log = new Log({ n: 0 })
    log.update('n', { value: 1 }, { type: 'tick', id: 'a-7', payload: 1, meta: { at: 3 } })
    const { store, units } = unitsOf(log)
    const effect = unitEffect(store, units, 1)
    expect(effect?.action).toEqual({ type: 'tick', id: 'a-7', payload: 1, meta: { at: 3 } })
    expect(effect?.sent).toBe(false)
  })

  test('a slice changed and changed back has its entries and no net change; a removed slice is a removal', () => {
    const log = new Log({ a: 1, gone: { x: 1 } })
    log
      .update('a', { value: 2 }, { type: 'flip' })
      .update('a', { value: 1 }, { type: 'flip' })
      .update('gone', { removed: true }, { type: 'flip' })
    const { store, units } = unitsOf(log)
    const effect = unitEffect(store, units, 1)
    expect(effect?.slices.map((s) => [s.slice, s.entries, s.changes])).toEqual([
      ['a', [1, 2], []],
      ['gone', [3], [{ path: '/gone', kind: 'removed', before: { x: 1 } }]]
    ])
  })

  test('a group that is not an action (a base, a status, a custom event) has no effect of its own', () => {
    const log = new Log({ a: 1 })
    log.status('started', 'e1').custom({ hello: 1 })
    const { store, units } = unitsOf(log)
    expect([0, 1, 2, 3, -1].map((g) => unitEffect(store, units, g))).toEqual([undefined, undefined, undefined, undefined, undefined])
  })

  test('actionParts keeps keys beyond the four of a Flux standard action; outcomeText words every ending', () => {
    expect(actionParts({ type: 'x', payload: 1, extra: true })).toEqual({ type: 'x', payload: 1, rest: { extra: true } })
    expect(actionParts('odd')).toEqual({ type: 'odd' })
    expect(outcomeText(undefined, undefined, 1, 1)).toBe('1 change in 1 slice')
    expect(outcomeText('threw', undefined, 0, 0)).toBe('threw: (no message)')
  })
})
