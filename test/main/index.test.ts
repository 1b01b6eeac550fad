/**
 * The app's wiring, started under Node against a fake Electron (`fake-electron.ts`): one real
 * host, one real server, the real menu, IPC handlers and policies, driven as the window and the
 * user would drive them.
 */
import { copyFile, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { MenuItemConstructorOptions } from 'electron'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { CHANNELS, type Connection, type SessionFile, type ShellEvent } from '../../src/shared/api'
import { answers, app, appEvents, ipcEvent, ipcInvoke, ipcSend, seen, setUserData, windowLoaded } from './fake-electron'

vi.mock('electron', () => import('./fake-electron'))

const counter = resolve(import.meta.dirname, 'fixtures', 'counter.mjs')
let dir: string
let origin: string
let connection: Connection
const logged: string[] = []
const argv = process.argv

const top = () => ({ origin, url: `${origin}/`, parent: null })
const win = () => {
  const w = seen.windows[0]
  if (w === undefined) throw new Error('no window')
  return w
}
const menu = (): MenuItemConstructorOptions[] => seen.menus.at(-1) ?? []
const items = (list: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] =>
  list.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? items(i.submenu) : [])])
const click = (id: string): void => {
  const item = items(menu()).find((i) => i.id === id)
  if (item?.click === undefined) throw new Error(`no menu item ${id}`)
  item.click(undefined as never, undefined, undefined as never)
}
/** Waits for what a load, an import or a quit brings about (a runtime loads in a new thread). */
const until = (check: () => unknown): Promise<unknown> => vi.waitFor(check, { timeout: 15_000, interval: 10 })
/** The session files the shell handed the window, in order. */
const sessionFilesSent = (): SessionFile[] =>
  win().webContents.sent.flatMap(([channel, event]) =>
    channel === CHANNELS.shellEvent && (event as ShellEvent).type === 'session-file' ? [event as SessionFile] : []
  )
const runtime = async (): Promise<{ path: string; status: string }> => {
  const res = await fetch(`${origin}/runtime`, { headers: { authorization: `Bearer ${connection.token}` } })
  return (await res.json()) as { path: string; status: string }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'patchscope-app-'))
  setUserData(join(dir, 'user-data'))
  vi.spyOn(process.stderr, 'write').mockImplementation((text) => (logged.push(String(text)), true))
  process.argv = [argv[0] ?? 'electron', counter]
  await import('../../src/main/index')
  origin = new URL(await windowLoaded).origin
  const event = ipcSend(CHANNELS.connection, ipcEvent(top()))
  connection = event.returnValue as Connection
  // What `start` does after the page loaded (a microtask away) is done before the first test.
  await new Promise((done) => setImmediate(done))
})

afterAll(async () => {
  process.argv = argv
  vi.restoreAllMocks()
  await rm(dir, { recursive: true, force: true })
})

describe('starting', () => {
  test('turns the sandbox on for every page, and takes the single-instance lock with the module it was given', () => {
    expect(seen.sandboxEnabled).toBe(true)
    expect(seen.lockData).toEqual({ patchscope: 1, file: counter })
  })

  test("opens one window on the host's page, running the module, named in the title", async () => {
    expect(seen.windows).toHaveLength(1)
    expect(win().webContents.getURL()).toBe(`${origin}/`)
    expect(origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(win().title).toBe('counter.mjs — Patchscope')
    expect(await runtime()).toMatchObject({ path: counter, status: 'loaded' })
  })

  test('puts the module it started on on the recent list, and builds the menu with it', () => {
    expect(items(menu()).some((i) => i.id === `recent-runtime:${counter}`)).toBe(true)
    expect(items(menu()).find((i) => i.id === 'reload-runtime')?.enabled).toBe(true)
  })

  test('keeps the page from renaming the window', () => {
    const event = { defaultPrevented: false, preventDefault: () => void (event.defaultPrevented = true) }
    win().emit('page-title-updated', event, 'Something else')
    expect(event.defaultPrevented).toBe(true)
  })
})

describe('the bridge', () => {
  test("gives the connection to the host's page in the window's top frame", () => {
    expect(connection).toEqual({ origin, token: expect.stringMatching(/^[\w-]{40,}$/) })
  })

  test.each([
    ['another window', () => ipcEvent(top(), 2)],
    ['a frame inside the page', () => ipcEvent({ ...top(), parent: {} })],
    ['another page', () => ipcEvent({ origin: 'https://example.com', url: 'https://example.com/', parent: null })],
    ['a frame that is gone', () => ipcEvent(null)]
  ])('gives %s nothing: no connection, no dialog', async (_, sender) => {
    const event = sender()
    expect(ipcSend(CHANNELS.connection, event).returnValue).toBeNull()
    await expect(ipcInvoke(CHANNELS.chooseRuntime, event)).rejects.toThrow(/only for the Patchscope window/)
    expect(seen.openDialogs).toHaveLength(0)
  })

  test("the window's Export goes through the save dialog and answers the file written", async () => {
    const file = join(dir, 'from-window.ndjson')
    answers.save.push(file)
    expect(await ipcInvoke(CHANNELS.exportSession, ipcEvent(top()))).toEqual({ ok: true, path: file })
    expect((await stat(file)).size).toBeGreaterThan(0)
  })

  test('a module dropped on the window is loaded, and the title follows', async () => {
    const other = join(dir, 'other.mjs')
    await copyFile(counter, other)
    ipcSend(CHANNELS.dropFiles, ipcEvent(top()), [join(dir, 'notes.txt'), other])
    await until(() => expect(win().webContents.sent).toContainEqual([CHANNELS.shellEvent, { type: 'runtime-loaded', path: other }]))
    expect(await runtime()).toMatchObject({ path: other, status: 'loaded' })
    expect(win().title).toBe('other.mjs — Patchscope')
  })
})

describe('the menu', () => {
  test('File › Open Runtime… loads the module chosen in the dialog', async () => {
    answers.open.push(counter)
    click('open-runtime')
    await until(async () => expect(await runtime()).toMatchObject({ path: counter, status: 'loaded' }))
    expect(seen.openDialogs.at(-1)?.filters?.[0]?.extensions).toContain('mjs')
  })

  test('File › Export Session… writes the session where the user said', async () => {
    const file = join(dir, 'from-menu.ndjson')
    answers.save.push(file)
    click('export-session')
    await until(() => expect(win().webContents.sent).toContainEqual([CHANNELS.shellEvent, { type: 'session-exported', path: file }]))
    expect(seen.saveDialogs.at(-1)?.defaultPath).toMatch(/counter-\d{4}-\d{2}-\d{2}-\d{4}\.ndjson$/)
    expect((await readFile(file, 'utf8')).startsWith('{"format":"patchscope-session"')).toBe(true)
  })

  test('File › Import Session… hands the file to the window to open as a document, and the live runtime goes on', async () => {
    const file = join(dir, 'from-menu.ndjson')
    answers.open.push(file)
    click('import-session')
    await until(() => expect(sessionFilesSent().map((e) => e.path)).toContain(file))
    const sent = sessionFilesSent().find((e) => e.path === file)
    expect(sent).toMatchObject({ name: 'from-menu.ndjson' })
    expect(Buffer.from(sent?.bytes ?? []).equals(await readFile(file))).toBe(true)
    await until(() => expect(items(menu()).some((i) => i.id === `recent-session:${file}`)).toBe(true))
    // The host's history is not replaced: the runtime is still loaded, and can still be reloaded.
    expect(await runtime()).toMatchObject({ path: counter, status: 'loaded' })
    expect(items(menu()).find((i) => i.id === 'reload-runtime')?.enabled).toBe(true)
    expect(win().title).toBe('counter.mjs — Patchscope')
  })

  test('File › Open Recent reopens a recent runtime', async () => {
    click(`recent-runtime:${counter}`)
    await until(async () => expect(await runtime()).toMatchObject({ path: counter, status: 'loaded' }))
  })

  test('View › Reload Window reloads the page', () => {
    const before = win().webContents.reloads
    click('reload-window')
    expect(win().webContents.reloads).toBe(before + 1)
  })
})

describe('a second launch', () => {
  test('focuses the window and opens the file it was given', async () => {
    const focused = win().focused
    const file = join(dir, 'from-window.ndjson')
    const before = sessionFilesSent().length
    appEvents.emit('second-instance', {}, ['/x/electron', 'ignored'], '/', { patchscope: 1, file })
    expect(win().focused).toBeGreaterThan(focused)
    // A session file opens in the window as a document, beside the live runtime.
    await until(() =>
      expect(
        sessionFilesSent()
          .slice(before)
          .map((e) => e.path)
      ).toEqual([file])
    )
    expect(await runtime()).toMatchObject({ path: counter, status: 'loaded' })
  })

  test('with no file, only focuses the window', () => {
    const focused = win().focused
    appEvents.emit('second-instance', {}, ['/x/electron'], '/', { patchscope: 1, file: null })
    expect(win().focused).toBe(focused + 1)
  })
})

describe("the window is held to the host's origin", () => {
  test('requests elsewhere are cancelled, requests to the host go through', () => {
    const decide = (url: string): unknown => {
      let answer: unknown
      seen.session.beforeRequest?.(...([{ url }, (a: unknown) => (answer = a)] as never[]))
      return answer
    }
    expect(decide('https://example.com/x.js')).toEqual({ cancel: true })
    expect(decide(`${origin}/state`)).toEqual({ cancel: false })
  })

  test('a page of the host without a policy gets one', () => {
    let answer: { responseHeaders?: Record<string, string[]> } = {}
    const details = { url: `${origin}/nowhere`, responseHeaders: { 'content-type': ['application/json'] } }
    seen.session.headersReceived?.(...([details, (a: typeof answer) => (answer = a)] as never[]))
    expect(answer.responseHeaders?.['Content-Security-Policy']?.[0]).toContain("default-src 'self'")
  })

  test('permissions are refused but the clipboard', () => {
    const check = (permission: string): unknown => seen.session.permissionCheck?.(...([null, permission, origin] as never[]))
    expect(check('clipboard-sanitized-write')).toBe(true)
    expect(check('media')).toBe(false)
    expect(seen.session.devicePermission?.()).toBe(false)
  })

  test('new windows are denied, and navigation away is prevented', () => {
    expect(win().webContents.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' })
    const away = { url: 'https://example.com/', defaultPrevented: false, preventDefault: () => void (away.defaultPrevented = true) }
    win().webContents.emit('will-navigate', away)
    expect(away.defaultPrevented).toBe(true)
    const home = { url: `${origin}/?x=1`, defaultPrevented: false, preventDefault: () => void (home.defaultPrevented = true) }
    win().webContents.emit('will-navigate', home)
    expect(home.defaultPrevented).toBe(false)
  })
})

describe('quitting', () => {
  test('remembers the window, closes the host and the server, and leaves the token on no disk and in no log', async () => {
    win().webContents.zoomFactor = 1.2
    win().emit('close')
    app.quit()
    await until(() => expect(seen.quits).toBe(2))
    await expect(fetch(`${origin}/runtime`)).rejects.toThrow()
    const settings = JSON.parse(await readFile(join(dir, 'user-data', 'settings.json'), 'utf8')) as Record<string, unknown>
    expect(settings.window).toEqual({ x: 40, y: 50, width: 1100, height: 700, maximized: false, zoomFactor: 1.2 })
    expect(settings.recentRuntimes).toContain(counter)
    // Every file the app wrote, its journals in user-data/sessions included.
    const files = (await readdir(join(dir, 'user-data'), { recursive: true, withFileTypes: true })).filter((f) => f.isFile())
    expect(files.map((f) => f.name)).toEqual(expect.arrayContaining(['settings.json', expect.stringMatching(/\.patchscope\.ndjson$/)]))
    for (const f of files) expect(await readFile(join(f.parentPath, f.name), 'utf8')).not.toContain(connection.token)
    // The journal was closed with the app: it ends with its closing line.
    const journal = files.find((f) => f.name.endsWith('.patchscope.ndjson'))
    const text = await readFile(join(journal?.parentPath ?? '', journal?.name ?? ''), 'utf8')
    expect(JSON.parse(text.trimEnd().split('\n').at(-1) as string)).toHaveProperty('end')
    expect(logged.join('')).not.toContain(connection.token)
    expect(logged.join('')).toContain('refused')
  })
})
