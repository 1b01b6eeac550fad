import { copyFile, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { MessageBoxOptions, OpenDialogOptions, SaveDialogOptions } from 'electron'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { Host } from '../../src/host'
import type { ShellEvent } from '../../src/shared/api'
import { createCommands, type ShellPorts } from '../../src/main/commands'
import { createSettingsStore, type SettingsStore } from '../../src/main/settings'

const fixtures = resolve(import.meta.dirname, 'fixtures')
const counter = join(fixtures, 'counter.mjs')
const broken = join(fixtures, 'broken.mjs')
const now = new Date(2026, 10, 25, 19, 23)

/** Ports that answer from queues and record what the commands asked for. */
function fakePorts() {
  const answers = { open: [] as Array<string | null>, save: [] as Array<string | null>, box: [] as number[] }
  const seen = {
    open: [] as OpenDialogOptions[],
    save: [] as SaveDialogOptions[],
    boxes: [] as MessageBoxOptions[],
    events: [] as ShellEvent[],
    windowReloads: 0,
    recentDocuments: [] as string[],
    recentCleared: 0
  }
  const ports: ShellPorts = {
    showOpenDialog: async (options) => (seen.open.push(options), answers.open.shift() ?? null),
    showSaveDialog: async (options) => (seen.save.push(options), answers.save.shift() ?? null),
    showMessageBox: async (options) => (seen.boxes.push(options), answers.box.shift() ?? options.cancelId ?? 0),
    send: (event) => void seen.events.push(event),
    reloadWindow: () => void seen.windowReloads++,
    noteRecentDocument: (path) => void seen.recentDocuments.push(path),
    clearRecentDocuments: () => void seen.recentCleared++
  }
  return { ports, answers, seen }
}

let dir: string
let host: Host
let settings: SettingsStore
let fake: ReturnType<typeof fakePorts>
let commands: ReturnType<typeof createCommands>

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'patchscope-commands-'))
  host = (await Host.create({ cwd: fixtures, log: () => undefined })).host
  settings = createSettingsStore({ file: join(dir, 'settings.json'), log: () => undefined })
  fake = fakePorts()
  commands = createCommands({ host, settings, ports: fake.ports, documentsDir: dir, now: () => now })
})

afterEach(async () => {
  await host.close()
  await settings.flush()
  await rm(dir, { recursive: true, force: true })
})

const count = async (): Promise<number> => (JSON.parse(await host.runtime.state(5_000)) as { count: number }).count

describe('File › Open Runtime…', () => {
  test('loads the module chosen, tells the window, and puts it on the recent lists', async () => {
    fake.answers.open.push(counter)
    await commands.run({ type: 'open-runtime' })
    expect(host.runtime.info).toMatchObject({ path: counter, status: 'loaded' })
    expect(fake.seen.events).toEqual([
      { type: 'runtime-loading', path: counter },
      { type: 'runtime-loaded', path: counter }
    ])
    expect(settings.get().recentRuntimes).toEqual([counter])
    expect(fake.seen.recentDocuments).toEqual([counter])
    expect(fake.seen.boxes).toEqual([])
  })

  test('offers runtime modules only, starting in the folder of the last one', async () => {
    await settings.update((s) => ({ ...s, recentRuntimes: ['/somewhere/else/agent.mjs'] }))
    await commands.run({ type: 'open-runtime' })
    expect(fake.seen.open[0]).toMatchObject({ defaultPath: '/somewhere/else', properties: ['openFile'] })
    expect(fake.seen.open[0]?.filters?.[0]?.extensions).toContain('mjs')
  })

  test('does nothing when the dialog is cancelled', async () => {
    await commands.run({ type: 'open-runtime' })
    expect(host.runtime.info.status).toBe('none')
    expect(fake.seen.events).toEqual([])
  })

  test('shows why a module cannot load, and keeps the runtime that was running', async () => {
    fake.answers.open.push(counter, broken)
    await commands.run({ type: 'open-runtime' })
    await commands.run({ type: 'open-runtime' })
    expect(host.runtime.info).toMatchObject({ path: counter, status: 'loaded' })
    expect(fake.seen.boxes).toHaveLength(1)
    expect(fake.seen.boxes[0]).toMatchObject({ type: 'error', message: 'Cannot load broken.mjs' })
    expect(fake.seen.boxes[0]?.detail).toContain('broken on purpose')
    expect(fake.seen.events.at(-1)).toMatchObject({ type: 'runtime-failed', path: broken })
    expect(settings.get().recentRuntimes).toEqual([counter])
  })

  test('opens one dialog at a time: a second request while one is open gets nothing', async () => {
    let close: (path: string | null) => void = () => undefined
    fake.ports.showOpenDialog = () => new Promise((resolve) => (close = resolve))
    const first = commands.chooseRuntime()
    expect(await commands.chooseRuntime()).toBeNull()
    close(counter)
    expect(await first).toBe(counter)
  })
})

describe('the window asks', () => {
  test('chooseRuntime gives the path chosen and loads nothing (the window does)', async () => {
    fake.answers.open.push(counter)
    expect(await commands.chooseRuntime()).toBe(counter)
    expect(host.runtime.info.status).toBe('none')
  })

  test('an export or import it asks for is answered with its outcome, and nothing is shown or sent', async () => {
    const file = join(dir, 'mine.ndjson')
    fake.answers.save.push(file)
    expect(await commands.exportSession('window')).toEqual({ ok: true, path: file })
    fake.answers.open.push(file)
    expect(await commands.importSession(undefined, 'window')).toEqual({
      ok: true,
      path: file,
      name: 'mine.ndjson',
      bytes: await readFile(file)
    })
    fake.answers.open.push(join(dir, 'missing.ndjson'))
    expect(await commands.importSession(undefined, 'window')).toEqual({
      ok: false,
      error: 'Cannot import missing.ndjson: the file does not exist'
    })
    expect(fake.seen.boxes).toEqual([])
    expect(fake.seen.events).toEqual([])
  })

  test('a cancelled dialog answers null', async () => {
    expect(await commands.exportSession('window')).toBeNull()
    expect(await commands.importSession(undefined, 'window')).toBeNull()
  })
})

describe('File › Reload Runtime', () => {
  test('imports the module afresh: its module-level state starts over', async () => {
    await commands.loadRuntime(counter, 'shell')
    await host.dispatch({ type: 'inc' }, 5_000)
    expect(await count()).toBe(1)
    fake.answers.box.push(1) // Reload Only
    await commands.run({ type: 'reload-runtime' })
    expect(await count()).toBe(0)
    expect(host.history.type(host.history.lastSeq)).toBe('state.initial')
    expect(host.replays.result()).toBeUndefined()
  })

  test('offers to replay the run since the load first, and replays it against the module on disk before reloading', async () => {
    const module = join(dir, 'counter.mjs')
    await copyFile(counter, module)
    await commands.loadRuntime(module, 'shell')
    await host.dispatch({ type: 'inc' }, 5_000)
    await host.dispatch({ type: 'inc' }, 5_000)
    const ended = new Promise<void>((resolve) => host.replays.subscribe((n) => void (n.phase !== 'running' && resolve())))
    fake.answers.box.push(0) // Replay and Reload
    await commands.run({ type: 'reload-runtime' })
    expect(fake.seen.boxes[0]).toMatchObject({ message: 'Replay counter.mjs’s run against the module on disk?' })
    expect(fake.seen.boxes[0]?.detail).toContain('2 actions were dispatched')
    expect(fake.seen.boxes[0]?.buttons).toEqual(['Replay and Reload', 'Reload Only', 'Cancel'])
    const started = fake.seen.events.find((e) => e.type === 'replay-started')
    expect(started).toEqual({ type: 'replay-started', id: 1 })
    // The reload happened after the replay had taken the run: a new run, empty.
    expect(await count()).toBe(0)
    await ended
    const result = host.replays.result()
    expect(result).toMatchObject({ id: 1, phase: 'done', source: 'history', module, identical: true })
    expect(result?.report?.session.inputs).toBe(2)
  })

  test('Cancel neither replays nor reloads; a run without inputs is reloaded without asking', async () => {
    await commands.loadRuntime(counter, 'shell')
    await host.dispatch({ type: 'inc' }, 5_000)
    fake.answers.box.push(2)
    await commands.run({ type: 'reload-runtime' })
    expect(await count()).toBe(1)
    expect(host.replays.result()).toBeUndefined()
    expect(fake.seen.events.filter((e) => e.type === 'runtime-loading')).toHaveLength(1)

    fake.answers.box.push(1)
    await commands.run({ type: 'reload-runtime' })
    expect(await count()).toBe(0)
    // Nothing dispatched since this load: no box, just the reload.
    await commands.run({ type: 'reload-runtime' })
    expect(fake.seen.boxes).toHaveLength(2)
    expect(fake.seen.events.filter((e) => e.type === 'runtime-loading')).toHaveLength(3)
  })

  test('a replay that cannot start is said, and the runtime is not reloaded', async () => {
    await commands.loadRuntime(counter, 'shell')
    await host.dispatch({ type: 'inc' }, 5_000)
    // The replay checks the module's file: gone, the replay refuses (and a reload would fail the same way).
    const gone = join(dir, 'gone.mjs')
    await copyFile(counter, gone)
    await commands.loadRuntime(gone, 'shell')
    await host.dispatch({ type: 'inc' }, 5_000)
    await rm(gone)
    fake.answers.box.push(0)
    await commands.run({ type: 'reload-runtime' })
    expect(fake.seen.boxes[1]).toMatchObject({ message: 'The run was not replayed' })
    expect(fake.seen.boxes[1]?.detail).toContain('The runtime was not reloaded.')
    expect(await count()).toBe(1)
  })

  test('says there is nothing to reload before a module was loaded', async () => {
    await commands.run({ type: 'reload-runtime' })
    expect(fake.seen.boxes[0]).toMatchObject({ message: 'Nothing to reload' })
    expect(fake.seen.boxes[0]?.detail).toContain('File › Open Runtime')
  })
})

describe('File › Export Session… and Import Session…', () => {
  test('exports to the file chosen, proposing one named after the runtime and the time', async () => {
    await commands.loadRuntime(counter, 'shell')
    await host.dispatch({ type: 'inc' }, 5_000)
    const file = join(dir, 'out.ndjson')
    fake.answers.save.push(file)
    await commands.run({ type: 'export-session' })
    expect(fake.seen.save[0]?.defaultPath).toBe(join(dir, 'counter-2026-11-25-1923.ndjson'))
    const lines = (await readFile(file, 'utf8')).trim().split('\n')
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ format: 'patchscope-session', runtime: { path: counter, name: 'counter.mjs' } })
    expect(lines.length).toBeGreaterThan(2)
    expect(fake.seen.events.at(-1)).toEqual({ type: 'session-exported', path: file })
    expect(settings.get().recentSessions).toEqual([file])
  })

  test('the first export starts in the documents folder, the next in the folder of the last session', async () => {
    const sessions = join(dir, 'sessions')
    await mkdir(sessions)
    fake.answers.save.push(join(sessions, 'first.ndjson'))
    await commands.run({ type: 'export-session' })
    await commands.run({ type: 'export-session' })
    expect(fake.seen.save[0]?.defaultPath).toBe(join(dir, 'session-2026-11-25-1923.ndjson'))
    expect(fake.seen.save[1]?.defaultPath).toBe(join(sessions, 'session-2026-11-25-1923.ndjson'))
  })

  test('shows why an export failed, and writes nothing', async () => {
    fake.answers.save.push(join(dir, 'no-such-folder', 'out.ndjson'))
    await commands.run({ type: 'export-session' })
    expect(fake.seen.boxes[0]).toMatchObject({ type: 'error', message: 'The session was not exported' })
    expect(fake.seen.boxes[0]?.detail).toBe('Cannot export out.ndjson: its folder does not exist')
    expect(settings.get().recentSessions).toEqual([])
  })

  test('Import Session… hands the file to the window to open beside the live session; the runtime and its history go on', async () => {
    await commands.loadRuntime(counter, 'shell')
    await host.dispatch({ type: 'inc' }, 5_000)
    await host.dispatch({ type: 'inc' }, 5_000)
    const file = join(dir, 'two.ndjson')
    fake.answers.save.push(file)
    await commands.run({ type: 'export-session' })
    const last = host.history.lastSeq
    fake.answers.open.push(file)
    await commands.run({ type: 'import-session' })
    expect(host.runtime.info).toMatchObject({ status: 'loaded', name: 'counter.mjs' })
    expect(host.history.lastSeq).toBe(last)
    expect(fake.seen.events.at(-1)).toEqual({ type: 'session-file', path: file, name: 'two.ndjson', bytes: await readFile(file) })
    expect(settings.get().recentSessions).toEqual([file])
    expect(fake.seen.boxes).toEqual([])
  })

  test('a file that cannot be read is shown with the reason, and nothing is sent to the window', async () => {
    await commands.loadRuntime(counter, 'shell')
    const sent = fake.seen.events.length
    fake.answers.open.push(join(dir, 'gone.ndjson'))
    await commands.run({ type: 'import-session' })
    expect(fake.seen.boxes[0]).toMatchObject({ type: 'error', message: 'The session was not imported' })
    expect(fake.seen.boxes[0]?.detail).toBe('Cannot import gone.ndjson: the file does not exist\n\nWhat was shown before is kept.')
    expect(fake.seen.events.length).toBe(sent)
    expect(host.runtime.info.status).toBe('loaded')
  })
})

describe('opening files given to the app (dropped, a second launch, the system)', () => {
  test('a runtime module is loaded and a session file imported', async () => {
    await commands.openFile(counter)
    expect(host.runtime.info).toMatchObject({ path: counter, status: 'loaded' })
    const file = join(dir, 's.ndjson')
    fake.answers.save.push(file)
    await commands.exportSession('window')
    await commands.openFile(file)
    expect(host.runtime.info.status).toBe('loaded')
    expect(fake.seen.events.at(-1)).toMatchObject({ type: 'session-file', path: file, name: 's.ndjson' })
  })

  test('another kind of file is refused with the reason', async () => {
    await commands.openFile('/home/ada/notes.txt')
    expect(fake.seen.boxes[0]).toMatchObject({ type: 'error', message: 'Cannot open notes.txt' })
    expect(host.runtime.info.status).toBe('none')
  })

  test('of several dropped files, the first the app can open is opened', async () => {
    await commands.openDropped(['/home/ada/readme.md', counter, broken])
    expect(host.runtime.info).toMatchObject({ path: counter, status: 'loaded' })
    expect(fake.seen.boxes).toEqual([])
  })

  test('dropped files none of which can be opened are refused, naming the first', async () => {
    await commands.openDropped(['/home/ada/a.png', '/home/ada/b.txt'])
    expect(fake.seen.boxes).toHaveLength(1)
    expect(fake.seen.boxes[0]?.message).toBe('Cannot open a.png')
  })

  test('a drop message that is not a list of absolute paths is ignored', async () => {
    for (const paths of [undefined, 'counter.mjs', [3], ['counter.mjs']]) await commands.openDropped(paths)
    expect(host.runtime.info.status).toBe('none')
    expect(fake.seen.boxes).toEqual([])
  })
})

describe('File › Open Recent', () => {
  test('opens a recent runtime', async () => {
    await commands.run({ type: 'open-recent', kind: 'runtime', path: counter })
    expect(host.runtime.info).toMatchObject({ path: counter, status: 'loaded' })
  })

  test('takes a file that is gone off the list, and says so', async () => {
    const gone = join(dir, 'gone.mjs')
    await copyFile(counter, gone)
    await settings.update((s) => ({ ...s, recentRuntimes: [gone, counter] }))
    await rm(gone)
    await commands.run({ type: 'open-recent', kind: 'runtime', path: gone })
    expect(settings.get().recentRuntimes).toEqual([counter])
    expect(fake.seen.boxes[0]?.detail).toContain('no longer there')
    expect(host.runtime.info.status).toBe('none')
  })

  test('Clear Recent empties both lists and the system’s', async () => {
    await settings.update((s) => ({ ...s, recentRuntimes: [counter], recentSessions: ['/s.ndjson'] }))
    await commands.run({ type: 'clear-recent' })
    expect(settings.get()).toMatchObject({ recentRuntimes: [], recentSessions: [] })
    expect(fake.seen.recentCleared).toBe(1)
  })
})

test('View › Reload Window reloads the window', async () => {
  await commands.run({ type: 'reload-window' })
  expect(fake.seen.windowReloads).toBe(1)
})

describe('reactions to the runtime', () => {
  test('a load the window made goes on the recent list', async () => {
    await commands.runtimeChanged({ type: 'loaded', path: counter, name: 'counter.mjs' })
    expect(settings.get().recentRuntimes).toEqual([counter])
  })

  test('a runtime that stopped is told to the window and the user, and reloaded on their word', async () => {
    await host.loadRuntime(counter)
    fake.answers.box.push(0)
    const last = host.history.lastSeq
    await commands.runtimeChanged({ type: 'stopped', path: counter, name: 'counter.mjs', error: 'the runtime stopped: boom' })
    expect(fake.seen.events[0]).toEqual({ type: 'runtime-stopped', path: counter, error: 'the runtime stopped: boom' })
    expect(fake.seen.boxes[0]).toMatchObject({ message: 'The runtime counter.mjs stopped' })
    expect(host.history.lastSeq).toBeGreaterThan(last)
    expect(host.runtime.info.status).toBe('loaded')
  })

  test('a runtime that stopped is left alone when the user closes the box', async () => {
    await host.loadRuntime(counter)
    const last = host.history.lastSeq
    fake.answers.box.push(1)
    await commands.runtimeChanged({ type: 'stopped', path: counter, name: 'counter.mjs', error: 'boom' })
    expect(host.history.lastSeq).toBe(last)
  })

  test('a runtime that does not answer is told once; its box closes by itself when it answers again', async () => {
    const signals: AbortSignal[] = []
    fake.ports.showMessageBox = (options) => {
      fake.seen.boxes.push(options)
      const { signal } = options
      if (signal === undefined) return Promise.resolve(0)
      signals.push(signal)
      return new Promise((resolve) => signal.addEventListener('abort', () => resolve(1)))
    }
    await host.loadRuntime(counter)
    const last = host.history.lastSeq
    const shown = commands.runtimeChanged({ type: 'unresponsive', path: counter, name: 'counter.mjs' })
    await commands.runtimeChanged({ type: 'unresponsive', path: counter, name: 'counter.mjs' })
    expect(fake.seen.boxes).toHaveLength(1)
    await commands.runtimeChanged({ type: 'responsive', path: counter, name: 'counter.mjs' })
    await shown
    expect(signals[0]?.aborted).toBe(true)
    // The box was closed by the answer, not by the user: nothing is reloaded.
    expect(host.history.lastSeq).toBe(last)
    expect(fake.seen.events).toEqual([
      { type: 'runtime-responsive', path: counter, responsive: false },
      { type: 'runtime-responsive', path: counter, responsive: false },
      { type: 'runtime-responsive', path: counter, responsive: true }
    ])
  })

  test('a runtime that does not answer is reloaded on the user’s word', async () => {
    await host.loadRuntime(counter)
    await host.dispatch({ type: 'inc' }, 5_000)
    fake.answers.box.push(1)
    await commands.runtimeChanged({ type: 'unresponsive', path: counter, name: 'counter.mjs' })
    expect(fake.seen.boxes[0]).toMatchObject({ message: 'The runtime counter.mjs is not responding' })
    expect(await count()).toBe(0)
  })
})

test('leaves no temporary files behind', async () => {
  fake.answers.save.push(join(dir, 'a.ndjson'))
  await commands.exportSession('shell')
  await settings.flush()
  expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([])
})
