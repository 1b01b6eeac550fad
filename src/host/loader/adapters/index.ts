/**
 * Adapters, chosen by the shape of a module's export (or of what its factory returns), each
 * giving a bus runtime. Tried in this order, after the loader's own bus runtime and Redux-style
 * store: an XState actor, an XState machine (or other actor logic), a LangGraph compiled graph,
 * a Zustand store, a MobX observable object, a Valtio proxy. A value that is almost one of them
 * is named with what it lacks (`whyAlmost`).
 */
import type { BusRuntime } from '../contract'
import { adaptLangGraph, almostLangGraph, isLangGraph } from './langgraph'
import { adaptMobx, almostMobx, isMobx } from './mobx'
import type { AdapterContext } from './shared'
import { adaptValtio, valtioOf } from './valtio'
import { actorOf, adaptXState, almostXState, isXStateActor, isXStateLogic } from './xstate'
import { adaptZustand, almostZustand, isZustand } from './zustand'

export type { AdapterContext } from './shared'

/** The library a value is recognised as, by its shape alone (Valtio needs its library: see `adapt`). */
export function shapeOf(v: unknown): 'xstate-actor' | 'xstate-logic' | 'langgraph' | 'zustand' | 'mobx' | undefined {
  if (isXStateActor(v)) return 'xstate-actor'
  if (isXStateLogic(v)) return 'xstate-logic'
  if (isLangGraph(v)) return 'langgraph'
  if (isZustand(v)) return 'zustand'
  if (isMobx(v)) return 'mobx'
  return undefined
}

/**
 * The value as a bus runtime, when an adapter recognises it; undefined when none does.
 * @throws {Error} when one recognises it and cannot adapt it (its library cannot be resolved)
 */
export async function adapt(v: unknown, ctx: AdapterContext): Promise<BusRuntime | undefined> {
  switch (shapeOf(v)) {
    case 'xstate-actor':
      return adaptXState(v as Parameters<typeof adaptXState>[0])
    case 'xstate-logic':
      return adaptXState(await actorOf(v, ctx))
    case 'langgraph':
      return adaptLangGraph(v as Parameters<typeof adaptLangGraph>[0], ctx)
    case 'zustand':
      return adaptZustand(v as Parameters<typeof adaptZustand>[0])
    case 'mobx':
      return adaptMobx(v as object, ctx)
    case undefined: {
      const valtio = await valtioOf(v, ctx)
      return valtio === undefined ? undefined : adaptValtio(v as object, valtio)
    }
  }
}

/** What a value that is almost one of the adapted kinds lacks, or undefined. */
export function whyAlmost(v: unknown): string | undefined {
  return almostXState(v) ?? almostLangGraph(v) ?? almostZustand(v) ?? almostMobx(v)
}

/** The kinds the adapters take, for an error that lists what a module may export. */
export const ADAPTED_KINDS =
  'a Zustand store, an XState machine or actor, a LangGraph compiled graph, a MobX observable object or a Valtio proxy'
