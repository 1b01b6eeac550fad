import { ActionCreators, instrument } from '@redux-devtools/instrument'
import { immutableSerialize } from '@redux-devtools/serialize'
import * as Immutable from 'immutable'
import jsan from 'jsan'
import { combineReducers, legacy_createStore as createStore, type Reducer, type UnknownAction } from 'redux'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { convertForeign } from '../../../src/host/import'
import { encode } from '../../../src/host/recorder/encode'
import { noteOf } from '../../../src/shared/notes'
import type { Slices } from '../../../src/shared/protocol'
import { conversionError, entries, readLines, statesByAction } from './helpers'

interface Todo {
  id: number
  text: string
  done: boolean
  created?: Date
}

const todos: Reducer<Todo[], UnknownAction> = (state = [], action) => {
  const p = action.payload as Partial<Todo> & { id: number }
  switch (action.type) {
    case 'todos/add':
      return [...state, { id: p.id, text: p.text ?? '', done: false, ...(p.created ? { created: p.created } : {}) }]
    case 'todos/toggle':
      return state.map((t) => (t.id === p.id ? { ...t, done: !t.done } : t))
    case 'todos/remove':
      return state.filter((t) => t.id !== p.id)
    case 'boom':
      throw new Error('the reducer failed on purpose')
    default:
      return state
  }
}

const filter: Reducer<string, UnknownAction> = (state = 'all', action) =>
  action.type === 'filter/set' ? (action.payload as string) : state

/** Values JSON cannot carry, which the DevTools' `serialize` option writes as `$jsan` codes. */
interface Odd {
  when?: Date
  tags?: Map<string, Set<number>>
  pattern?: RegExp
  missing?: undefined
  ratio?: number
  limit?: number
  sym?: symbol
  failure?: Error
  format?: (v: number) => string
  self?: Odd
}

const odd: Reducer<Odd, UnknownAction> = (state = {}, action) => {
  if (action.type !== 'odd/fill') return state
  const next: Odd = {
    when: new Date(Date.UTC(2026, 11, 1, 9, 30)),
    tags: new Map([['a', new Set([1, 2])]]),
    pattern: /ab+c/gi,
    missing: undefined,
    ratio: NaN,
    limit: -Infinity,
    sym: Symbol('marker'),
    failure: new Error('kept as a value'),
    format: function formatTotal(v: number) {
      return `${v}`
    }
  }
  next.self = next
  return next
}

/** A real store under the DevTools' own instrumentation, with the actions of `script` dispatched. */
function run(reducer: Reducer<unknown, UnknownAction>, script: (store: { dispatch(a: UnknownAction): void }) => void, maxAge?: number) {
  const store = createStore(reducer, instrument(undefined, { shouldCatchErrors: true, ...(maxAge === undefined ? {} : { maxAge }) }))
  script(store)
  return store
}

function todoScript(store: { dispatch(a: UnknownAction): void }): void {
  store.dispatch({ type: 'todos/add', payload: { id: 1, text: 'milk' } })
  store.dispatch({ type: 'todos/add', payload: { id: 2, text: 'bread' }, meta: { from: 'test' } })
  store.dispatch({ type: 'filter/set', payload: 'open' })
  store.dispatch({ type: 'todos/toggle', payload: { id: 1 } })
  store.dispatch({ type: 'unknown/ignored' })
  store.dispatch({ type: 'boom' })
  store.dispatch({ type: 'todos/remove', payload: { id: 1 } })
}

type Lifted = {
  computedStates: { state: unknown; error?: string }[]
  stagedActionIds: number[]
  skippedActionIds: number[]
  committedState: unknown
}

/** What Patchscope records of a Redux state: each top-level key a slice, encoded. */
function slicesOf(state: unknown): Slices {
  const root = Immutable.isImmutable(state) ? (state as Immutable.Map<string, unknown>).toJSON() : (state as Record<string, unknown>)
  return Object.fromEntries(Object.entries(root).map(([k, v]) => [k, encode(v)]))
}

/** Converts an export and checks that the history holds, after each staged action, the state the DevTools computed for it. */
function expectSameStates(text: string, lifted: Lifted, name = 'state.json'): ReturnType<typeof readLines> {
  const converted = convertForeign(text, name)
  expect(converted?.format).toBe('Redux DevTools export')
  const session = readLines(converted!.lines)
  expect(session.integrity).toEqual({ complete: true })
  const byAction = statesByAction(session)
  expect(lifted.stagedActionIds.length).toBeGreaterThan(1)
  lifted.stagedActionIds.forEach((id, i) => {
    expect(byAction.get(String(id)), `after action ${id}`).toEqual(slicesOf(lifted.computedStates[i]!.state))
  })
  return session
}

describe('Redux DevTools exports, written by the DevTools serializer', () => {
  // The instrumentation logs the error of the reducer that throws on purpose.
  beforeEach(() => void vi.spyOn(console, 'error').mockImplementation(() => undefined))
  afterEach(() => void vi.restoreAllMocks())

  test('the monitor export without the serialize option: a plain lifted state, shared values as $jsan references', () => {
    const store = run(combineReducers({ todos, filter }) as Reducer<unknown, UnknownAction>, todoScript)
    const lifted = store.liftedStore.getState() as unknown as Lifted
    // As the monitor's Export writes it (stringifyJSON without serialize): jsan's references for repeated objects.
    const text = jsan.stringify(lifted, undefined, undefined, { refs: true })
    expect(text).toContain('"$jsan":"$.computedStates')
    const session = expectSameStates(text, lifted)
    const events = entries(session).map((e) => e.event)
    // The base is the committed state (none here), and @@INIT brings each slice in.
    expect(session.history.event(session.history.baseSeq + 1)).toMatchObject({ type: 'state.initial', slices: {} })
    expect(events[0]).toMatchObject({ type: 'state.update', slice: 'todos', value: [], cause: { type: '@@INIT', id: '0' } })
    // One entry per changed slice, a patch at the element's index, the action whole as the cause.
    const bread = events.find((e) => e.type === 'state.update' && e.cause.type === 'todos/add' && e.cause.id === '2')
    expect(bread).toMatchObject({
      slice: 'todos',
      patches: [{ op: 'add', path: '/1', value: { id: 2, text: 'bread', done: false } }],
      cause: { type: 'todos/add', payload: { id: 2, text: 'bread' }, meta: { from: 'test' } }
    })
    expect(events.find((e) => e.type === 'state.update' && e.cause.type === 'todos/toggle')).toMatchObject({
      patches: [{ op: 'replace', path: '/0/done', value: true }]
    })
    // The reducer that threw, and the action that changed nothing, are notes as Patchscope records such dispatches.
    const notes = events.map((e) => noteOf(e)).filter((n) => n !== undefined)
    expect(notes).toEqual([
      // Two todos/add in a row: the first one's end is marked, so they are two actions, not one.
      { note: 'dispatch', outcome: 'changed', cause: { type: 'todos/add', id: '1', payload: { id: 1, text: 'milk' } } },
      { note: 'dispatch', outcome: 'no change', cause: { type: 'unknown/ignored', id: '5' } },
      { note: 'dispatch', outcome: 'threw', cause: { type: 'boom', id: '6' }, error: 'Error: the reducer failed on purpose' },
      // The DevTools compute nothing after an error: the actions after it keep the state, with this error.
      {
        note: 'dispatch',
        outcome: 'threw',
        cause: { type: 'todos/remove', id: '7', payload: { id: 1 } },
        error: 'Interrupted by an error up the chain'
      }
    ])
  })

  test('timestamps come from each action, and the session is named after the file', () => {
    const store = run(combineReducers({ todos, filter }) as Reducer<unknown, UnknownAction>, todoScript)
    const lifted = store.liftedStore.getState()
    const text = jsan.stringify(lifted, undefined, undefined, true)
    const { lines } = convertForeign(text, 'todos-export.json')!
    const session = readLines(lines)
    expect(session.header.runtime).toEqual({ path: null, name: 'todos-export.json (Redux DevTools export)' })
    expect(session.header.createdAt).toBe(new Date(lifted.actionsById[0]!.timestamp).toISOString())
    for (const { event } of entries(session))
      if (event.type === 'state.update') expect(event.timestamp).toBe(lifted.actionsById[Number(event.cause.id)]!.timestamp)
  })

  test('with the serialize option: dates, maps, sets, regular expressions, undefined, NaN, Infinity, symbols, errors, functions and a cycle', () => {
    const store = run(combineReducers({ todos, filter, odd }) as Reducer<unknown, UnknownAction>, (s) => {
      s.dispatch({ type: 'todos/add', payload: { id: 1, text: 'milk', created: new Date(Date.UTC(2026, 10, 30)) } })
      s.dispatch({ type: 'odd/fill' })
      s.dispatch({ type: 'todos/toggle', payload: { id: 1 } })
    })
    const lifted = store.liftedStore.getState() as unknown as Lifted
    // The monitor's stringifyJSON with serialize on: jsan with every special type.
    const text = jsan.stringify(lifted, undefined, undefined, true)
    for (const code of [
      '"$jsan":"d',
      '"$jsan":"m',
      '"$jsan":"r',
      '"$jsan":"u"',
      '"$jsan":"n"',
      '"$jsan":"y"',
      '"$jsan":"s',
      '"$jsan":"e',
      '"$jsan":"f'
    ])
      expect(text).toContain(code)
    const session = expectSameStates(text, lifted)
    const last = session.history.stateAt(session.history.lastSeq)
    expect(last.odd).toMatchObject({
      when: { $date: '2026-12-01T09:30:00.000Z' },
      tags: { $map: [['a', { $set: [1, 2] }]] },
      pattern: { $regexp: '/ab+c/gi' },
      missing: { $undefined: true },
      ratio: { $number: 'NaN' },
      limit: { $number: '-Infinity' },
      sym: { $symbol: 'marker' },
      failure: { $error: { name: 'Error', message: 'kept as a value' } },
      format: { $function: 'formatTotal' },
      self: { $ref: '' }
    })
  })

  test('ImmutableJS state with the immutable serializer of @redux-devtools/serialize (__serializedType__)', () => {
    const reducer: Reducer<unknown, UnknownAction> = (
      state = Immutable.Map({ items: Immutable.List<string>(), seen: Immutable.Set<string>() }),
      action
    ) => {
      const s = state as Immutable.Map<string, unknown>
      if (action.type === 'add') return s.update('items', (l) => (l as Immutable.List<string>).push(action.payload as string))
      if (action.type === 'see') return s.update('seen', (l) => (l as Immutable.Set<string>).add(action.payload as string))
      if (action.type === 'nest') return s.set('nested', Immutable.OrderedMap({ deep: Immutable.List([1, 2]) }))
      return s
    }
    const store = run(reducer, (s) => {
      s.dispatch({ type: 'add', payload: 'a' })
      s.dispatch({ type: 'see', payload: 'x' })
      s.dispatch({ type: 'add', payload: 'b' })
      s.dispatch({ type: 'nest' })
    })
    const lifted = store.liftedStore.getState() as unknown as Lifted
    const serializer = immutableSerialize(Immutable)
    const text = jsan.stringify(lifted, serializer.replacer, undefined, serializer.options)
    expect(text).toContain('"__serializedType__":"ImmutableMap"')
    expect(text).toContain('"__serializedType__":"ImmutableList"')
    const session = expectSameStates(text, lifted)
    expect(session.history.stateAt(session.history.lastSeq)).toEqual({ items: ['a', 'b'], seen: ['x'], nested: { deep: [1, 2] } })
  })

  test('skipped actions: a note, and the state the DevTools computed without them', () => {
    const store = run(combineReducers({ todos, filter }) as Reducer<unknown, UnknownAction>, todoScript)
    store.liftedStore.dispatch(ActionCreators.toggleAction(3) as never)
    const lifted = store.liftedStore.getState() as unknown as Lifted
    expect(lifted.skippedActionIds).toEqual([3])
    const session = expectSameStates(jsan.stringify(lifted, undefined, undefined, true), lifted)
    const skipped = entries(session).filter(({ event }) => event.type === 'custom-event' && noteOf(event) === undefined)
    expect(skipped.map((e) => e.event)).toMatchObject([
      { data: { reduxDevTools: 'skipped', action: { type: 'filter/set', id: '3', payload: 'open' } } }
    ])
    expect(skipped[0]!.state.filter).toBe('all')
  })

  test('a committed state (maxAge) is the base', () => {
    const store = run(combineReducers({ todos, filter }) as Reducer<unknown, UnknownAction>, todoScript, 4)
    const lifted = store.liftedStore.getState() as unknown as Lifted
    expect(lifted.committedState).toBeDefined()
    const session = expectSameStates(jsan.stringify(lifted, undefined, undefined, true), lifted)
    expect(session.history.event(session.history.baseSeq + 1)).toMatchObject({
      type: 'state.initial',
      slices: slicesOf(lifted.committedState)
    })
  })

  test('a store whose state is not an object is one slice named state', () => {
    const counter: Reducer<number, UnknownAction> = (n = 0, a) => (a.type === 'inc' ? n + 1 : n)
    const store = run(counter as Reducer<unknown, UnknownAction>, (s) => {
      s.dispatch({ type: 'inc' })
      s.dispatch({ type: 'inc' })
    })
    const lifted = store.liftedStore.getState() as unknown as Lifted
    const session = readLines(convertForeign(jsan.stringify(lifted, undefined, undefined, true))!.lines)
    const byAction = statesByAction(session)
    lifted.stagedActionIds.forEach((id, i) => expect(byAction.get(String(id))).toEqual({ state: lifted.computedStates[i]!.state }))
    expect(entries(session).at(-1)!.event).toMatchObject({ slice: 'state', value: 2, cause: { type: 'inc' } })
  })

  test('the wrapper { payload, preloadedState } holding a serialized lifted state', () => {
    const store = run(combineReducers({ todos, filter }) as Reducer<unknown, UnknownAction>, todoScript)
    const lifted = store.liftedStore.getState() as unknown as Lifted
    const text = JSON.stringify(
      {
        payload: jsan.stringify(lifted, undefined, undefined, true),
        preloadedState: jsan.stringify(lifted.committedState, undefined, undefined, true)
      },
      null,
      '\t'
    )
    expectSameStates(text, lifted)
  })

  test("the extension's wrapper holding the actions alone: the preloaded state, and an input note per action", () => {
    const store = run(combineReducers({ todos, filter }) as Reducer<unknown, UnknownAction>, todoScript, 3)
    const lifted = store.liftedStore.getState()
    // As the extension's exportState sends it: the staged actions after the first, and the committed state.
    const actions = lifted.stagedActionIds.slice(1).map((id) => lifted.actionsById[id]!.action)
    const text = JSON.stringify(
      {
        payload: jsan.stringify(actions, undefined, undefined, true),
        preloadedState: jsan.stringify(lifted.committedState, undefined, undefined, true)
      },
      null,
      '\t'
    )
    const session = readLines(convertForeign(text, 'actions.json', { now: Date.UTC(2026, 11, 1) })!.lines)
    expect(session.history.event(1)).toMatchObject({ type: 'state.initial', slices: slicesOf(lifted.committedState) })
    expect(entries(session).map(({ event }) => noteOf(event))).toEqual(actions.map((action) => ({ note: 'input', action: encode(action) })))
  })
})

describe('Redux DevTools exports that cannot be read', () => {
  test('names what is wrong', () => {
    const lifted = {
      actionsById: { 0: { action: { type: '@@INIT' }, timestamp: 1 }, 1: { action: { type: 'a' }, timestamp: 2 } },
      stagedActionIds: [0, 1]
    }
    expect(conversionError(JSON.stringify({ ...lifted, computedStates: [{ state: {} }] })).message).toBe(
      'Redux DevTools export: computedStates has 1 state for 2 staged actions'
    )
    expect(
      conversionError(JSON.stringify({ ...lifted, stagedActionIds: [0, 7], computedStates: [{ state: {} }, { state: {} }] })).message
    ).toBe('Redux DevTools export: stagedActionIds[1] is action 7, which actionsById does not hold')
    expect(conversionError(JSON.stringify({ actionsById: {}, computedStates: [] })).message).toBe(
      'Redux DevTools export: the file needs "stagedActionIds" (an array)'
    )
    expect(conversionError('{"payload": "{not json"}').message).toMatch(/^Redux DevTools export: "payload" is not valid JSON \(/)
    expect(conversionError('{"actionsById": {"0": ').message).toMatch(/^Redux DevTools export: the file is not valid JSON \(/)
    expect(conversionError(JSON.stringify({ ...lifted, computedStates: [{ state: {} }, 3] })).message).toBe(
      'Redux DevTools export: computedStates[1] must be an object ({ state, error? })'
    )
  })

  test('files of other kinds are not taken for exports', () => {
    expect(convertForeign('{"payload": 3, "other": true}')).toBeUndefined()
    expect(convertForeign('{"name": "x"}')).toBeUndefined()
    expect(convertForeign('{"format":"patchscope-session","version":1,"runtime":{},"createdAt":""}\n')).toBeUndefined()
    expect(convertForeign('not json at all')).toBeUndefined()
  })
})
