import { EventEmitter } from 'node:events'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createStore, type StoreApi } from 'zustand/vanilla'
import { adaptZustand } from '../../../../src/host/loader/adapters/zustand'
import { loadRuntime } from '../../../../src/host/loader/load'
import { startTestHost, type TestHost } from '../../../helpers/host'
import { adapterFixture, importExample, listen, causes, dispatchAll, example, expectMirrors } from './helpers'

describe('a Zustand store exported as it is (examples/adapters/zustand.ts)', () => {
  let h: TestHost
  beforeAll(async () => {
    h = await startTestHost({ runtime: example('zustand.ts') })
    expect(h.loadError).toBeUndefined()
  })
  afterAll(() => h.close())

  test('loads with each data key a slice and no function recorded', async () => {
    expect(await h.state()).toEqual({ count: 0, todos: [] })
  })

  test('records a scripted run exactly as the store itself ends, each change caused by the function dispatched', async () => {
    await dispatchAll(h, [
      { type: 'inc' },
      { type: 'add', payload: 'milk' },
      { type: 'inc', payload: 5 },
      { type: 'add', payload: ['bread'] }
    ])
    // The same calls on the library, apart from the host.
    const store = await importExample<StoreApi<{ inc(by?: number): void; add(text: string): void }>>('zustand.ts')
    store.getState().inc()
    store.getState().add('milk')
    store.getState().inc(5)
    store.getState().add('bread')
    await expectMirrors(h, store.getState())
    expect(causes(h.host)).toEqual(['count ← inc', 'todos ← add', 'count ← inc', 'todos ← add'])
  })

  test('a dispatch of a name the store has no function for is refused, naming its functions', async () => {
    const res = await h.dispatch({ type: 'remove', payload: 0 })
    expect(res.status).toBe(500)
    expect(res.body.error?.message).toMatch(/no function "remove" to call; its functions: inc, add/)
  })
})

describe('the causes of a Zustand store', () => {
  function watched(store: Parameters<typeof adaptZustand>[0]): { changes: string[]; runtime: ReturnType<typeof adaptZustand> } {
    const runtime = adaptZustand(store)
    const changes: string[] = []
    listen(runtime.bus, 'state-changed', (e: { slice: string; causingAction: { type: string; payload?: unknown } }) =>
      changes.push(
        `${e.slice} ← ${e.causingAction.type}${e.causingAction.payload !== undefined ? ` ${JSON.stringify(e.causingAction.payload)}` : ''}`
      )
    )
    return { changes, runtime }
  }

  test("names setState's changes by the name given to it (a string or an action), else setState", () => {
    const store = createStore<{ n: number }>()(() => ({ n: 0 }))
    const { changes } = watched(store)
    // As Zustand's devtools middleware types it: a name as the third argument.
    const named = store.setState as (partial: unknown, replace: boolean, name: unknown) => void
    named({ n: 1 }, false, 'counter/set')
    named({ n: 2 }, false, { type: 'counter/bump', by: 1 })
    store.setState({ n: 3 })
    expect(changes).toEqual(['n ← counter/set', 'n ← counter/bump', 'n ← setState'])
  })

  test('a store function called by the program itself is the cause, with its arguments, after an await too', async () => {
    const store = createStore<{ items: string[]; later(a: string, b: string): Promise<void> }>()((set) => ({
      items: [],
      async later(a, b) {
        await new Promise((r) => setImmediate(r))
        set((s) => ({ items: [...s.items, a, b] }))
      }
    }))
    const { changes } = watched(store)
    await store.getState().later('x', 'y')
    expect(changes).toEqual(['items ← later ["x","y"]'])
    expect(store.getState().items).toEqual(['x', 'y'])
  })

  test('a dispatched action is the cause of the functions it calls, and its array payload is the arguments', async () => {
    const store = createStore<{ sum: number; add(a: number, b: number): void }>()((set) => ({
      sum: 0,
      add: (a, b) => set((s) => ({ sum: s.sum + a + b }))
    }))
    const { changes, runtime } = watched(store)
    const dispatched: unknown[] = []
    listen(runtime.bus, 'dispatched', (a) => dispatched.push(a))
    const action = { type: 'add', payload: [2, 3] }
    runtime.dispatch(action)
    expect(store.getState().sum).toBe(5)
    expect(changes).toEqual(['sum ← add [2,3]'])
    expect(dispatched).toEqual([action])
  })

  test('a state that is not an object is one slice `state`', () => {
    const store = createStore<number>()(() => 7)
    const runtime = adaptZustand(store)
    expect(runtime.getState()).toEqual({ state: 7 })
    expect(runtime.bus).toBeInstanceOf(EventEmitter)
  })
})

describe('loading Zustand shapes', () => {
  test('the hook `create` returns (a function carrying the store) is adapted, never called as a factory', async () => {
    const runtime = await loadRuntime(adapterFixture('zustand-hook.mjs'), new AbortController().signal)
    expect(runtime.getState()).toEqual({ bears: 0 })
    await runtime.dispatch({ type: 'grow', payload: 2 })
    expect(runtime.getState()).toEqual({ bears: 2 })
  })

  test('a store without subscribe is named with what it lacks', async () => {
    await expect(loadRuntime(adapterFixture('zustand-almost.mjs'), new AbortController().signal)).rejects.toThrow(
      /looks like a Zustand store \(getState and setState\) but has no subscribe\(listener\)/
    )
  })
})
