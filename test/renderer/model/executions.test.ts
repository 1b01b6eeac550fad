import { describe, expect, test } from 'vitest'
import { Interner } from '../../../src/renderer/src/lib/model/columns'
import { Executions } from '../../../src/renderer/src/lib/model/executions'
import type { HistoryStore } from '../../../src/renderer/src/lib/model/store'
import { Log, timeOf } from './log'

/** The turn column, entry by entry. */
const turns = (store: HistoryStore): (string | undefined)[] => Array.from({ length: store.length }, (_, i) => store.turn(i))

describe('executions and turns', () => {
  const log = new Log({ chat: [] })
    .status('started', 'run-1', { timestamp: 1000 })
    .status('started', 'run-1', { turnId: 'turn-a', timestamp: 1100 })
    .update('chat', { patches: [{ op: 'add', path: '/-', value: 'hi' }] }, { type: 'say' })
    .status('completed', 'run-1', { turnId: 'turn-a', timestamp: 1900 })
    .status('started', 'run-1', { turnId: 'turn-b', timestamp: 2000 })
    .status('failed', 'run-1', { turnId: 'turn-b', error: 'tool timed out', timestamp: 2500 })
    .status('failed', 'run-1', { error: 'gave up', timestamp: 4000 })
  const store = log.store()
  const run = store.executions.get('run-1')

  test('groups the status entries by execution and by turn', () => {
    expect(store.executions.list().map((x) => x.id)).toEqual(['run-1'])
    expect(run?.turns.map((t) => t.id)).toEqual(['turn-a', 'turn-b'])
  })

  test('keeps each one’s last status, whether it ended, and its error', () => {
    expect(run).toMatchObject({ status: 'failed', ended: true, error: 'gave up' })
    expect(run?.turns[0]).toMatchObject({ status: 'completed', ended: true, error: undefined })
    expect(run?.turns[1]).toMatchObject({ status: 'failed', ended: true, error: 'tool timed out' })
  })

  test('knows where each starts and ends, in the timeline and in time', () => {
    expect(run).toMatchObject({ first: 1, last: 7, start: 1000, end: 4000 })
    expect(run?.turns[0]).toMatchObject({ first: 2, last: 4, start: 1100, end: 1900 })
    expect(run?.turns[1]).toMatchObject({ first: 5, last: 6, start: 2000, end: 2500 })
  })

  test('gives every entry the turn running when it was recorded, its own status entries included', () => {
    expect(turns(store)).toEqual([undefined, undefined, 'turn-a', 'turn-a', 'turn-a', 'turn-b', 'turn-b', undefined])
  })

  test('keeps an error reported earlier when a later status has none', () => {
    const s = new Log({}).status('failed', 'x', { error: 'boom' }).status('cancelled', 'x').store()
    expect(s.executions.get('x')).toMatchObject({ status: 'cancelled', error: 'boom', ended: true })
  })

  test('shows a status it does not know as it is, and takes it as still running', () => {
    const s = new Log({}).status('started', 'x').status('waiting-for-user', 'x').store()
    expect(s.executions.get('x')).toMatchObject({ status: 'waiting-for-user', ended: false })
  })

  test('takes an execution first seen through one of its turns as running', () => {
    const s = new Log({}).status('completed', 'x', { turnId: 't' }).store()
    const x = s.executions.get('x')
    expect(x).toMatchObject({ status: 'running', ended: false, first: 1, last: 1 })
    expect(x?.turns[0]).toMatchObject({ id: 't', status: 'completed', ended: true })
  })

  test('lists executions in the order they started, and goes back to an outer turn when an inner one ends', () => {
    const s = new Log({ a: 0 })
      .status('started', 'x1', { turnId: 't1' })
      .status('started', 'x2', { turnId: 't9' })
      .update('a', { value: 1 })
      .status('completed', 'x2', { turnId: 't9' })
      .update('a', { value: 2 })
      .store()
    expect(s.executions.list().map((x) => x.id)).toEqual(['x1', 'x2'])
    expect(turns(s)).toEqual([undefined, 't1', 't9', 't9', 't9', 't1'])
  })

  test('tells apart turns of two executions that have the same id', () => {
    const s = new Log({ a: 0 })
      .status('started', 'x1', { turnId: 'turn-1' })
      .status('started', 'x2', { turnId: 'turn-1' })
      .status('completed', 'x2', { turnId: 'turn-1' })
      .update('a', { value: 1 })
      .status('completed', 'x2')
      .update('a', { value: 2 })
      .store()
    // x1's turn-1 still runs after x2's turn of the same name, and x2 itself, have ended.
    expect(turns(s).slice(4)).toEqual(['turn-1', 'turn-1', 'turn-1'])
    expect(s.executions.get('x1')?.turns[0]).toMatchObject({ ended: false })
  })

  test('ends the turns still running when their execution ends', () => {
    const s = new Log({ a: 0 })
      .status('started', 'x1', { turnId: 't1' })
      .update('a', { value: 1 })
      .status('cancelled', 'x1')
      .update('a', { value: 2 })
      .store()
    expect(turns(s)).toEqual([undefined, 't1', 't1', undefined, undefined])
  })

  test('forgets everything on clear', () => {
    const names = new Interner()
    const x = new Executions()
    x.record({ type: 'execution.status', seq: 1, status: 'started', executionId: 'e', turnId: 't', timestamp: timeOf(1) }, 1, names)
    expect(x.activeTurn).toBe(names.find('t'))
    x.clear()
    expect(x.list()).toEqual([])
    expect(x.get('e')).toBeUndefined()
    expect(x.activeTurn).toBe(-1)
  })
})

describe('executions across the runtime’s lives', () => {
  test('a reload starts a new life: executions and turns of the same ids are never merged across it', () => {
    const s = new Log({ a: 0 })
      .status('started', 'run-1', { turnId: 'turn-1' })
      .update('a', { value: 1 })
      .reset({ a: 0 })
      .status('started', 'run-1')
      .status('started', 'run-1', { turnId: 'turn-1' })
      .status('completed', 'run-1', { turnId: 'turn-1' })
      .status('completed', 'run-1')
      .store()
    const [first, second] = s.executions.list()
    expect(s.executions.list()).toHaveLength(2)
    expect(first).toMatchObject({ id: 'run-1', life: 0, status: 'running', ended: false, first: 1, last: 1 })
    expect(first?.turns).toHaveLength(1)
    expect(first?.turns[0]).toMatchObject({ id: 'turn-1', ended: false, first: 1, last: 1 })
    expect(second).toMatchObject({ id: 'run-1', life: 1, status: 'completed', ended: true, first: 4, last: 7 })
    expect(second?.turns[0]).toMatchObject({ id: 'turn-1', status: 'completed', first: 5, last: 6 })
    expect(s.executions.get('run-1')).toBe(second)
    expect(s.executions.get('run-1', 0)).toBe(first)
    expect(s.executions.lifeStart(1)).toBe(3)
  })

  test('a turn still running when the runtime reloads is not the turn of the entries after it', () => {
    const s = new Log({ a: 0 })
      .status('started', 'run-1', { turnId: 'turn-1' })
      .update('a', { value: 1 })
      .reset({ a: 5 })
      .update('a', { value: 6 })
      .store()
    expect(turns(s)).toEqual([undefined, 'turn-1', 'turn-1', undefined, undefined])
  })

  test('a store that starts over (a gap, another document) starts again at life 0', () => {
    const s = new Log({ a: 0 }).status('started', 'x').reset({ a: 1 }).status('started', 'x').store()
    expect(s.executions.life).toBe(1)
    s.reset({ type: 'state.initial', seq: 50, slices: {}, timestamp: 0, reset: true })
    expect(s.executions.life).toBe(0)
    expect(s.executions.list()).toEqual([])
  })
})
