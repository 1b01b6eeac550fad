import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { proxy, snapshot } from 'valtio/vanilla'
import { adaptValtio, valtioOf } from '../../../../src/host/loader/adapters/valtio'
import { startTestHost, type TestHost } from '../../../helpers/host'
import { adapterFixture, importExample, listen, causes, dispatchAll, example, expectMirrors } from './helpers'

const ctx = { modulePath: adapterFixture('mobx-array.mjs'), signal: new AbortController().signal }

describe('a Valtio proxy exported as it is (examples/adapters/valtio.ts)', () => {
  let h: TestHost
  beforeAll(async () => {
    h = await startTestHost({ runtime: example('valtio.ts') })
    expect(h.loadError).toBeUndefined()
  })
  afterAll(() => h.close())

  test('records changes made in place exactly, each caused by the method dispatched', async () => {
    expect(await h.state()).toEqual({ todos: [], filter: 'all' })
    await dispatchAll(h, [
      { type: 'add', payload: 'milk' },
      { type: 'add', payload: 'bread' },
      { type: 'toggle', payload: 0 }
    ])
    const state = await importExample<{ add(text: string): void; toggle(index: number): void }>('valtio.ts')
    state.add('milk')
    state.add('bread')
    state.toggle(0)
    await expectMirrors(h, { ...snapshot(state) })
    expect(causes(h.host)).toEqual(['todos ← add', 'todos ← add', 'todos ← toggle'])
    expect(h.host.history.event(h.host.history.lastSeq)).toMatchObject({ patches: [{ op: 'replace', path: '/0/done', value: true }] })
  })

  test('a dispatch of a name the proxy has no method for is refused, naming its methods', async () => {
    const res = await h.dispatch({ type: 'clear' })
    expect(res.status).toBe(500)
    expect(res.body.error?.message).toMatch(/The Valtio proxy has no function "clear" to call; its functions: add, toggle/)
  })
})

describe('Valtio causes', () => {
  test("a change made outside a dispatch is caused by Valtio's op; a method dispatched is the cause after an await too", async () => {
    const state = proxy({
      user: { name: 'ada', tags: ['x'] as string[] },
      draft: 'hi' as string | undefined,
      async rename(name: string) {
        await new Promise((r) => setImmediate(r))
        this.user.name = name
      }
    })
    const valtio = await valtioOf(state, ctx)
    expect(valtio).toBeDefined()
    const runtime = adaptValtio(state, valtio!)
    const seen: string[] = []
    listen(runtime.bus, 'state-changed', (e: { slice: string; causingAction: { type: string; payload?: unknown } }) =>
      seen.push(
        `${e.slice} ← ${e.causingAction.type}${e.causingAction.payload !== undefined ? ` ${JSON.stringify(e.causingAction.payload)}` : ''}`
      )
    )
    state.user.tags.push('y')
    delete state.draft
    await runtime.dispatch({ type: 'rename', payload: 'grace' })
    expect(seen).toEqual(['user ← set /user/tags/1 "y"', 'draft ← delete /draft', 'user ← rename "grace"'])
    expect(runtime.getState()).toEqual({ user: { name: 'grace', tags: ['x', 'y'] } })
    runtime.dispose?.()
  })

  test('an object that is no Valtio proxy is not taken for one', async () => {
    expect(await valtioOf({ a: 1 }, ctx)).toBeUndefined()
  })
})
