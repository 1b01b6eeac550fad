import { observable, runInAction } from 'mobx'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { adaptMobx } from '../../../../src/host/loader/adapters/mobx'
import { loadRuntime } from '../../../../src/host/loader/load'
import { startTestHost, type TestHost } from '../../../helpers/host'
import { adapterFixture, importExample, listen, causes, dispatchAll, example, expectMirrors } from './helpers'

const ctx = { modulePath: adapterFixture('mobx-array.mjs'), signal: new AbortController().signal }

describe('a MobX store exported as it is (examples/adapters/mobx.ts)', () => {
  let h: TestHost
  beforeAll(async () => {
    h = await startTestHost({ runtime: example('mobx.ts') })
    expect(h.loadError).toBeUndefined()
  })
  afterAll(() => h.close())

  test('records changes made in place exactly, each caused by the action dispatched', async () => {
    expect(await h.state()).toEqual({ items: [], filter: 'all' })
    await dispatchAll(h, [
      { type: 'add', payload: 'milk' },
      { type: 'add', payload: 'bread' },
      { type: 'toggle', payload: 1 }
    ])
    const store = await importExample<{ add(text: string): void; toggle(index: number): void }>('mobx.ts')
    store.add('milk')
    store.add('bread')
    store.toggle(1)
    await expectMirrors(h, { ...store })
    expect(causes(h.host)).toEqual(['items ← add', 'items ← add', 'items ← toggle'])
    // Compared in full after each action, never found later by verification.
    expect(h.host.history.event(h.host.history.lastSeq)).toMatchObject({ patches: [{ op: 'replace', path: '/1/done', value: true }] })
  })

  test('a dispatch of a name the object has no method for is refused, naming its methods', async () => {
    const res = await h.dispatch({ type: 'clear' })
    expect(res.status).toBe(500)
    expect(res.body.error?.message).toMatch(/The MobX object has no function "clear" to call; its functions: add, toggle/)
  })
})

describe('MobX causes', () => {
  test("the program's own actions are causes by their MobX names with their arguments; a change outside any action by what it set", async () => {
    const todos = observable({
      items: [] as string[],
      title: 'list',
      add(text: string) {
        this.items.push(text)
      }
    })
    const runtime = await adaptMobx(todos, ctx)
    const seen: string[] = []
    listen(runtime.bus, 'dispatched', (a: { type: string; payload?: unknown }) =>
      seen.push(`${a.type}${a.payload !== undefined ? ` ${JSON.stringify(a.payload)}` : ''}`)
    )
    todos.add('milk')
    runInAction(() => todos.items.push('eggs'))
    todos.title = 'groceries'
    expect(seen).toEqual([
      expect.stringMatching(/^ObservableObject@\d+\.add "milk"$/),
      '<unnamed action>',
      expect.stringMatching(/^set ObservableObject@\d+\.title$/)
    ])
    expect(runtime.getState()).toEqual({ items: ['milk', 'eggs'], title: 'groceries' })
    expect(runtime.immutable).toBe(false)
    runtime.dispose?.()
  })

  test('an observable array exported alone is named, with what to export instead', async () => {
    await expect(loadRuntime(adapterFixture('mobx-array.mjs'), new AbortController().signal)).rejects.toThrow(
      /it is a MobX observable array: export an observable object that holds it/
    )
  })
})
