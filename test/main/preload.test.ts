/**
 * The preload (src/preload), run under Node against a fake of the few Electron modules a
 * sandboxed preload may load: what it exposes, to whom, and what it does with dropped files.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { CHANNELS, type Connection, type PatchscopeApi } from '../../src/shared/api'

const fake = vi.hoisted(() => ({
  connection: null as unknown,
  exposed: new Map<string, unknown>(),
  sent: [] as Array<[string, unknown]>,
  invoked: [] as string[],
  listeners: new Map<string, (event: unknown, value: unknown) => void>(),
  page: new Map<string, (event: unknown) => void>()
}))

vi.mock('electron', () => ({
  ipcRenderer: {
    sendSync: (channel: string) => (channel === 'patchscope:connection' ? fake.connection : undefined),
    invoke: async (channel: string) => (fake.invoked.push(channel), null),
    send: (channel: string, value: unknown) => void fake.sent.push([channel, value]),
    on: (channel: string, listener: (event: unknown, value: unknown) => void) => void fake.listeners.set(channel, listener),
    off: (channel: string) => void fake.listeners.delete(channel)
  },
  contextBridge: { exposeInMainWorld: (key: string, value: unknown) => void fake.exposed.set(key, value) },
  webUtils: { getPathForFile: (file: { path: string }) => file.path }
}))

const connection: Connection = { origin: 'http://127.0.0.1:4000', token: 'a-token-of-forty-three-characters-xxxxxxxxx' }

async function loadPreload(given: unknown): Promise<PatchscopeApi | undefined> {
  fake.connection = given
  vi.resetModules()
  await import('../../src/preload/index')
  return fake.exposed.get('patchscope') as PatchscopeApi | undefined
}

interface Drag {
  isTrusted: boolean
  defaultPrevented: boolean
  prevented: boolean
  preventDefault(): void
  dataTransfer: { types: string[]; files: Array<{ path: string }>; dropEffect: string } | null
}

function drag(type: 'dragover' | 'drop', over: Partial<Drag> = {}): Drag {
  const event: Drag = {
    isTrusted: true,
    defaultPrevented: false,
    prevented: false,
    preventDefault: () => void (event.prevented = true),
    dataTransfer: { types: ['Files'], files: [{ path: '/home/ada/agent.mjs' }], dropEffect: 'none' },
    ...over
  }
  const listener = fake.page.get(type)
  if (listener === undefined) throw new Error(`the preload does not listen for ${type}`)
  listener(event)
  return event
}

beforeEach(() => {
  fake.exposed.clear()
  fake.page.clear()
  fake.sent.length = 0
  fake.invoked.length = 0
  vi.stubGlobal('addEventListener', (type: string, listener: (event: unknown) => void) => fake.page.set(type, listener))
})
afterEach(() => vi.unstubAllGlobals())

describe('on a page the main process does not answer (not the host, not the window)', () => {
  test('exposes nothing and listens for nothing', async () => {
    expect(await loadPreload(null)).toBeUndefined()
    expect(fake.exposed.size).toBe(0)
    expect(fake.page.size).toBe(0)
  })

  test('exposes nothing for an answer that is not a connection', async () => {
    expect(await loadPreload({ origin: 'http://127.0.0.1:4000' })).toBeUndefined()
  })
})

describe("on the host's page", () => {
  test('exposes one object, window.patchscope, with the connection and the API, and nothing else', async () => {
    const api = await loadPreload(connection)
    expect([...fake.exposed.keys()]).toEqual(['patchscope'])
    expect(api?.connection).toEqual(connection)
    expect(Object.keys(api ?? {}).sort()).toEqual(['chooseRuntime', 'connection', 'exportSession', 'importSession', 'onShellEvent'])
  })

  test('asks the main process for each dialog on its own channel', async () => {
    const api = await loadPreload(connection)
    await api?.chooseRuntime()
    await api?.exportSession()
    await api?.importSession()
    expect(fake.invoked).toEqual([CHANNELS.chooseRuntime, CHANNELS.exportSession, CHANNELS.importSession])
  })

  test('passes the shell events on until the window unsubscribes', async () => {
    const api = await loadPreload(connection)
    const got: unknown[] = []
    const off = api?.onShellEvent((event) => got.push(event))
    fake.listeners.get(CHANNELS.shellEvent)?.({}, { type: 'session-exported', path: '/x.ndjson' })
    off?.()
    expect(got).toEqual([{ type: 'session-exported', path: '/x.ndjson' }])
    expect(fake.listeners.has(CHANNELS.shellEvent)).toBe(false)
  })
})

describe('files dropped on the window', () => {
  test('are accepted while dragged over, as a copy', async () => {
    await loadPreload(connection)
    const event = drag('dragover')
    expect(event.prevented).toBe(true)
    expect(event.dataTransfer?.dropEffect).toBe('copy')
  })

  test('go to the shell by their paths, leaving out files with none', async () => {
    await loadPreload(connection)
    const event = drag('drop', { dataTransfer: { types: ['Files'], files: [{ path: '/a.mjs' }, { path: '' }], dropEffect: 'copy' } })
    expect(event.prevented).toBe(true)
    expect(fake.sent).toEqual([[CHANNELS.dropFiles, ['/a.mjs']]])
  })

  test('are left to the page when it handled the drop itself', async () => {
    await loadPreload(connection)
    drag('drop', { defaultPrevented: true })
    expect(fake.sent).toEqual([])
  })

  test('are ignored when the drop was made by a script, not the user', async () => {
    await loadPreload(connection)
    drag('drop', { isTrusted: false })
    expect(fake.sent).toEqual([])
  })

  test('text or links dragged over the window are not taken', async () => {
    await loadPreload(connection)
    const event = drag('dragover', { dataTransfer: { types: ['text/plain'], files: [], dropEffect: 'none' } })
    expect(event.prevented).toBe(false)
    drag('drop', { dataTransfer: { types: ['text/uri-list'], files: [], dropEffect: 'none' } })
    expect(fake.sent).toEqual([])
  })
})
