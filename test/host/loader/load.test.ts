import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Host } from '../../../src/host/host'
import type { HistoryEvent, RuntimeInfo, StateInitialEvent } from '../../../src/shared/protocol'
import { fixture, startTestHost, type TestHost } from '../../helpers/host'
import { Mirror } from '../../helpers/mirror'
import type { Received } from '../../helpers/sse'

let h: TestHost
let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'patchscope-loader-'))
  h = await startTestHost({ runtime: fixture('bus-runtime.mjs') })
  expect(h.loadError).toBeUndefined()
})

afterAll(async () => {
  await h.close()
  await rm(dir, { recursive: true, force: true })
})

async function load(
  body: unknown
): Promise<{ status: number; body: RuntimeInfo & { error?: { message: string }; runtime?: RuntimeInfo } }> {
  const res = await h.fetch('/runtime', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  return { status: res.status, body: (await res.json()) as RuntimeInfo & { error?: { message: string }; runtime?: RuntimeInfo } }
}

describe('a runtime module', () => {
  test.concurrent.each<[string, string, Record<string, unknown>]>([
    ['a handle object as the default export', 'handle.mjs', { kind: 'handle', n: 0 }],
    ['a factory exported as createRuntime', 'named-create.mjs', { kind: 'named' }],
    ['a Redux-style store', 'redux-store.mjs', { todos: [], filter: 'all' }],
    ['a store whose state is not a plain object', 'number-store.mjs', { state: 0 }],
    ['a CommonJS module exporting createRuntime', 'cjs-runtime.cjs', { kind: 'cjs' }],
    ['a CommonJS module exporting its factory', 'cjs-default.cjs', { kind: 'cjs-default' }],
    ['a TypeScript module importing another one', 'ts-runtime.ts', { greeting: 'from a .ts helper', todos: [] }]
  ])('loads when it is %s', async (_name, file, state) => {
    const { host, error } = await Host.create({ runtime: fixture(`loader/${file}`), log: () => undefined })
    try {
      expect(error).toBeUndefined()
      expect(host.runtime.info).toMatchObject({ path: fixture(`loader/${file}`), name: file, status: 'loaded' })
      expect(JSON.parse(await host.runtime.state(5_000))).toEqual(state)
      expect(host.history.stateAt(0)).toEqual(state)
    } finally {
      await host.close()
    }
  })

  test('records a store after every action, with the action as the cause, and a key that goes as a removal', async () => {
    const res = await load({ path: fixture('loader/redux-store.mjs') })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ path: fixture('loader/redux-store.mjs'), name: 'redux-store.mjs', status: 'loaded' })
    const sse = await h.events()
    await sse.waitFor((e) => e.type === 'state.initial')
    await h.dispatch({ type: 'todos/add', payload: 'write tests' })
    await h.dispatch({ type: 'todos/toggle', payload: 0 })
    await h.dispatch({ type: 'extra/add' })
    const last = await h.dispatch({ type: 'extra/drop' })
    await sse.waitForSeq(last.body.seq as number)
    const updates = sse.events.filter((e) => e.type === 'state.update')
    expect(updates).toMatchObject([
      {
        slice: 'todos',
        patches: [{ op: 'add', path: '/0', value: { text: 'write tests', done: false } }],
        cause: { type: 'todos/add', payload: 'write tests' }
      },
      { slice: 'todos', patches: [{ op: 'replace', path: '/0/done', value: true }], cause: { type: 'todos/toggle' } },
      { slice: 'extra', value: 1, cause: { type: 'extra/add' } },
      { slice: 'extra', removed: true, cause: { type: 'extra/drop' } }
    ])
    expect(await h.state()).toEqual({ todos: [{ text: 'write tests', done: true }], filter: 'all' })
    // Actions the store dispatches itself (from a thunk), inside a dispatch, are recorded too.
    const two = await h.dispatch({ type: 'todos/add-two' })
    await sse.waitForSeq(two.body.seq as number)
    expect(await h.state()).toMatchObject({ todos: [{ text: 'write tests' }, { text: 'one' }, { text: 'two' }] })
    const mirror = new Mirror()
    for (const e of sse.entries) mirror.apply(e as HistoryEvent)
    expect(mirror.state).toEqual(await h.state())
  })

  const failures: [string, () => Promise<string>, RegExp][] = [
    ['a missing file', async () => join(dir, 'missing.mjs'), /the file does not exist/],
    ['a directory', async () => dir, /must be a \.js, \.mjs/],
    ['a file that is not a module', async () => writeTo('notes.txt', 'hello'), /must be a \.js, \.mjs/],
    [
      'a syntax error',
      async () => writeTo('syntax.mjs', 'export default {\n  getState() {\n    return 1 +* 2\n  }\n}\n'),
      /SyntaxError.*line 3/
    ],
    [
      'a syntax error in TypeScript',
      async () => writeTo('syntax.ts', 'const n: number = 1\nexport default (): number => {\n  return n +\n'),
      /SyntaxError.*line 4/
    ],
    [
      'a module that throws while loading',
      async () => fixture('loader/throws-on-load.mjs'),
      /threw while loading: RangeError: this module cannot be imported/
    ],
    ['a module that ends its thread', async () => fixture('loader/exits-on-load.mjs'), /ended its thread while loading \(exit code 3\)/],
    ['a factory that throws', async () => fixture('loader/factory-throws.mjs'), /factory threw Error: the factory cannot start: no config/],
    [
      'a handle of the wrong shape',
      async () => fixture('loader/wrong-shape.mjs'),
      /not a runtime handle: it has no dispatch\(action\), no bus/
    ],
    [
      'a factory that returns a number',
      async () => fixture('loader/factory-returns-number.mjs'),
      /factory returned a value that is not a runtime handle: it is a number/
    ],
    ['a module with no runtime export', async () => fixture('loader/no-runtime.mjs'), /exports no runtime.*found: config, helper/]
  ]

  test.concurrent.each(failures)('gives an error naming the file and the cause for %s', async (_name, make, cause) => {
    const path = await make()
    const { host, error } = await Host.create({ runtime: path, log: () => undefined })
    try {
      expect(error).toContain(path)
      expect(error).toMatch(cause)
      expect(host.runtime.info).toMatchObject({ status: 'failed', path, error })
      expect(host.history.lastSeq).toBe(0)
    } finally {
      await host.close()
    }
  })

  test.each(failures.filter(([name]) => ['a missing file', 'a factory that throws'].includes(name)))(
    'answers 422 to a load of %s, and the running runtime goes on',
    async (_name, make, cause) => {
      // A failed load keeps what runs: the bus runtime is loaded again only after another test replaced it.
      if (h.host.runtime.info.path !== fixture('bus-runtime.mjs'))
        expect((await load({ path: fixture('bus-runtime.mjs') })).status).toBe(200)
      const before = h.host.history.lastSeq
      const path = await make()
      const res = await load({ path })
      expect(res.status).toBe(422)
      expect(res.body.error?.message).toContain(path)
      expect(res.body.error?.message).toMatch(cause)
      expect(res.body.runtime).toMatchObject({ status: 'loaded', name: 'bus-runtime.mjs' })
      expect(await h.getJson('/runtime')).toMatchObject({ status: 'loaded', path: fixture('bus-runtime.mjs') })
      expect(h.host.history.lastSeq).toBe(before)
      const next = await h.dispatch({ type: 'increment' })
      expect(next.status).toBe(200)
      // Nothing between: the increment's input note, then its one update.
      expect(h.host.history.event(before + 1)).toMatchObject({
        type: 'custom-event',
        data: { $patchscope: { note: 'input', action: { type: 'increment' } } }
      })
      expect(next.body).toMatchObject({ seq: before + 2, first: before + 2, entries: 1 })
    }
  )

  test('answers 422 to a reload when no module was ever loaded', async () => {
    const empty = await startTestHost()
    try {
      const res = await empty.fetch('/runtime', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"reload":true}'
      })
      expect(res.status).toBe(422)
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/nothing to reload/)
    } finally {
      await empty.close()
    }
  })

  test('answers 400 to a body without a path', async () => {
    for (const body of [{}, { path: '' }, { path: 3 }, null]) expect((await load(body)).status).toBe(400)
  })

  test('is picked up afresh on reload when its file changed, and its imports too', async () => {
    const helper = await writeTo('reload-helper.ts', "export const label: string = 'first'\n")
    const main = await writeTo(
      'reload.ts',
      [
        "import { EventEmitter } from 'node:events'",
        "import { label } from './reload-helper'",
        'let loads = 0',
        'export default () => {',
        '  loads++',
        '  return { bus: new EventEmitter(), getState: () => ({ label, version: 1, loads }), dispatch: () => undefined }',
        '}',
        ''
      ].join('\n')
    )
    expect((await load({ path: main })).status).toBe(200)
    expect(await h.state()).toEqual({ label: 'first', version: 1, loads: 1 })
    const sse = await h.events()
    await sse.waitFor((e) => e.type === 'state.initial')
    await writeFile(helper, "export const label: string = 'second'\n")
    await writeTo('reload.ts', (await readText(main)).replace('version: 1', 'version: 2'))
    const res = await load({ reload: true })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    // Module-level state starts over: the module is imported afresh.
    expect(await h.state()).toEqual({ label: 'second', version: 2, loads: 1 })
    const reset = await sse.waitFor<StateInitialEvent & Received>((e) => e.type === 'state.initial' && e.reset === true)
    expect(reset.slices).toEqual({ label: 'second', version: 2, loads: 1 })
  })

  test('keeps the old runtime when a reload of a file that broke fails', async () => {
    const path = await writeTo('breaks.mjs', await readText(fixture('bus-runtime.mjs')))
    expect((await load({ path })).status).toBe(200)
    await h.dispatch({ type: 'increment' })
    await writeFile(path, 'export default () => { throw new Error("broken by an edit") }\n')
    const res = await load({ reload: true })
    expect(res.status).toBe(422)
    expect(res.body.error?.message).toMatch(/broken by an edit/)
    expect(await h.getJson('/runtime')).toMatchObject({ status: 'loaded', path })
    expect((await h.state()).a).toBe(1)
    expect((await h.dispatch({ type: 'increment' })).status).toBe(200)
  })
})

describe('Host.create', () => {
  test('resolves a relative path against its cwd', async () => {
    const { host, error } = await Host.create({ runtime: 'loader/not-there.mjs', cwd: fixture(''), log: () => undefined })
    try {
      expect(error).toContain(fixture('loader/not-there.mjs'))
      expect(host.runtime.info.path).toBe(fixture('loader/not-there.mjs'))
    } finally {
      await host.close()
    }
  })

  test('gives up on a factory that never resolves after loadTimeoutMs, naming the file', async () => {
    const { host, error } = await Host.create({ runtime: fixture('loader/never-resolves.mjs'), loadTimeoutMs: 300, log: () => undefined })
    try {
      expect(error).toContain(fixture('loader/never-resolves.mjs'))
      expect(error).toMatch(/did not finish loading within 0\.3 s/)
    } finally {
      await host.close()
    }
  })
})

async function writeTo(name: string, text: string): Promise<string> {
  const path = join(dir, name)
  await writeFile(path, text)
  return path
}

async function readText(path: string): Promise<string> {
  const { readFile } = await import('node:fs/promises')
  return readFile(path, 'utf8')
}
