import { describe, expect, test } from 'vitest'
import type { Action } from '../../../src/shared/protocol'
import {
  adaptStore,
  DISPATCH_OUTCOME,
  DISPATCHED,
  isPlainObject,
  OUTSIDE_DISPATCH,
  slicesOf,
  type DispatchOutcome
} from '../../../src/host/loader/store-adapter'

interface Change {
  slice: string
  before: unknown
  after: unknown
  causingAction: { type: string }
}

/** A minimal Redux-style store over a reducer. */
function createStore<S>(reducer: (state: S | undefined, action: { type: string; payload?: unknown }) => S) {
  let state = reducer(undefined, { type: '@@init' })
  const listeners = new Set<() => void>()
  const store = {
    getState: () => state,
    dispatch(action: unknown): unknown {
      if (typeof action === 'function') return (action as (d: (a: unknown) => unknown) => unknown)((a) => store.dispatch(a))
      state = reducer(state, action as { type: string })
      for (const listener of listeners) listener()
      return action
    },
    subscribe(listener: () => void) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    /** Changes the state the way a store's own timer would, outside any dispatch Patchscope sees. */
    poke(action: { type: string; payload?: unknown }) {
      state = reducer(state, action)
      for (const listener of listeners) listener()
    }
  }
  return store
}

type Reducer<S> = (state: S | undefined, action: { type: string; payload?: unknown }) => S
type Dispatch = (action: unknown) => unknown
type Middleware = (api: { getState(): unknown; dispatch: Dispatch }) => (next: Dispatch) => Dispatch

/**
 * A store built as Redux's `createStore(reducer, applyMiddleware(...))` builds it: the middleware
 * chain's `dispatch` is a local the middleware closes over, so a thunk's own dispatches never go
 * through the store's `dispatch` property (the one the adapter wraps). Listeners are handed
 * `reported` when the store is told to (as Vuex hands its mutation).
 */
function createReduxStore<S>(reducer: Reducer<S>, middlewares: Middleware[], options: { hands?: boolean } = {}) {
  let state = reducer(undefined, { type: '@@redux/INIT' })
  const listeners = new Set<(...args: unknown[]) => void>()
  const notify = (action: unknown): void => {
    for (const listener of [...listeners]) {
      if (options.hands === true) listener(action, state)
      else listener()
    }
  }
  const base: Dispatch = (action) => {
    if (typeof action !== 'object' || action === null) throw new Error('Actions must be plain objects')
    state = reducer(state, action as { type: string })
    notify(action)
    return action
  }
  let dispatch: Dispatch = () => {
    throw new Error('Dispatching while constructing your middleware is not allowed')
  }
  const api = { getState: () => state, dispatch: (action: unknown) => dispatch(action) }
  dispatch = middlewares.map((m) => m(api)).reduceRight<Dispatch>((next, m) => m(next), base)
  return {
    getState: () => state,
    dispatch,
    subscribe(listener: (...args: unknown[]) => void) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    /** Changes the state without a dispatch, as a store's own timer or a Vuex commit would. */
    commit(action: { type: string; payload?: unknown }) {
      state = reducer(state, action)
      notify(action)
    }
  }
}

/** redux-thunk, as it is written: a function is called with the chain's dispatch, getState and an extra argument. */
const thunkMiddleware: Middleware =
  ({ dispatch, getState }) =>
  (next) =>
  (action) =>
    typeof action === 'function'
      ? (action as (d: Dispatch, g: () => unknown, x: unknown) => unknown)(dispatch, getState, 'extra')
      : next(action)

function record(runtime: ReturnType<typeof adaptStore>): Change[] {
  const changes: Change[] = []
  runtime.bus.on('state-changed', (e) => changes.push(e as Change))
  return changes
}

const reducer = (state: Record<string, unknown> = { count: 0, name: 'x' }, action: { type: string; payload?: unknown }) => {
  if (action.type === 'inc') return { ...state, count: (state.count as number) + 1 }
  if (action.type === 'drop-name') {
    const { name: _name, ...rest } = state
    return rest
  }
  return state
}

describe('adaptStore', () => {
  test('reports each top-level key that holds another value after an action, with the action as the cause', () => {
    const runtime = adaptStore(createStore(reducer))
    const changes = record(runtime)
    const dispatched: unknown[] = []
    runtime.bus.on(DISPATCHED, (cause) => dispatched.push(cause))
    runtime.dispatch({ type: 'inc' })
    expect(changes).toEqual([{ slice: 'count', before: 0, after: 1, causingAction: { type: 'inc' } }])
    expect(runtime.getState()).toEqual({ count: 1, name: 'x' })
    // A key that kept its value is not reported; the recorder verifies it once the store is idle.
    runtime.dispatch({ type: 'noop' })
    expect(changes).toHaveLength(1)
    expect(dispatched).toEqual([{ type: 'inc' }, { type: 'noop' }])
  })

  test('reports a key replaced on a root the reducer changed in place', () => {
    const store = createStore((s: Record<string, unknown> = { list: [1] }, a) => {
      if (a.type === 'replace-in-place') s.list = [...(s.list as number[]), 2]
      return s
    })
    const runtime = adaptStore(store)
    const changes = record(runtime)
    runtime.dispatch({ type: 'replace-in-place' })
    expect(changes).toEqual([{ slice: 'list', before: [1], after: [1, 2], causingAction: { type: 'replace-in-place' } }])
  })

  test('reports a key that goes away with after: undefined', () => {
    const runtime = adaptStore(createStore(reducer))
    const changes = record(runtime)
    runtime.dispatch({ type: 'drop-name' })
    expect(changes.find((c) => c.slice === 'name')).toMatchObject({ before: 'x', after: undefined })
    expect(Object.hasOwn(runtime.getState() as object, 'name')).toBe(false)
  })

  test('names the changes of a thunk by the actions it dispatches, and a change outside any dispatch as such', () => {
    const store = createStore(reducer)
    const runtime = adaptStore(store)
    const changes = record(runtime)
    const thunk = function incrementLater(dispatch: (a: unknown) => unknown): void {
      dispatch({ type: 'inc' })
    }
    // A thunk is not an Action, but Redux stores with middleware take one all the same.
    const dispatched: { type: string }[] = []
    runtime.bus.on(DISPATCHED, (cause) => dispatched.push(cause as { type: string }))
    runtime.dispatch(thunk as unknown as Action)
    expect(changes.map((c) => [c.slice, c.causingAction.type])).toEqual([['count', 'inc']])
    expect(dispatched.map((a) => a.type)).toEqual(['inc', 'thunk incrementLater'])
    changes.length = 0
    dispatched.length = 0
    store.poke({ type: 'inc' })
    expect(changes.map((c) => [c.slice, c.causingAction])).toEqual([['count', OUTSIDE_DISPATCH]])
    expect(OUTSIDE_DISPATCH.type).toBe('(outside a dispatch)')
    // Compared like a dispatch's: the recorder looks at the slices it compares in full.
    expect(dispatched).toEqual([OUTSIDE_DISPATCH])
    expect(changes.find((c) => c.slice === 'count')?.after).toBe(2)
  })

  test('attributes actions the store dispatches through its own dispatch', () => {
    const store = createStore(reducer)
    const runtime = adaptStore(store)
    const changes = record(runtime)
    store.dispatch({ type: 'inc' })
    expect(changes.find((c) => c.slice === 'count')?.causingAction).toEqual({ type: 'inc' })
  })

  test('shows a state that is not a plain object as one slice named state', () => {
    const runtime = adaptStore(createStore((s: number | undefined = 0, a) => (a.type === 'inc' ? s + 1 : s)))
    const changes = record(runtime)
    runtime.dispatch({ type: 'inc' })
    expect(runtime.getState()).toEqual({ state: 1 })
    expect(changes.at(-1)).toMatchObject({ slice: 'state', after: 1 })
    expect(slicesOf([1])).toEqual({ state: [1] })
    expect(isPlainObject(Object.create(null))).toBe(true)
    expect(isPlainObject(new (class X {})())).toBe(false)
  })

  test('works with a frozen store, which keeps its own dispatch', () => {
    const runtime = adaptStore(Object.freeze(createStore(reducer)))
    const changes = record(runtime)
    runtime.dispatch({ type: 'inc' })
    expect(changes.find((c) => c.slice === 'count')?.after).toBe(1)
  })

  describe('with thunk middleware (a store built as Redux builds it)', () => {
    const todos = (state = { count: 0, name: 'x', log: [] as string[] }, action: { type: string; payload?: unknown }) => {
      if (action.type === 'inc') return { ...state, count: state.count + 1 }
      if (action.type === 'rename') return { ...state, name: action.payload as string }
      if (action.type === 'log') return { ...state, log: [...state.log, action.payload as string] }
      return state
    }

    test('a thunk’s changes are caused by the plain actions it dispatches, and it gets getState and the extra argument', () => {
      const store = createReduxStore(todos, [thunkMiddleware])
      const runtime = adaptStore(store)
      const changes = record(runtime)
      const dispatched: string[] = []
      runtime.bus.on(DISPATCHED, (cause) => dispatched.push((cause as { type: string }).type))
      const seen: unknown[] = []
      const result = runtime.dispatch(function save(dispatch: Dispatch, getState: () => unknown, extra: unknown) {
        seen.push((getState() as { count: number }).count, extra)
        dispatch({ type: 'inc' })
        dispatch({ type: 'rename', payload: 'y' })
        return 'saved'
      } as unknown as Action)
      expect(result).toBe('saved')
      expect(seen).toEqual([0, 'extra'])
      expect(changes.map((c) => [c.slice, c.causingAction])).toEqual([
        ['count', { type: 'inc' }],
        ['name', { type: 'rename', payload: 'y' }]
      ])
      expect(dispatched).toEqual(['inc', 'rename', 'thunk save'])
      expect(runtime.getState()).toEqual({ count: 1, name: 'y', log: [] })
    })

    test('an async thunk’s dispatches after an await, a thunk it dispatches, and one the store dispatches itself are named by their actions', async () => {
      const store = createReduxStore(todos, [thunkMiddleware])
      const runtime = adaptStore(store)
      const changes = record(runtime)
      const logLater = (text: string) => async (dispatch: Dispatch) => {
        await Promise.resolve()
        dispatch({ type: 'log', payload: text })
      }
      const pending = runtime.dispatch((async (dispatch: Dispatch) => {
        dispatch({ type: 'inc' })
        await new Promise((resolve) => setTimeout(resolve, 1))
        await dispatch(logLater('nested'))
        dispatch({ type: 'rename', payload: 'after' })
      }) as unknown as Action)
      // The runtime's own code dispatches through the store while the first thunk waits.
      store.dispatch(logLater('own'))
      await pending
      expect(changes.map((c) => [c.slice, c.causingAction.type, (c.after as unknown[] | string | number).toString()])).toEqual([
        ['count', 'inc', '1'],
        ['log', 'log', 'own'],
        ['log', 'log', 'own,nested'],
        ['name', 'rename', 'after']
      ])
      expect(changes.some((c) => c.causingAction.type.startsWith('thunk') || c.causingAction === OUTSIDE_DISPATCH)).toBe(false)
    })

    test('a change outside any dispatch names the action the store handed its listeners, else says it was outside a dispatch', () => {
      const handing = createReduxStore(todos, [thunkMiddleware], { hands: true })
      const changes = record(adaptStore(handing))
      handing.commit({ type: 'rename', payload: 'from a timer' })
      expect(changes.map((c) => [c.slice, c.causingAction])).toEqual([['name', { type: 'rename', payload: 'from a timer' }]])

      const silent = createReduxStore(todos, [thunkMiddleware])
      const quiet = record(adaptStore(silent))
      silent.commit({ type: 'inc' })
      expect(quiet.map((c) => [c.slice, c.causingAction])).toEqual([['count', OUTSIDE_DISPATCH]])

      // A state with a type key of its own, handed to listeners, is not taken for an action.
      const store = createReduxStore(
        (s: { type: string; n: number } = { type: 'shape', n: 0 }, a) => (a.type === 'inc' ? { ...s, n: s.n + 1 } : s),
        []
      )
      const listeners: ((...args: unknown[]) => void)[] = []
      const handsState = { ...store, subscribe: (l: (...args: unknown[]) => void) => listeners.push(l) }
      const shaped = record(adaptStore(handsState))
      store.commit({ type: 'inc' })
      for (const l of listeners) l(store.getState())
      expect(shaped.map((c) => [c.slice, c.causingAction])).toEqual([['n', OUTSIDE_DISPATCH]])
    })
  })

  describe('the outcome of a dispatch its changes cannot speak for', () => {
    const reducer = (state = { count: 0, name: 'x' }, action: { type: string; payload?: unknown }) => {
      if (action.type === 'inc') return { ...state, count: state.count + 1 }
      if (action.type === 'rename') return { ...state, name: action.payload as string }
      if (action.type === 'boom') throw new RangeError('the reducer failed')
      return state
    }
    /** The bus's changes and outcomes, in order, as `[what, type, …]`. */
    function events(runtime: ReturnType<typeof adaptStore>): unknown[][] {
      const out: unknown[][] = []
      runtime.bus.on('state-changed', (payload) => {
        const c = payload as Change
        out.push(['change', c.causingAction.type, c.slice])
      })
      runtime.bus.on(DISPATCH_OUTCOME, (payload) => {
        const o = payload as DispatchOutcome
        out.push([o.outcome, o.action.type, ...(o.error !== undefined ? [(o.error as Error).message] : [])])
      })
      return out
    }

    test('a plain action that changed nothing is noted after it, one that threw with its error; one that changed something is not', () => {
      const runtime = adaptStore(createStore(reducer))
      const seen = events(runtime)
      runtime.dispatch({ type: 'nothing' })
      runtime.dispatch({ type: 'rename', payload: 'y' })
      expect(() => runtime.dispatch({ type: 'boom' })).toThrow('the reducer failed')
      expect(seen).toEqual([
        ['no change', 'nothing'],
        ['change', 'rename', 'name'],
        ['threw', 'boom', 'the reducer failed']
      ])
    })

    test('two dispatches of the same type in a row that change something: the first is marked ended before the second’s changes', () => {
      const runtime = adaptStore(createStore(reducer))
      const seen = events(runtime)
      const inc = { type: 'inc' }
      runtime.dispatch(inc)
      runtime.dispatch(inc)
      runtime.dispatch({ type: 'rename', payload: 'z' })
      runtime.dispatch({ type: 'inc' })
      expect(seen).toEqual([
        ['change', 'inc', 'count'],
        ['changed', 'inc'],
        ['change', 'inc', 'count'],
        ['change', 'rename', 'name'],
        ['change', 'inc', 'count']
      ])
    })

    test('a thunk that throws, and one whose promise rejects, are noted with their errors; their plain actions as usual', async () => {
      const runtime = adaptStore(createReduxStore(reducer, [thunkMiddleware]))
      const seen = events(runtime)
      expect(() =>
        runtime.dispatch(function fail(): never {
          throw new Error('sync failure')
        } as unknown as Action)
      ).toThrow('sync failure')
      const rejected = runtime.dispatch(async function load(dispatch: Dispatch) {
        await Promise.resolve()
        dispatch({ type: 'nothing' })
        throw new TypeError('the request failed')
      } as unknown as Action) as Promise<unknown>
      await expect(rejected).rejects.toThrow('the request failed')
      await new Promise((resolve) => setImmediate(resolve))
      expect(seen).toEqual([
        ['threw', 'thunk fail', 'sync failure'],
        ['no change', 'nothing'],
        ['rejected', 'thunk load', 'the request failed']
      ])
    })
  })
})
