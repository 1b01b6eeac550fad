/**
 * Turns a Redux-style store into a bus runtime: after each action, `state-changed` for every
 * top-level key that holds another value than before (a new object, as Redux asks of a change),
 * with that action as the cause, and `DISPATCHED`. A key that kept its object is taken as
 * unchanged; the recorder verifies that once the store is idle, so a reducer that mutates in place
 * is still recorded exactly, and shown as such.
 *
 * Causes are what a user dispatched and recognises:
 * - a function dispatched to the store (a thunk, with redux-thunk or Redux Toolkit's middleware)
 *   is handed the store's `dispatch` wrapped, so each change it makes, then or after an `await`,
 *   is caused by the plain action it dispatched; a change a thunk makes without it (a `dispatch`
 *   kept from before the store was adapted) is caused by `thunk <its name>`;
 * - a change the store reports outside any dispatch Patchscope saw (a timer or a subscription
 *   changing the state by other means) is caused by what the store handed its listeners, when
 *   that is an action (`{ type: string }`, as Vuex's `subscribe` hands its mutation), else by
 *   `OUTSIDE_DISPATCH`.
 */
import { EventEmitter } from 'node:events'
import type { Action } from '../../shared/protocol'
import type { BusRuntime, Store } from './contract'

/** The bus event after each dispatch the store reported, changed or not: the recorder verifies once idle. */
export const DISPATCHED = 'dispatched'

/**
 * The bus event of a dispatch whose changes alone cannot say what it did (`DispatchOutcome`): the
 * worker records it as a `dispatch` note (src/shared/notes.ts).
 */
export const DISPATCH_OUTCOME = 'dispatch-outcome'

/**
 * What one dispatch did, when its changes cannot say it: a plain action that reported no change, a
 * dispatch (of an action or a function) that threw or whose promise rejected, and `changed` for a
 * plain action that changed something when the next one has the same type, so that the two are told
 * apart (emitted as that next one starts, before its changes).
 */
export interface DispatchOutcome {
  /** The dispatch's cause: the action itself, or `thunk <name>` for a function. */
  action: Action
  outcome: 'no change' | 'threw' | 'rejected' | 'changed'
  /** What it threw or rejected with. */
  error?: unknown
}

/**
 * The cause of a change the store reported outside any dispatch Patchscope saw, naming no action
 * (a timer or a subscription that changed the state by other means).
 */
export const OUTSIDE_DISPATCH: Action = { type: '(outside a dispatch)' }

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
  /** The cause of the dispatch running now, innermost; undefined outside any. */
  let current: Action | undefined
  // A copy of the keys: a reducer may change the root object itself in place.
  let last = { ...slicesOf(store.getState()) }
  /** Changes reported so far: a dispatch that reported none changed nothing the store shows. */
  let changes = 0
  /** The last plain action whose dispatch changed something, until another dispatch starts. */
  let lastChanged: Action | undefined

  const report = (cause: Action): void => {
    const next = slicesOf(store.getState())
    for (const slice of Object.keys(next)) {
      const before = Object.hasOwn(last, slice) ? last[slice] : undefined
      if (!Object.hasOwn(last, slice) || before !== next[slice]) {
        changes++
        bus.emit('state-changed', { slice, before, after: next[slice], causingAction: cause })
      }
    }
    for (const slice of Object.keys(last)) {
      if (!Object.hasOwn(next, slice)) {
        changes++
        bus.emit('state-changed', { slice, before: last[slice], after: undefined, causingAction: cause })
      }
    }
    last = { ...next }
  }

  const outcome = (action: Action, what: DispatchOutcome['outcome'], error?: unknown): void => {
    bus.emit(DISPATCH_OUTCOME, {
      action,
      outcome: what,
      ...(what === 'threw' || what === 'rejected' ? { error } : {})
    } satisfies DispatchOutcome)
  }

  /**
   * A promise a dispatch returned: its rejection is noted (which handles it: the runtime's own
   * unhandled rejection is then this note, not a runtime error).
   */
  const watch = (cause: Action, result: unknown): void => {
    if (typeof result !== 'object' || result === null || typeof (result as { then?: unknown }).then !== 'function') return
    void Promise.resolve(result as PromiseLike<unknown>).then(undefined, (e: unknown) => outcome(cause, 'rejected', e))
  }

  /**
   * Dispatches `action` with `send` (the store's dispatch, or the one a middleware handed a thunk),
   * as the cause of what changes meanwhile. `DISPATCHED` follows each plain action (the recorder
   * then compares the slices it compares in full, with that action as the cause) and the outermost
   * dispatch of a function, not the same action again when a dispatch passes it on to another.
   */
  const dispatchWith = (send: (...args: unknown[]) => unknown, action: unknown, args: readonly unknown[]): unknown => {
    const outer = current
    const cause = toCause(action)
    const plain = typeof action !== 'function'
    // The same type again right after a dispatch that changed something: its end is marked, or the
    // two dispatches' changes would read as one's.
    if (plain && lastChanged !== undefined && lastChanged.type === cause.type) outcome(lastChanged, 'changed')
    lastChanged = undefined
    const before = changes
    current = cause
    let failed: { error: unknown } | undefined
    try {
      const result = send(plain ? action : handingDispatch(action as (...args: unknown[]) => unknown), ...args)
      watch(cause, result)
      return result
    } catch (e) {
      failed = { error: e }
      throw e
    } finally {
      current = outer
      // Whatever the store's own listener has not reported yet (it runs inside the dispatch).
      report(cause)
      if (cause !== outer && (outer === undefined || plain)) bus.emit(DISPATCHED, cause)
      if (failed !== undefined) outcome(cause, 'threw', failed.error)
      else if (plain && changes === before) outcome(cause, 'no change')
      else if (plain) lastChanged = cause
    }
  }

  /**
   * A dispatched function that hands on, in place of the `dispatch` it is given (redux-thunk's
   * first argument), one whose actions are causes: its changes are named by the actions it
   * dispatches, now or after an `await`.
   */
  const handingDispatch = (fn: (...args: unknown[]) => unknown): ((...args: unknown[]) => unknown) => {
    const wrapped = function (this: unknown, first: unknown, ...rest: unknown[]): unknown {
      if (typeof first !== 'function') return fn.call(this, first, ...rest)
      const send = first as (...args: unknown[]) => unknown
      return fn.call(this, (action: unknown, ...args: unknown[]) => dispatchWith(send, action, args), ...rest)
    }
    // Middleware that shows or checks the function's name sees the runtime's own.
    Object.defineProperty(wrapped, 'name', { value: fn.name })
    return wrapped
  }

  const dispatch = (action: unknown, ...args: unknown[]): unknown => dispatchWith(original, action, args)

  store.subscribe((...reported: unknown[]) => {
    if (current !== undefined) return report(current)
    // Outside any dispatch Patchscope saw: a change of its own, compared like a dispatch's.
    const cause = actionAmong(reported, store.getState()) ?? OUTSIDE_DISPATCH
    report(cause)
    bus.emit(DISPATCHED, cause)
  })
  try {
    ;(store as { dispatch: unknown }).dispatch = dispatch
  } catch {
    // A frozen store keeps its own dispatch: its self-dispatched actions are then recorded as
    // changes outside a dispatch, still with the right state.
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

/**
 * The action a store handed its listeners, if it did (Vuex hands its mutation, some stores the
 * action), never the state itself (which may have a `type` key of its own).
 */
function actionAmong(args: readonly unknown[], state: unknown): Action | undefined {
  for (const arg of args) {
    if (arg !== state && typeof arg === 'object' && arg !== null && typeof (arg as { type?: unknown }).type === 'string')
      return arg as Action
  }
  return undefined
}

function toCause(action: unknown): Action {
  if (typeof action === 'function') return { type: `thunk ${action.name || '(anonymous)'}` }
  if (typeof action === 'object' && action !== null && typeof (action as { type?: unknown }).type === 'string') return action as Action
  return { type: String(action) }
}
