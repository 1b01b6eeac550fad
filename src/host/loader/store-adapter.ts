/**
 * Turns a Redux-style store into a bus runtime: after each action, `state-changed` for every
 * top-level key that holds another value than before (a new object, as Redux asks of a change),
 * with that action as the cause, and `DISPATCHED`. A key that kept its object is taken as
 * unchanged; the recorder verifies that once the store is idle, so a reducer that mutates in place
 * is still recorded exactly, and shown as such.
 */
import { EventEmitter } from 'node:events'
import type { Action } from '../../shared/protocol'
import type { BusRuntime, Store } from './contract'

/** The bus event after each dispatch the store reported, changed or not: the recorder verifies once idle. */
export const DISPATCHED = 'dispatched'

/** The cause of a change the store reported outside any dispatch Patchscope saw (an async thunk's later dispatch). */
export const OUTSIDE_DISPATCH: Action = { type: '(change outside dispatch)' }

/** The slices of a store's state: its keys when it is a plain object, else one slice `state`. */
export function slicesOf(state: unknown): Record<string, unknown> {
  if (isPlainObject(state)) return state
  return { state }
}

/** True for `{}` and `Object.create(null)` objects, not for arrays or class instances. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false
  const proto = Object.getPrototypeOf(v) as unknown
  return proto === Object.prototype || proto === null
}

/**
 * Wraps a store. The store's own `dispatch` property is wrapped too (where it can be), so actions
 * the runtime dispatches itself are attributed as well as those sent by the window.
 */
export function adaptStore(store: Store): BusRuntime {
  const bus = new EventEmitter()
  const original = store.dispatch.bind(store)
  let current: Action | undefined
  // A copy of the keys: a reducer may change the root object itself in place.
  let last = { ...slicesOf(store.getState()) }

  const report = (cause: Action): void => {
    const next = slicesOf(store.getState())
    for (const slice of Object.keys(next)) {
      const before = Object.hasOwn(last, slice) ? last[slice] : undefined
      if (!Object.hasOwn(last, slice) || before !== next[slice])
        bus.emit('state-changed', { slice, before, after: next[slice], causingAction: cause })
    }
    for (const slice of Object.keys(last)) {
      if (!Object.hasOwn(next, slice)) bus.emit('state-changed', { slice, before: last[slice], after: undefined, causingAction: cause })
    }
    last = { ...next }
    // Once the outermost dispatch is over (the store's own listener runs inside it too).
    if (current === undefined) bus.emit(DISPATCHED, cause)
  }

  const dispatch = (action: unknown): unknown => {
    const outer = current
    current = toCause(action)
    try {
      return original(action)
    } finally {
      const cause = current
      current = outer
      report(cause)
    }
  }

  store.subscribe(() => report(current ?? OUTSIDE_DISPATCH))
  try {
    ;(store as { dispatch: unknown }).dispatch = dispatch
  } catch {
    // A frozen store keeps its own dispatch: its self-dispatched actions are then recorded as
    // changes outside dispatch, still with the right state.
  }

  const immutable = (store as { immutable?: unknown }).immutable
  return {
    getState: () => slicesOf(store.getState()),
    dispatch,
    bus,
    dispose: () => (store as { dispose?: () => unknown }).dispose?.(),
    ...(typeof immutable === 'boolean' ? { immutable } : {})
  }
}

function toCause(action: unknown): Action {
  if (typeof action === 'function') return { type: `thunk ${action.name || '(anonymous)'}` }
  if (typeof action === 'object' && action !== null && typeof (action as { type?: unknown }).type === 'string') return action as Action
  return { type: String(action) }
}
