import { describe, expect, test } from 'vitest'
import { noteData, type Note } from '../../../src/shared/notes'
import type { HistoryEvent, HistoryEventType } from '../../../src/shared/protocol'
import { Units, type UnitSource } from '../../../src/renderer/src/lib/model/units'

/** A history built entry by entry, read as the window's store is. */
class FakeHistory implements UnitSource {
  events: HistoryEvent[] = [{ type: 'state.initial', seq: 0, slices: {}, timestamp: 0 }]
  generation = 0
  reads = 0
  get length(): number {
    return this.events.length
  }
  type(i: number): HistoryEventType {
    this.reads++
    return (this.events[i] as HistoryEvent).type
  }
  causeType(i: number): string | undefined {
    const e = this.events[i] as HistoryEvent
    return e.type === 'state.update' ? e.cause.type : undefined
  }
  inPlaceSince(i: number): number | undefined {
    const e = this.events[i] as HistoryEvent
    return e.type === 'state.update' ? e.detected?.since : undefined
  }
  raw(i: number): string {
    return JSON.stringify(this.events[i])
  }
  event(i: number): HistoryEvent {
    return this.events[i] as HistoryEvent
  }
  #add(e: Record<string, unknown>): this {
    this.events.push({ ...e, seq: this.events.length, timestamp: 0 } as unknown as HistoryEvent)
    return this
  }
  update(slice: string, type: string, detected = false): this {
    return this.#add({ type: 'state.update', slice, value: 1, cause: { type }, ...(detected ? { detected: { since: 0 } } : {}) })
  }
  note(note: Note): this {
    return this.#add({ type: 'custom-event', data: noteData(note) })
  }
  input(type: string): this {
    return this.note({ note: 'input', action: { type } })
  }
  outcome(type: string, outcome: 'no change' | 'threw' | 'rejected' | 'changed', error?: string): this {
    return this.note({ note: 'dispatch', outcome, cause: { type }, ...(error ? { error } : {}) })
  }
  effects(): this {
    return this.note({ note: 'effects', effects: [] })
  }
  status(): this {
    return this.#add({ type: 'execution.status', status: 'started', executionId: 'e' })
  }
  custom(data: unknown): this {
    return this.#add({ type: 'custom-event', data })
  }
}

/** Each group as `[start, end, action or '-', changes, outcome?]`. */
function groups(units: Units): unknown[][] {
  const out: unknown[][] = []
  for (let g = 0; g < units.count; g++) {
    const row: unknown[] = [units.start(g), units.end(g), units.action(g) ?? '-', units.changes(g)]
    if (units.outcome(g)) row.push(units.outcome(g))
    if (units.error(g)) row.push(units.error(g))
    out.push(row)
  }
  return out
}

describe('actions as units', () => {
  test('an input and the updates it caused in several slices are one unit; two identical inputs in a row are two', () => {
    const h = new FakeHistory().input('add').update('todos', 'add').update('stats', 'add').input('add').update('todos', 'add')
    const units = new Units(h)
    units.update()
    expect(groups(units)).toEqual([
      [0, 0, '-', 0],
      [1, 3, 'add', 2],
      [4, 5, 'add', 1]
    ])
    expect(units.isInput(1)).toBe(true)
  })

  test('no change, threw and rejected join their input; a failed dispatch keeps the changes it made first', () => {
    const h = new FakeHistory()
      .input('nothing')
      .outcome('nothing', 'no change')
      .input('boom')
      .outcome('boom', 'threw', 'RangeError: bad')
      .input('save')
      .update('a', 'save')
      .outcome('save', 'rejected', 'Error: offline')
    const units = new Units(h)
    units.update()
    expect(groups(units)).toEqual([
      [0, 0, '-', 0],
      [1, 2, 'nothing', 0, 'no change'],
      [3, 4, 'boom', 0, 'threw', 'RangeError: bad'],
      [5, 7, 'save', 1, 'rejected', 'Error: offline']
    ])
  })

  test('a store’s own dispatches: each plain action a unit, identical ones split by the changed note, a no change note is a unit of its own', () => {
    const h = new FakeHistory()
      .update('count', 'inc')
      .outcome('inc', 'changed')
      .update('count', 'inc')
      .update('name', 'rename')
      .outcome('idle', 'no change')
      .outcome('thunk load', 'rejected', 'Error: no')
    const units = new Units(h)
    units.update()
    expect(groups(units)).toEqual([
      [0, 0, '-', 0],
      [1, 2, 'inc', 1],
      [3, 3, 'inc', 1],
      [4, 4, 'rename', 1],
      [5, 5, 'idle', 0, 'no change'],
      [6, 6, 'thunk load', 0, 'rejected', 'Error: no']
    ])
  })

  test('statuses, custom events, runtime errors and updates found in place are groups of their own and close the unit', () => {
    const h = new FakeHistory()
      .update('a', 'step')
      .status()
      .update('a', 'step')
      .custom({ kind: 'tool' })
      .custom({ $object: { $patchscope: { note: 'input', action: { type: 'forged' } } } })
      .update('a', '(found by verification)', true)
      .update('b', 'step')
    const units = new Units(h)
    units.update()
    expect(groups(units).map((g) => g[2])).toEqual(['-', 'step', '-', 'step', '-', '-', '-', 'step'])
  })

  test('grows with the new entries only, the newest unit taking them in', () => {
    const h = new FakeHistory().input('burst')
    const units = new Units(h)
    units.update()
    for (let round = 0; round < 50; round++) {
      for (let k = 0; k < 20; k++) h.update(`s${k}`, 'burst')
      const before = h.reads
      units.update()
      expect(h.reads - before).toBe(20)
    }
    expect(groups(units)).toEqual([
      [0, 0, '-', 0],
      [1, 1001, 'burst', 1000]
    ])
    expect(units.groupOf(500)).toBe(1)
    expect(units.groupOf(0)).toBe(0)
    expect(units.groupOf(1002)).toBe(-1)
  })

  test('a history that started over is grouped again', () => {
    const h = new FakeHistory().input('a').update('x', 'a')
    const units = new Units(h)
    units.update()
    h.events = h.events.slice(0, 1)
    h.generation++
    h.update('y', 'b')
    units.update()
    expect(groups(units)).toEqual([
      [0, 0, '-', 0],
      [1, 1, 'b', 1]
    ])
  })

  test("identical host dispatches in a row: the first's changed note, written as the second starts, does not split the second", () => {
    const h = new FakeHistory()
      .input('add')
      .update('todos', 'add')
      .update('stats', 'add')
      .input('add')
      .outcome('add', 'changed')
      .update('todos', 'add')
      .update('stats', 'add')
    const units = new Units(h)
    units.update()
    expect(groups(units)).toEqual([
      [0, 0, '-', 0],
      [1, 3, 'add', 2],
      [4, 7, 'add', 2]
    ])
  })

  test('effects notes belong to the group of the entry after them, and neither start nor close a unit', () => {
    const h = new FakeHistory().effects().input('add').update('a', 'add').effects().update('b', 'add').effects().status().effects()
    const units = new Units(h)
    units.update()
    // The effects before the input are the unit's; the last, waiting for its entry, is the newest group's for now.
    expect(groups(units)).toEqual([
      [0, 0, '-', 0],
      [1, 5, 'add', 2],
      [6, 8, '-', 0]
    ])
    // Taken one entry at a time, the same groups.
    const one = new FakeHistory()
    const step = new Units(one)
    for (const e of h.events.slice(1)) {
      one.events.push(e)
      step.update()
    }
    expect(groups(step)).toEqual(groups(units))
  })
})
