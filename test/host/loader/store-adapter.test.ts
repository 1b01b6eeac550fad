import { describe, expect, test } from 'vitest'
import type { Action } from '../../../src/shared/protocol'
import { adaptStore, DISPATCHED, isPlainObject, OUTSIDE_DISPATCH, slicesOf } from '../../../src/host/loader/store-adapter'

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

  test('names a thunk as the cause, and a change outside any dispatch as such', () => {
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
    expect(dispatched.map((a) => a.type)).toEqual(['thunk incrementLater'])
    changes.length = 0
    store.poke({ type: 'inc' })
    expect(changes.every((c) => c.causingAction === OUTSIDE_DISPATCH)).toBe(true)
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
})
