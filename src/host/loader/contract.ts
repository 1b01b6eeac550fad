/**
 * The runtime module contract (DESIGN.md): what a loaded module must give, and the narrowing
 * functions that check it at the boundary.
 */
import type { Action } from '../../shared/protocol'

/** The part of an EventEmitter the host uses. */
export interface BusLike {
  on(event: string, listener: (payload: unknown) => void): unknown
  off?(event: string, listener: (payload: unknown) => void): unknown
  removeListener?(event: string, listener: (payload: unknown) => void): unknown
}

/** A runtime that reports its own changes on a bus. */
export interface BusRuntime {
  getState(): unknown
  dispatch(action: Action): unknown
  bus: BusLike
  slices?: string[]
  /**
   * How the recorder compares the state. Unset (most runtimes): it trusts unchanged references and
   * verifies them when the runtime is idle, finding what was changed in place. `true`: the runtime
   * promises never to change its state in place, so references are trusted and never verified (a
   * runtime that breaks the promise is recorded wrongly). `false`: every change is compared in full.
   */
  immutable?: boolean
  dispose?(): unknown
}

/** A Redux-style store: Redux, Redux Toolkit and alike. */
export interface Store {
  getState(): unknown
  dispatch(action: unknown): unknown
  subscribe(listener: () => void): unknown
}

/** What a module's export may be: a handle or a factory of one. */
export type Factory = (ctx: { signal: AbortSignal }) => unknown

function isRecord(v: unknown): v is Record<string, unknown> {
  return (typeof v === 'object' || typeof v === 'function') && v !== null
}

/** True for a bus runtime handle. */
export function isBusRuntime(v: unknown): v is BusRuntime {
  return (
    isRecord(v) && typeof v.getState === 'function' && typeof v.dispatch === 'function' && isRecord(v.bus) && typeof v.bus.on === 'function'
  )
}

/** True for a store handle. */
export function isStore(v: unknown): v is Store {
  return isRecord(v) && typeof v.getState === 'function' && typeof v.dispatch === 'function' && typeof v.subscribe === 'function'
}

/** A short description of a value for an error message: "a number", "an object with keys a, b". */
export function describe(v: unknown): string {
  if (v === null) return 'null'
  if (v === undefined) return 'undefined'
  if (typeof v === 'function') return `a function${v.name ? ` (${v.name})` : ''}`
  if (Array.isArray(v)) return 'an array'
  if (typeof v === 'object') {
    const keys = Object.keys(v)
    return keys.length === 0 ? 'an empty object' : `an object with keys ${keys.slice(0, 8).join(', ')}${keys.length > 8 ? ', …' : ''}`
  }
  return `a ${typeof v}`
}

/** Why a handle is not one: names what is missing, or undefined when it is a handle. */
export function whyNotHandle(v: unknown): string | undefined {
  if (isBusRuntime(v) || isStore(v)) {
    const immutable = (v as { immutable?: unknown }).immutable
    if (immutable !== undefined && typeof immutable !== 'boolean') return '`immutable` must be true or false'
    if (isBusRuntime(v) && v.slices !== undefined) {
      if (!Array.isArray(v.slices) || v.slices.some((s) => typeof s !== 'string')) return '`slices` must be an array of strings'
    }
    return undefined
  }
  if (!isRecord(v)) return `it is ${describe(v)}`
  const missing: string[] = []
  if (typeof v.getState !== 'function') missing.push('getState()')
  if (typeof v.dispatch !== 'function') missing.push('dispatch(action)')
  if (!(isRecord(v.bus) && typeof v.bus.on === 'function') && typeof v.subscribe !== 'function') {
    missing.push(isRecord(v.bus) ? 'bus.on() (the bus is not an EventEmitter)' : 'bus (an EventEmitter) or subscribe(listener)')
  }
  return `it has no ${missing.join(', no ')}`
}
