import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { assign, createActor, createMachine, fromPromise } from 'xstate'
import { adaptXState } from '../../../../src/host/loader/adapters/xstate'
import { loadRuntime } from '../../../../src/host/loader/load'
import { startTestHost, type TestHost } from '../../../helpers/host'
import { adapterFixture, importExample, listen, causes, dispatchAll, example, expectMirrors, recorded } from './helpers'

describe('an XState machine exported as it is (examples/adapters/xstate.ts)', () => {
  let h: TestHost
  beforeAll(async () => {
    h = await startTestHost({ runtime: example('xstate.ts') })
    expect(h.loadError).toBeUndefined()
  })
  afterAll(() => h.close())

  test('is started as an actor: value, context and status are its slices', async () => {
    expect(await h.state()).toEqual({ value: 'green', context: { cycles: 0 }, status: 'active' })
  })

  test('records a scripted run exactly as the actor itself ends, each change caused by the event sent', async () => {
    await dispatchAll(h, [{ type: 'NEXT' }, { type: 'NEXT', note: 'slow down' }, { type: 'NEXT' }, { type: 'NEXT' }])
    const machine = await importExample<Parameters<typeof createActor>[0]>('xstate.ts')
    const actor = createActor(machine).start()
    for (const event of [{ type: 'NEXT' }, { type: 'NEXT' }, { type: 'NEXT' }, { type: 'NEXT' }] as const) actor.send(event)
    const own = actor.getSnapshot()
    await expectMirrors(h, { value: own.value, context: own.context, status: own.status })
    expect(causes(h.host)).toEqual(['value ← NEXT', 'value ← NEXT', 'value ← NEXT', 'context ← NEXT', 'value ← NEXT'])
    // An event's other properties are its payload.
    const second = recorded(h.host).filter((e) => e.type === 'state.update')[1]
    expect(second).toMatchObject({ type: 'state.update', cause: { type: 'NEXT', payload: { note: 'slow down' } } })
  })
})

/** An XState actor as the adapter takes it (its own types are richer than the shape it reads). */
const asActor = (actor: unknown): Parameters<typeof adaptXState>[0] => actor as Parameters<typeof adaptXState>[0]

describe('XState actors: lifecycle, errors and children', () => {
  test('an actor that ends, fails or is stopped is an execution that completes, fails with its error or is cancelled', () => {
    const machine = createMachine({
      id: 'job',
      initial: 'idle',
      states: {
        idle: {
          on: {
            FINISH: 'done',
            BREAK: {
              actions: () => {
                throw new Error('the part broke')
              }
            }
          }
        },
        done: { type: 'final' }
      }
    })
    const events: string[] = []
    for (const [send, expected] of [
      ['FINISH', ['job completed']],
      ['BREAK', ['job failed: Error: the part broke']]
    ] as const) {
      const runtime = adaptXState(asActor(createActor(machine)))
      events.length = 0
      listen(runtime.bus, 'execution-lifecycle', (e: { executionId: string; status: string; error?: { message: string } }) =>
        events.push(`${e.executionId} ${e.status}${e.error ? `: ${e.error.message}` : ''}`)
      )
      runtime.dispatch({ type: send })
      expect(events).toEqual(expected)
      expect(runtime.getState()).toMatchObject({ status: send === 'FINISH' ? 'done' : 'error' })
      expect(() => runtime.dispatch({ type: 'FINISH' })).toThrow(/The XState actor job is (done|error): it takes no more events/)
    }
    const stopped = adaptXState(asActor(createActor(machine)))
    events.length = 0
    listen(stopped.bus, 'execution-lifecycle', (e: { executionId: string; status: string }) => events.push(`${e.executionId} ${e.status}`))
    stopped.dispose?.()
    expect(events).toEqual(['job cancelled'])
  })

  test('a spawned child is an entry of `children` and an execution of its own', async () => {
    const machine = createMachine({
      id: 'parent',
      initial: 'waiting',
      context: {},
      states: {
        waiting: { on: { GO: 'working' } },
        working: {
          entry: assign({
            job: ({ spawn }) =>
              spawn(
                fromPromise(async () => 42),
                { id: 'fetcher' }
              )
          })
        }
      }
    })
    const runtime = adaptXState(asActor(createActor(machine)))
    const events: string[] = []
    listen(runtime.bus, 'execution-lifecycle', (e: { executionId: string; status: string }) => events.push(`${e.executionId} ${e.status}`))
    runtime.dispatch({ type: 'GO' })
    await new Promise((r) => setImmediate(r))
    expect(runtime.getState()).toMatchObject({ value: 'working', children: { fetcher: { status: 'done', output: 42 } } })
    expect(events).toEqual(['fetcher started', 'fetcher completed'])
    runtime.dispose?.()
  })
})

describe('loading XState shapes', () => {
  test('an actor exported already started is adapted as it runs', async () => {
    const runtime = await loadRuntime(adapterFixture('xstate-actor.mjs'), new AbortController().signal)
    expect(runtime.getState()).toEqual({ value: 'on', context: { flips: 1 }, status: 'active' })
    runtime.dispatch({ type: 'FLIP' })
    expect(runtime.getState()).toEqual({ value: 'off', context: { flips: 2 }, status: 'active' })
    await runtime.dispose?.()
  })

  test('something that looks like an actor but cannot be watched is named with what it lacks', async () => {
    await expect(loadRuntime(adapterFixture('xstate-almost.mjs'), new AbortController().signal)).rejects.toThrow(
      /looks like an XState actor \(send and getSnapshot\) but has no subscribe, no start, no system\.inspect/
    )
  })
})
