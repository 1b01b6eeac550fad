import { instrument } from '@redux-devtools/instrument'
import jsan from 'jsan'
import { combineReducers, legacy_createStore as createStore, type Reducer, type UnknownAction } from 'redux'
import { expect, test } from 'vitest'
import { convertForeign } from '../../../src/host/import'
import { Units, type UnitSource } from '../../../src/renderer/src/lib/model/units'
import type { HistoryEvent } from '../../../src/shared/protocol'
import { readLines } from './helpers'

const todos: Reducer<string[], UnknownAction> = (state = [], action) =>
  action.type === 'todos/add' ? [...state, String(action.payload)] : state
const filter: Reducer<string, UnknownAction> = (state = 'all', action) => (action.type === 'filter/set' ? String(action.payload) : state)

/** The window's grouping read over a history's events, as its store hands them over. */
function source(events: HistoryEvent[]): UnitSource {
  return {
    length: events.length,
    generation: 0,
    type: (i) => (events[i] as HistoryEvent).type,
    causeType: (i) => {
      const e = events[i] as HistoryEvent
      return e.type === 'state.update' ? e.cause.type : undefined
    },
    inPlaceSince: (i) => {
      const e = events[i] as HistoryEvent
      return e.type === 'state.update' ? e.detected?.since : undefined
    },
    raw: (i) => JSON.stringify(events[i]),
    event: (i) => events[i] as HistoryEvent
  }
}

test('a Redux DevTools export opens with one row per action: two of one type in a row are two, a no-change one its own', () => {
  const store = createStore(combineReducers({ todos, filter }) as Reducer<unknown, UnknownAction>, instrument())
  store.dispatch({ type: 'todos/add', payload: 'milk' })
  store.dispatch({ type: 'todos/add', payload: 'bread' })
  store.dispatch({ type: 'filter/set', payload: 'open' })
  store.dispatch({ type: 'filter/set', payload: 'open' })
  const converted = convertForeign(jsan.stringify(store.liftedStore.getState(), undefined, undefined, { refs: true }), 'state.json')
  const { history } = readLines(converted!.lines)
  const events: HistoryEvent[] = []
  for (let seq = history.baseSeq + 1; seq <= history.lastSeq; seq++) events.push(history.event(seq))
  const units = new Units(source(events))
  units.update()
  const rows: string[] = []
  for (let g = 0; g < units.count; g++) {
    if (units.isUnit(g)) rows.push(`${units.action(g) ?? '?'}${units.outcome(g) ? ` (${units.outcome(g)})` : ''}`)
  }
  expect(rows).toEqual(['@@INIT', 'todos/add', 'todos/add', 'filter/set', 'filter/set (no change)'])
})
