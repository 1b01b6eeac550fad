/**
 * Driving an adapted library through a real host: the example modules under examples/adapters/,
 * the entries recorded since the runtime loaded, and the state the history ends at.
 */
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'
import type { Host } from '../../../../src/host/host'
import { encode } from '../../../../src/host/recorder/encode'
import type { HistoryEvent, Json, Slices, StateUpdateEvent } from '../../../../src/shared/protocol'
import type { TestHost } from '../../../helpers/host'

/** The absolute path of an example module under examples/adapters/. */
export function example(name: string): string {
  return fileURLToPath(new URL(`../../../../examples/adapters/${name}`, import.meta.url))
}

/** Listens on a bus with a typed listener (a bus hands its listeners `unknown`). */
export function listen<T>(
  bus: { on(event: string, listener: (payload: unknown) => void): unknown },
  event: string,
  listener: (e: T) => void
): void {
  bus.on(event, (payload) => listener(payload as T))
}

/** Imports an example module (the examples are not part of the TypeScript project). */
export async function importExample<T>(name: string): Promise<T> {
  return ((await import(/* @vite-ignore */ example(name))) as { default: T }).default
}

/** The absolute path of a module under this folder's fixtures/. */
export function adapterFixture(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))
}

/** Every entry after the base, in order. */
export function recorded(host: Host): HistoryEvent[] {
  const out: HistoryEvent[] = []
  for (let seq = host.history.baseSeq + 1; seq <= host.history.lastSeq; seq++) out.push(host.history.event(seq))
  return out
}

/** The state updates after the base, as `slice ← cause type`. */
export function causes(host: Host): string[] {
  return recorded(host)
    .filter((e): e is StateUpdateEvent => e.type === 'state.update')
    .map((e) => `${e.slice} ← ${e.cause.type}`)
}

/** The statuses after the base, as `execution[/turn] status`. */
export function statuses(host: Host): string[] {
  return recorded(host).flatMap((e) =>
    e.type === 'execution.status'
      ? [`${e.executionId}${e.turnId !== undefined ? `/${e.turnId}` : ''} ${e.status}${e.error !== undefined ? `: ${e.error}` : ''}`]
      : []
  )
}

/** The state the history ends at. */
export function lastState(host: Host): Slices {
  return host.history.stateAt(host.history.lastSeq)
}

/** A library's own state as the history must hold it: its data keys, encoded as recorded values are. */
export function encoded(state: Record<string, unknown>): Record<string, Json> {
  const out: Record<string, Json> = {}
  for (const [key, value] of Object.entries(state)) if (typeof value !== 'function') out[key] = encode(value)
  return out
}

/** Dispatches each action through `POST /actions`, each answered 200. */
export async function dispatchAll(h: TestHost, actions: unknown[]): Promise<void> {
  for (const action of actions) {
    const res = await h.dispatch(action)
    expect(res.status, JSON.stringify(res.body)).toBe(200)
  }
}

/** The history's end, `GET /state` (the runtime's own, live) and the library's state run apart all agree. */
export async function expectMirrors(h: TestHost, library: Record<string, unknown>): Promise<void> {
  const own = encoded(library)
  expect(lastState(h.host)).toEqual(own)
  expect(await h.state()).toEqual(own)
}
