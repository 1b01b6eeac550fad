/**
 * Zustand stores: the vanilla `createStore` API and the hook `create` returns (a function that
 * carries the same `getState`/`setState`/`subscribe`). Each top-level key that does not hold a
 * function is a slice. The cause of a change is, in this order:
 * - the action the window dispatched (`{ type: NAME, payload }` calls the store's function NAME);
 * - the store's function that made it, named by its key, its arguments as the payload (each
 *   function in the state is wrapped when the store is loaded, so this holds after an `await`);
 * - the name given to `setState(partial, replace, name)` on the store (a string, or an action
 *   `{ type }`, as Zustand's devtools middleware names them);
 * - `setState`.
 * A store that also has `dispatch` (Zustand's `redux` middleware) is a Redux-style store instead.
 */
import { EventEmitter } from 'node:events'
import type { Action } from '../../../shared/protocol'
import type { BusRuntime } from '../contract'
import { afterSettled, argumentsOf, CauseScope, dataOf, emitDispatched, isObjectLike, payloadOf, SliceReporter } from './shared'

/** The part of a Zustand store the adapter uses. */
export interface ZustandApi {
  getState(): unknown
  setState(partial: unknown, replace?: boolean, name?: unknown): unknown
  subscribe(listener: (state: unknown, previous: unknown) => void): unknown
}

/** The cause of a change no function and no name explains. */
export const SET_STATE: Action = { type: 'setState' }

export function isZustand(v: unknown): v is ZustandApi {
  return isObjectLike(v) && typeof v.getState === 'function' && typeof v.setState === 'function' && typeof v.subscribe === 'function'
}

/** What a value that is almost a Zustand store lacks. */
export function almostZustand(v: unknown): string | undefined {
  if (!isObjectLike(v) || typeof v.setState !== 'function' || typeof v.getState !== 'function') return undefined
  return 'it looks like a Zustand store (getState and setState) but has no subscribe(listener)'
}

export function adaptZustand(store: ZustandApi): BusRuntime {
  const bus = new EventEmitter()
  const scope = new CauseScope()
  const wrappers = new WeakSet<object>()
  const originalSet = store.setState.bind(store)

  /** A store function whose changes are caused by its own call (unless a dispatch already is). */
  const wrap = (name: string, fn: (...args: unknown[]) => unknown): ((...args: unknown[]) => unknown) => {
    const wrapped = function (this: unknown, ...args: unknown[]): unknown {
      if (scope.current !== undefined) return fn.apply(this, args)
      const cause: Action = { type: name, ...(args.length > 0 ? { payload: payloadOf(args) } : {}) }
      return scope.run(cause, () => afterSettled(fn.apply(this, args), () => emitDispatched(bus, cause)))
    }
    Object.defineProperty(wrapped, 'name', { value: fn.name })
    wrappers.add(wrapped)
    return wrapped
  }
  const state = store.getState()
  if (isObjectLike(state)) {
    const partial: Record<string, unknown> = {}
    for (const key of Object.keys(state)) {
      const value = state[key]
      if (typeof value === 'function' && !wrappers.has(value)) partial[key] = wrap(key, value as (...args: unknown[]) => unknown)
    }
    if (Object.keys(partial).length > 0) originalSet(partial)
  }

  try {
    store.setState = (partial: unknown, replace?: boolean, name?: unknown) =>
      scope.run(nameAsCause(name) ?? SET_STATE, () => originalSet(partial, replace, name))
  } catch {
    // A frozen store keeps its own setState: its changes are then caused by `setState`.
  }

  const reporter = new SliceReporter(bus, dataOf(store.getState()))
  store.subscribe((next) => reporter.report(dataOf(next), scope.current ?? SET_STATE))

  return {
    getState: () => dataOf(store.getState()),
    dispatch(action) {
      return scope.run(action, () => {
        const state = store.getState()
        const fn = isObjectLike(state) ? state[action.type] : undefined
        if (typeof fn !== 'function') {
          const names = isObjectLike(state) ? Object.keys(state).filter((k) => typeof state[k] === 'function') : []
          throw new Error(
            `The Zustand store has no function "${action.type}" to call; ${names.length === 0 ? 'its state holds no functions' : `its functions: ${names.join(', ')}`}`
          )
        }
        return afterSettled((fn as (...args: unknown[]) => unknown)(...argumentsOf(action.payload)), () => emitDispatched(bus, action))
      })
    },
    bus
  }
}

/** A name given to `setState`: a string, or an action with a string `type`. */
function nameAsCause(name: unknown): Action | undefined {
  if (typeof name === 'string') return { type: name }
  if (isObjectLike(name) && typeof name.type === 'string') return name as unknown as Action
  return undefined
}
