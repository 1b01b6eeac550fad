import { describe, expect, test } from 'vitest'
import { NO_FILTER, type Filter } from '../../src/renderer/src/lib/model/filter'
import type { HistoryStore } from '../../src/renderer/src/lib/model/store'
import { Timeline } from '../../src/renderer/src/lib/timeline.svelte'
import { noteData } from '../../src/shared/notes'
import { feed, Log, timeOf } from './model/log'

/** Lets the batched refresh run (no animation frames under Node: a timer of 0 ms). */
const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0))

/** A timeline over a log of `n` updates, alternating between slices `a` and `b`, taken in. */
async function timelineOf(n: number): Promise<{ log: Log; store: HistoryStore; timeline: Timeline }> {
  const log = new Log({ a: 0, b: 0 })
  for (let i = 1; i <= n; i++) log.update(i % 2 === 1 ? 'a' : 'b', { value: i }, { type: i % 2 === 1 ? 'inc/a' : 'inc/b' })
  const store = log.store()
  const timeline = new Timeline(store)
  // These tests are of the flat list; grouped rows have tests of their own below.
  timeline.setGrouped(false)
  timeline.changed()
  await tick()
  return { log, store, timeline }
}

const rows = (t: Timeline): number[] => Array.from({ length: t.rowCount }, (_, r) => t.indexAt(r))
const filter = (f: Partial<Filter>): Filter => ({ ...NO_FILTER, ...f })

describe('Timeline', () => {
  test('takes new entries in once per batch, however often it is told', async () => {
    const { log, store, timeline } = await timelineOf(2)
    const version = timeline.version
    for (let i = 0; i < 5; i++) {
      log.update('a', { value: 100 + i })
      feed(store, log)
      timeline.changed()
    }
    expect(timeline.rowCount).toBe(3)
    await tick()
    expect(timeline.rowCount).toBe(8)
    expect(timeline.version).toBe(version + 1)
  })

  test('follows the newest entry until the user selects another, and again after last()', async () => {
    const { log, store, timeline } = await timelineOf(4)
    expect(timeline.following).toBe(true)
    expect(timeline.selected).toBe(4)
    timeline.select(2)
    expect(timeline.following).toBe(false)
    feed(store, log.update('a', { value: 5 }))
    timeline.changed()
    await tick()
    expect(timeline.selected).toBe(2)
    timeline.last()
    expect([timeline.selected, timeline.following]).toEqual([5, true])
    feed(store, log.update('a', { value: 6 }))
    timeline.changed()
    await tick()
    expect(timeline.selected).toBe(6)
  })

  test('follows again when the user selects the newest row, filtered or not', async () => {
    const { log, store, timeline } = await timelineOf(4)
    timeline.select(1)
    timeline.select(4)
    expect(timeline.following).toBe(true)
    timeline.setFilter(filter({ slice: 'a' }))
    timeline.select(1)
    expect(timeline.following).toBe(false)
    timeline.select(3)
    expect(timeline.following).toBe(true)
    feed(store, log.update('b', { value: 5 }).update('a', { value: 6 }))
    timeline.changed()
    await tick()
    expect(timeline.selected).toBe(6)
  })

  test('shows only the entries that pass the filter, and the new ones that do', async () => {
    const { log, store, timeline } = await timelineOf(6)
    timeline.setFilter(filter({ slice: 'b' }))
    expect(rows(timeline)).toEqual([2, 4, 6])
    expect(timeline.filterError).toBeUndefined()
    feed(store, log.update('b', { value: 7 }).update('a', { value: 8 }).update('b', { value: 9 }))
    timeline.changed()
    await tick()
    expect(rows(timeline)).toEqual([2, 4, 6, 7, 9])
    timeline.setFilter(NO_FILTER)
    expect(rows(timeline)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
  })

  test('shows every entry with the error when the filter’s path is not a pointer', async () => {
    const { timeline } = await timelineOf(3)
    timeline.setFilter(filter({ path: '/a/~x' }))
    expect(timeline.filterError).toBe('"/a/~x" has a "~" that is not "~0" or "~1"')
    expect(timeline.rowCount).toBe(4)
    timeline.setFilter(filter({ path: '/a' }))
    expect(timeline.filterError).toBeUndefined()
    expect(rows(timeline)).toEqual([1, 3])
  })

  test('finds the row of an entry, or of the nearest shown before it', async () => {
    const { timeline } = await timelineOf(6)
    expect(timeline.rowOf(4)).toBe(4)
    timeline.setFilter(filter({ slice: 'b' }))
    expect([timeline.rowOf(4), timeline.rowOf(5), timeline.rowOf(1), timeline.rowOf(99)]).toEqual([1, 1, -1, 2])
  })

  test('steps through the rows shown, and stops at either end', async () => {
    const { timeline } = await timelineOf(6)
    timeline.setFilter(filter({ slice: 'b' }))
    timeline.select(4)
    timeline.step(1)
    expect(timeline.selected).toBe(6)
    timeline.step(1)
    expect(timeline.selected).toBe(6)
    timeline.step(-5)
    expect(timeline.selected).toBe(2)
    timeline.first()
    expect(timeline.selected).toBe(2)
  })

  test('steps from an entry the filter hides to the nearest row on either side of it', async () => {
    const { timeline } = await timelineOf(6)
    timeline.select(5)
    timeline.setFilter(filter({ slice: 'b' }))
    timeline.step(-1)
    expect(timeline.selected).toBe(4)
    timeline.select(5)
    timeline.step(-2)
    expect(timeline.selected).toBe(2)
    timeline.select(3)
    timeline.step(1)
    expect(timeline.selected).toBe(4)
    timeline.select(1)
    timeline.step(1)
    expect(timeline.selected).toBe(2)
  })

  test('filters again from the start when the history starts over, even a longer one', async () => {
    const { store, timeline } = await timelineOf(4)
    timeline.setFilter(filter({ slice: 'a' }))
    expect(rows(timeline)).toEqual([1, 3])
    // A resync: the host sends its history again, now with more entries, all of slice b but one.
    const again = new Log({ a: 0, b: 0 })
    for (let i = 1; i <= 6; i++) again.update(i === 5 ? 'a' : 'b', { value: i })
    store.reset(again.base)
    feed(store, again)
    timeline.changed()
    await tick()
    expect(rows(timeline)).toEqual([5])
  })

  test('keeps the selected entry selected when the history starts over, where the new one still holds it', async () => {
    const { log, store, timeline } = await timelineOf(6)
    timeline.select(3)
    // After a gap the host's history starts at entry 2: entry 3 is now at index 1.
    const again = new Log({ a: 1, b: 2 }, 2)
    for (const e of log.events.slice(3)) again.events.push(e)
    store.reset(again.base)
    feed(store, again)
    timeline.changed()
    await tick()
    expect(store.seqAt(timeline.selected)).toBe(3)
    timeline.select(0)
    store.reset({ type: 'state.initial', seq: 50, slices: {}, timestamp: timeOf(50), gap: true })
    timeline.changed()
    await tick()
    expect(timeline.selected).toBe(-1)
  })
})

describe('Timeline grouped by action', () => {
  /** Two host dispatches of the same action (two slices each), a status, one that changed nothing. */
  async function grouped(): Promise<{ log: Log; store: HistoryStore; timeline: Timeline }> {
    const log = new Log({ a: 0, b: 0 })
    const input = (type: string): Log => log.custom(noteData({ note: 'input', action: { type } }))
    input('add').update('a', { value: 1 }, { type: 'add' }).update('b', { value: 1 }, { type: 'add' })
    input('add').update('a', { value: 2 }, { type: 'add' }).update('b', { value: 2 }, { type: 'add' })
    log.status('started', 'e1')
    input('noop').custom(noteData({ note: 'dispatch', outcome: 'no change', cause: { type: 'noop' } }))
    const store = log.store()
    const timeline = new Timeline(store)
    timeline.setGrouped(true)
    return { log, store, timeline }
  }

  test('one row per action, showing the state after its last entry; other entries keep their own rows', async () => {
    const { timeline } = await grouped()
    expect(rows(timeline)).toEqual([0, 3, 6, 7, 9])
    expect([0, 1, 2, 3, 4].map((r) => timeline.unitAt(r))).toEqual([-1, 1, 2, -1, 4])
    expect(timeline.units.outcome(4)).toBe('no change')
    // Any entry of a folded unit is on the unit's row.
    expect(timeline.rowOf(5)).toBe(2)
    expect(timeline.rowOf(9)).toBe(4)
  })

  test('the row that shows an entry: its own, its folded unit’s, none when the filter hides it', async () => {
    const { timeline } = await grouped()
    expect([2, 3, 5, 7, 9].map((i) => timeline.rowShowing(i))).toEqual([1, 1, 2, 3, 4])
    timeline.toggle(2)
    // Expanded, an entry is on its own row; the unit's last shares the unit's.
    expect([4, 5, 6].map((i) => timeline.rowShowing(i))).toEqual([3, 4, 2])
    timeline.setGrouped(false)
    timeline.setFilter(filter({ slice: 'a' }))
    await tick()
    expect([2, 3, 5].map((i) => timeline.rowShowing(i))).toEqual([0, -1, 1])
  })

  test('a unit expands into its entries beneath it and folds again; the selection steps through them', async () => {
    const { timeline } = await grouped()
    timeline.toggle(2)
    expect(rows(timeline)).toEqual([0, 3, 6, 4, 5, 6, 7, 9])
    expect(timeline.isChild(3)).toBe(true)
    expect(timeline.rowOf(5)).toBe(4)
    timeline.select(3)
    timeline.step(1)
    expect(timeline.selected).toBe(6)
    timeline.step(1)
    expect(timeline.selected).toBe(4)
    timeline.toggleSelected()
    expect(rows(timeline)).toEqual([0, 3, 6, 7, 9])
  })

  test('new entries join the newest unit or start one, taken in incrementally; the filter keeps the units with a match', async () => {
    const { log, store, timeline } = await grouped()
    log.custom(noteData({ note: 'input', action: { type: 'add' } })).update('a', { value: 3 }, { type: 'add' })
    feed(store, log)
    timeline.changed()
    await tick()
    expect(rows(timeline)).toEqual([0, 3, 6, 7, 9, 11])
    log.update('b', { value: 3 }, { type: 'add' })
    feed(store, log)
    timeline.changed()
    await tick()
    expect(rows(timeline)).toEqual([0, 3, 6, 7, 9, 12])
    timeline.setFilter(filter({ slice: 'b' }))
    expect(rows(timeline)).toEqual([3, 6, 12])
    timeline.setGrouped(false)
    expect(rows(timeline)).toEqual([3, 6, 12])
  })

  test('stepping down through an expanded unit passes its last entry and goes on: the unit and its last entry are two rows', async () => {
    const { timeline } = await grouped()
    timeline.toggle(2)
    // Rows: base, unit 1, unit 2, its entries 4 5 6, the status, unit 4.
    timeline.selectRow(2)
    expect([timeline.selected, timeline.selectedUnit, timeline.selectedRow]).toEqual([6, 2, 2])
    const seen: [number, number, number][] = []
    for (let i = 0; i < 5; i++) {
      timeline.step(1)
      seen.push([timeline.selected, timeline.selectedRow, timeline.selectedUnit])
    }
    expect(seen).toEqual([
      [4, 3, -1],
      [5, 4, -1],
      // The last entry on its own row: the entry, not the unit.
      [6, 5, -1],
      [7, 6, -1],
      [9, 7, 4]
    ])
    timeline.step(-1)
    timeline.step(-1)
    expect([timeline.selected, timeline.selectedRow, timeline.selectedUnit]).toEqual([6, 5, -1])
    timeline.step(-3)
    expect([timeline.selected, timeline.selectedRow, timeline.selectedUnit]).toEqual([6, 2, 2])
  })

  test('selecting an entry inside a folded unit from another view expands the unit and shows the entry on its own row', async () => {
    const { timeline } = await grouped()
    timeline.select(2)
    expect(timeline.expanded(1)).toBe(true)
    expect(rows(timeline)).toEqual([0, 3, 1, 2, 3, 6, 7, 9])
    expect([timeline.selectedRow, timeline.selectedUnit, timeline.following]).toEqual([3, -1, false])
    // The unit's last entry is the unit's own state: selecting it selects the unit.
    timeline.select(6)
    expect([timeline.selectedRow, timeline.selectedUnit, timeline.expanded(2)]).toEqual([5, 2, false])
  })

  test('folding a unit moves a selection inside it to the unit row; a status or an event is never a unit', async () => {
    const { timeline } = await grouped()
    timeline.select(4)
    expect(timeline.selectedRow).toBe(3)
    timeline.toggleSelected()
    expect([timeline.selected, timeline.selectedRow, timeline.selectedUnit]).toEqual([6, 2, 2])
    timeline.select(7)
    expect(timeline.selectedUnit).toBe(-1)
    timeline.setGrouped(false)
    timeline.select(6)
    expect(timeline.selectedUnit).toBe(-1)
  })

  test('following the newest row selects the newest unit as a whole', async () => {
    const { log, store, timeline } = await grouped()
    timeline.last()
    expect([timeline.selected, timeline.selectedUnit, timeline.following]).toEqual([9, 4, true])
    log.custom(noteData({ note: 'input', action: { type: 'add' } })).update('a', { value: 3 }, { type: 'add' })
    feed(store, log)
    timeline.changed()
    await tick()
    expect([timeline.selected, timeline.selectedUnit, timeline.following]).toEqual([11, 5, true])
  })

  test("an effects note taken into an expanded unit, then found to be the next entry's, moves to that entry's group", async () => {
    const { log, store, timeline } = await grouped()
    timeline.toggle(4)
    log.custom(noteData({ note: 'effects', effects: [] }))
    feed(store, log)
    timeline.changed()
    await tick()
    expect(rows(timeline)).toEqual([0, 3, 6, 7, 10, 8, 9, 10])
    log.status('completed', 'e1')
    feed(store, log)
    timeline.changed()
    await tick()
    // The note and the status are one group now, the status its row.
    expect(rows(timeline)).toEqual([0, 3, 6, 7, 9, 8, 9, 11])
  })
})
