/**
 * What every adapter needs: the context it is given, the scope that names the cause of changes
 * made while an action runs (through `await`s too), the top-level reporter that turns a state's
 * keys into `state-changed` events, and calling a function by an action's name.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import type { EventEmitter } from 'node:events'
import type { Action } from '../../../shared/protocol'
import { DISPATCHED, isPlainObject } from '../store-adapter'

/** What an adapter knows besides the value: the module it came from, and the load's signal. */
export interface AdapterContext {
  /** The runtime module's absolute path: the library's functions are taken from the copy it resolves. */
  modulePath: string
  signal: AbortSignal
  /**
   * Imports a package as the module itself imports it, when the loader imported the module in a
   * scope of its own (TypeScript, through tsx's namespaces, which load its packages afresh).
   */
  importer?: (specifier: string) => Promise<unknown>
}

/**
 * The cause of what changes while a function runs, synchronously or after an `await`. The
 * outermost cause wins: a dispatched action stays the cause of the store functions it calls.
 */
export class CauseScope {
  readonly #storage = new AsyncLocalStorage<Action>()

  /** The cause in force here, if any. */
  get current(): Action | undefined {
    return this.#storage.getStore()
  }

  /** Runs `fn` with `cause` as the cause, unless a cause is in force already. */
  run<T>(cause: Action, fn: () => T): T {
    return this.#storage.getStore() === undefined ? this.#storage.run(cause, fn) : fn()
  }
}

/**
 * Emits `state-changed` for every top-level key whose value is another than the last reported
 * (an object kept is compared by the recorder, in full or when it verifies), and for keys gone.
 */
export class SliceReporter {
  #last: Record<string, unknown>

  constructor(
    private readonly bus: EventEmitter,
    initial: Record<string, unknown>
  ) {
    this.#last = { ...initial }
  }

  /** Reports what changed since the last report; `cause` may name one per slice. */
  report(next: Record<string, unknown>, cause: Action | ((slice: string) => Action)): void {
    const last = this.#last
    const causeOf = typeof cause === 'function' ? cause : () => cause
    this.#last = { ...next }
    for (const slice of Object.keys(next)) {
      if (!Object.hasOwn(last, slice) || last[slice] !== next[slice])
        this.bus.emit('state-changed', { slice, before: last[slice], after: next[slice], causingAction: causeOf(slice) })
    }
    for (const slice of Object.keys(last)) {
      if (!Object.hasOwn(next, slice))
        this.bus.emit('state-changed', { slice, before: last[slice], after: undefined, causingAction: causeOf(slice) })
    }
  }
}

/** The data of a state: its keys that do not hold functions; a state that is not an object is one slice `state`. */
export function dataOf(state: unknown): Record<string, unknown> {
  if (!isPlainObject(state)) return { state }
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(state)) if (typeof state[key] !== 'function') out[key] = state[key]
  return out
}

/**
 * The arguments an action's payload stands for: none for no payload, the elements of an array,
 * else the payload as the one argument (one array argument is sent as `[[…]]`).
 */
export function argumentsOf(payload: unknown): unknown[] {
  if (payload === undefined) return []
  return Array.isArray(payload) ? payload : [payload]
}

/** The payload that stands for these arguments, as `argumentsOf` reads it. */
export function payloadOf(args: readonly unknown[]): unknown {
  if (args.length === 0) return undefined
  return args.length === 1 && !Array.isArray(args[0]) ? args[0] : [...args]
}

/** The names of the functions an object has, own and inherited (not Object's), sorted. */
export function functionNames(target: object): string[] {
  const names = new Set<string>()
  for (
    let o: object | null = target;
    o !== null && o !== Object.prototype && o !== Function.prototype;
    o = Object.getPrototypeOf(o) as object | null
  ) {
    for (const key of Object.getOwnPropertyNames(o)) {
      if (key === 'constructor') continue
      const d = Object.getOwnPropertyDescriptor(o, key)
      if (d !== undefined && typeof d.value === 'function') names.add(key)
    }
  }
  return [...names].sort()
}

/**
 * Calls `target[action.type]` with the action's payload as its arguments.
 * @throws {Error} naming the functions there are when `action.type` is not one
 */
export function callByName(target: object, action: Action, what: string): unknown {
  const fn = (target as Record<string, unknown>)[action.type]
  if (typeof fn !== 'function') {
    const names = functionNames(target)
    throw new Error(
      `${what} has no function "${action.type}" to call; ${names.length === 0 ? 'it has no functions' : `its functions: ${names.join(', ')}`}`
    )
  }
  return (fn as (...args: unknown[]) => unknown).apply(target, argumentsOf(action.payload))
}

/** Runs `done` once `result` settles (at once when it is not a promise); gives `result` back. */
export function afterSettled<T>(result: T, done: () => void): T {
  if (typeof result === 'object' && result !== null && typeof (result as { then?: unknown }).then === 'function') {
    return Promise.resolve(result).finally(done) as T
  }
  done()
  return result
}

/** Tells the recorder an action ended: it compares what it compares in full, with that cause. */
export function emitDispatched(bus: EventEmitter, cause: Action): void {
  bus.emit(DISPATCHED, cause)
}

export function isObjectLike(v: unknown): v is Record<PropertyKey, unknown> {
  return (typeof v === 'object' || typeof v === 'function') && v !== null
}
