import { describe, expect, test } from 'vitest'
import { noteData, type Note } from '../../../src/shared/notes'
import { VERIFICATION_CAUSE, type HistoryEvent, type HistoryEventType } from '../../../src/shared/protocol'
import { Units, unitSummary, type UnitSource } from '../../../src/renderer/src/lib/model/units'

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

describe('an action that changed its state in place', () => {
  /** What each group's row says, as `[action or '-', summary]`. */
  const said = (units: Units): string[][] =>
    Array.from({ length: units.count }, (_, g) => [units.action(g) ?? '-', units.isUnit(g) ? unitSummary(units, g) : ''])

  test('the update verification found as a sent action settled is that action’s: its row reads "changed in place", not "0 changes"', () => {
    // The host's own shape (examples/todos-bug.mjs): an exact action, then a reducer that flips a todo in place.
    // Settling, the toggle's verification records the found update, and so no "no change" note.
    const h = new FakeHistory()
      .input('filter/set')
      .update('filter', 'filter/set')
      .input('todos/toggle')
      .update('todos', VERIFICATION_CAUSE, true)
    const units = new Units(h)
    units.update()
    expect(groups(units)).toEqual([
      [0, 0, '-', 0],
      [1, 2, 'filter/set', 1],
      [3, 4, 'todos/toggle', 1]
    ])
    expect([units.inPlace(1), units.inPlace(2)]).toEqual([0, 1])
    expect(said(units)).toEqual([
      ['-', ''],
      ['filter/set', '1 change'],
      ['todos/toggle', 'changed in place']
    ])
    expect(units.groupOf(4)).toBe(2)
  })

  test('several slices found at once, changes of its own after them, and a dispatch that then threw are all the one unit', () => {
    const h = new FakeHistory()
      .input('sort')
      .update('a', VERIFICATION_CAUSE, true)
      .update('b', VERIFICATION_CAUSE, true)
      .input('load')
      .update('cache', VERIFICATION_CAUSE, true)
      .effects()
      .update('status', 'load')
      .input('boom')
      .update('a', VERIFICATION_CAUSE, true)
      .outcome('boom', 'threw', 'TypeError: x is undefined')
    const units = new Units(h)
    units.update()
    expect(groups(units)).toEqual([
      [0, 0, '-', 0],
      [1, 3, 'sort', 2],
      [4, 7, 'load', 2],
      [8, 10, 'boom', 1, 'threw', 'TypeError: x is undefined']
    ])
    expect(said(units).slice(1)).toEqual([
      ['sort', 'changed in place'],
      ['load', '2 changes, 1 in place'],
      ['boom', 'threw — TypeError: x is undefined after changing in place']
    ])
    // Taken one entry at a time, the same groups.
    const one = new FakeHistory()
    const step = new Units(one)
    for (const e of h.events.slice(1)) {
      one.events.push(e)
      step.update()
    }
    expect(groups(step)).toEqual(groups(units))
    expect(said(step)).toEqual(said(units))
  })

  test('found anywhere else — after a unit that changed something, after its no change note, with no unit open — it is a group of its own', () => {
    const h = new FakeHistory()
      .input('mixed')
      .update('filter', 'mixed')
      .update('todos', VERIFICATION_CAUSE, true)
      .input('idle')
      .outcome('idle', 'no change')
      .update('todos', VERIFICATION_CAUSE, true)
      .status()
      .update('todos', VERIFICATION_CAUSE, true)
      .update('step', 'step')
      .update('todos', VERIFICATION_CAUSE, true)
    const units = new Units(h)
    units.update()
    expect(groups(units)).toEqual([
      [0, 0, '-', 0],
      [1, 2, 'mixed', 1],
      [3, 3, '-', 0],
      [4, 5, 'idle', 0, 'no change'],
      [6, 6, '-', 0],
      [7, 7, '-', 0],
      [8, 8, '-', 0],
      [9, 9, 'step', 1],
      [10, 10, '-', 0]
    ])
    expect(said(units)[1]).toEqual(['mixed', '1 change'])
    expect(said(units)[3]).toEqual(['idle', 'no change'])
  })

  test('a history that started over forgets what was found in place', () => {
    const h = new FakeHistory().input('toggle').update('todos', VERIFICATION_CAUSE, true)
    const units = new Units(h)
    units.update()
    expect(units.inPlace(1)).toBe(1)
    h.events = h.events.slice(0, 1)
    h.generation++
    h.input('toggle').update('todos', 'toggle')
    units.update()
    expect([units.inPlace(1), unitSummary(units, 1)]).toEqual([0, '1 change'])
  })
})
