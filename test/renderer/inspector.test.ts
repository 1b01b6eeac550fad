import { describe, expect, test } from 'vitest'
import type { HistoryEvent } from '../../src/shared/protocol'
import { Inspector } from '../../src/renderer/src/lib/inspector.svelte'
import { Timeline } from '../../src/renderer/src/lib/timeline.svelte'
import { feed, Log } from './model/log'

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0))

async function inspectorOf(log: Log): Promise<{ timeline: Timeline; inspector: Inspector; store: ReturnType<Log['store']> }> {
  const store = log.store()
  const timeline = new Timeline(store)
  const inspector = new Inspector(store, timeline)
  timeline.changed()
  await tick()
  return { timeline, inspector, store }
}

const todos = (): Log =>
  new Log({ todos: { items: [] }, user: 'ann' })
    .update('todos', { patches: [{ op: 'add', path: '/items/-', value: 'milk' }] }, { type: 'add' })
    .update('user', { value: 'bob' }, { type: 'rename' })
    .update('todos', { patches: [{ op: 'add', path: '/items/-', value: 'bread' }] }, { type: 'add' })
    .custom({ ping: 1 })

describe('Inspector', () => {
  test('shows the selected entry and the state right after it', async () => {
    const { timeline, inspector } = await inspectorOf(todos())
    expect(inspector.event).toMatchObject({ type: 'custom-event', seq: 4 })
    timeline.select(1)
    expect(inspector.event).toMatchObject({ type: 'state.update', seq: 1, slice: 'todos' })
    expect(inspector.state).toEqual({ todos: { items: ['milk'] }, user: 'ann' })
    timeline.select(-1)
    expect(inspector.event).toBeUndefined()
    expect(inspector.state).toBeUndefined()
  })

  test('shows the selected update’s slice before and after it, and nothing for other entries', async () => {
    const { timeline, inspector } = await inspectorOf(todos())
    timeline.select(3)
    expect(inspector.slice).toEqual({ before: { items: ['milk'] }, after: { items: ['milk', 'bread'] } })
    timeline.select(4)
    expect(inspector.slice).toBeUndefined()
  })

  test('follows the newest entry as the timeline takes it in', async () => {
    const log = todos()
    const { timeline, inspector, store } = await inspectorOf(log)
    const shown = inspector.state
    feed(store, log.update('user', { value: 'cy' }, { type: 'rename' }))
    timeline.changed()
    await tick()
    expect(inspector.event).toMatchObject({ seq: 5 })
    expect(inspector.state).toEqual({ todos: { items: ['milk', 'bread'] }, user: 'cy' })
    // What was shown before is the state it was.
    expect(shown).toEqual({ todos: { items: ['milk', 'bread'] }, user: 'bob' })
  })

  test('opens the history of a path and keeps it up to date', async () => {
    const log = todos()
    const { timeline, inspector, store } = await inspectorOf(log)
    expect(inspector.history).toBeUndefined()
    inspector.showPath(['todos', 'items'])
    expect(inspector.tab).toBe('path')
    expect(inspector.history?.changes.map((c) => [c.index, c.after])).toEqual([
      [3, ['milk', 'bread']],
      [1, ['milk']]
    ])
    feed(store, log.update('todos', { patches: [{ op: 'remove', path: '/items/0' }] }, { type: 'remove' }))
    timeline.changed()
    await tick()
    expect(inspector.history?.changes[0]).toEqual({ index: 5, before: ['milk', 'bread'], after: ['bread'] })
  })

  test('diffs from the pinned entry to the selected one, whichever comes first', async () => {
    const { timeline, inspector } = await inspectorOf(todos())
    expect(inspector.diff).toBeUndefined()
    timeline.select(1)
    inspector.pinDiff()
    expect(inspector.tab).toBe('diff')
    expect(inspector.diffFrom).toBe(1)
    timeline.select(3)
    const forward = [
      { path: '/todos/items/1', kind: 'added', after: 'bread' },
      { path: '/user', kind: 'changed', before: 'ann', after: 'bob' }
    ]
    expect(inspector.diff).toEqual({ changes: forward, truncated: false })
    // Pinned after the selection: still from the earlier state to the later one.
    inspector.pinDiff()
    timeline.select(1)
    expect(inspector.diff).toEqual({ changes: forward, truncated: false })
    timeline.select(3)
    expect(inspector.diff?.changes).toEqual([])
  })

  test('forgets a pinned diff start once the store no longer holds that entry', async () => {
    const { store, timeline, inspector } = await inspectorOf(todos())
    timeline.select(1)
    inspector.pinDiff()
    timeline.select(3)
    expect(inspector.diff).toBeDefined()
    // The host dropped entries while the window was away: the store starts again from seq 40.
    store.reset({ type: 'state.initial', seq: 40, slices: { todos: { items: [] } }, timestamp: 0, gap: true })
    const next: HistoryEvent = {
      type: 'state.update',
      seq: 41,
      slice: 'todos',
      value: { items: ['tea'] },
      cause: { type: 'add' },
      timestamp: 1
    }
    store.ingest(next, JSON.stringify(next))
    timeline.changed()
    await tick()
    // Index 1 exists again, but it is entry 41, not the entry 1 that was pinned.
    timeline.select(1)
    expect(inspector.diff).toBeUndefined()
  })

  test('says where to look for a change found in place, for that update only', async () => {
    const log = todos().found('todos', { patches: [{ op: 'add', path: '/items/-', value: 'jam' }] }, 2)
    const { timeline, inspector } = await inspectorOf(log)
    expect(inspector.inPlace).toMatchObject({ slice: 'todos', since: 2, seq: 5, first: 3, actions: [{ type: 'add', count: 1 }] })
    timeline.select(3)
    expect(inspector.inPlace).toBeUndefined()
  })

  test('shows an entry by its seq, and tells the entries it no longer holds', async () => {
    const { store, timeline, inspector } = await inspectorOf(new Log({ a: 0 }, 10).update('a', { value: 1 }).update('a', { value: 2 }))
    inspector.tab = 'state'
    expect([inspector.holds(11), inspector.holds(9), inspector.holds(13)]).toEqual([true, false, false])
    inspector.showEntry(11)
    expect([store.seqAt(timeline.selected), timeline.following, inspector.tab]).toEqual([11, false, 'entry'])
    inspector.tab = 'diff'
    inspector.showEntry(9)
    expect([store.seqAt(timeline.selected), inspector.tab]).toEqual([11, 'diff'])
  })
})
