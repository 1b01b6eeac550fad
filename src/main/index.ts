/**
 * The desktop app: one instance, the host under the main process's control (its runtime in a
 * worker thread, so a runtime that hangs or throws never blocks this process), one window on the
 * host's own origin, and the menu. Every decision is made in the plain modules beside this file;
 * this one wires them to Electron.
 */
import { homedir } from 'node:os'
import { basename, join } from 'node:path'
import { app, dialog, Menu } from 'electron'
import { Host, newToken, REDACTION_FILE, startJournal, startServer } from '../host'
import { CHANNELS, type Connection } from '../shared/api'
import type { RuntimeInfo } from '../shared/protocol'
import { handOver, launchCwd, parseLaunch, secondLaunch, userArgs } from './args'
import { createCommands, type Commands, type ShellPorts } from './commands'
import { errorPrompt } from './dialogs'
import { fileKind } from './files'
import { serveBridge } from './ipc'
import { menuTemplate } from './menu'
import { isOwnOrigin, redactingLog } from './security'
import { createWatchKeeper } from './saved-watches'
import { createSettingsStore } from './settings'
import { canReload, runtimeChanges } from './watch'
import { createWindow } from './window'
import { windowState, windowTitle } from './window-state'

/** How long quitting waits for the settings, the server and the runtime to close. */
const QUIT_MS = 5_000

const token = newToken()
const log = redactingLog((text) => process.stderr.write(text), [token])
const defaultApp = process.defaultApp === true
const cwd = launchCwd(process.env, { packaged: app.isPackaged, cwd: process.cwd() })
const launch = parseLaunch(userArgs(process.argv, { defaultApp }), cwd)

let commands: Commands | undefined
let focus: () => void = () => undefined
let shutdown: (() => Promise<void>) | undefined
/** Files asked for (macOS `open-file`) before the window was there. */
const waiting: string[] = []

/** Runs what nobody awaits (a menu click, a reaction), so that its failure is logged rather than lost. */
function background(task: Promise<unknown>): void {
  task.catch((e: unknown) => log(`[patchscope] ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`))
}

function open(file: string): void {
  focus()
  if (commands) background(commands.openFile(file))
  else waiting.push(file)
}

async function start(): Promise<void> {
  const settings = createSettingsStore({ file: join(app.getPath('userData'), 'settings.json'), log })
  await settings.load()
  const initial = launch.file !== null && fileKind(launch.file) === 'runtime' ? launch.file : undefined
  const sessions = join(app.getPath('userData'), 'sessions')
  // The redaction policy is kept beside the sessions, so it outlives the app.
  const redactionFile = join(sessions, REDACTION_FILE)
  const { host, error } = await Host.create({ cwd, log, redactionFile, ...(initial !== undefined ? { runtime: initial } : {}) })
  // Every session is journaled in the app's own folder, where the window finds earlier ones.
  const journal = await startJournal(host, sessions, log)
  const server = await startServer({ host, token, rendererDir: join(import.meta.dirname, '../renderer'), journal })
  const connection: Connection = { origin: server.origin, token: server.token }

  const win = createWindow({
    origin: connection.origin,
    preload: join(import.meta.dirname, '../preload/index.cjs'),
    saved: settings.get().window,
    title: windowTitle(host.runtime.info),
    log
  })
  focus = () => {
    if (win.isDestroyed()) return
    if (win.isMinimized()) win.restore()
    win.focus()
  }
  const ports: ShellPorts = {
    showOpenDialog: async (options) => {
      const { canceled, filePaths } = await dialog.showOpenDialog(win, options)
      return canceled ? null : (filePaths[0] ?? null)
    },
    showSaveDialog: async (options) => {
      const { canceled, filePath } = await dialog.showSaveDialog(win, options)
      return canceled || filePath === '' ? null : filePath
    },
    showMessageBox: async (options) => (await dialog.showMessageBox(win, options)).response,
    send: (event) => {
      if (!win.isDestroyed() && isOwnOrigin(win.webContents.getURL(), connection.origin)) win.webContents.send(CHANNELS.shellEvent, event)
    },
    reloadWindow: () => win.webContents.reload(),
    noteRecentDocument: (path) => app.addRecentDocument(path),
    clearRecentDocuments: () => app.clearRecentDocuments()
  }
  const shell = createCommands({ host, settings, ports, documentsDir: app.getPath('documents') })
  const closeBridge = serveBridge({ win, connection, commands: shell, log })

  const setMenu = (): void => {
    const { recentRuntimes, recentSessions } = settings.get()
    const state = { platform: process.platform, home: homedir(), recentRuntimes, recentSessions, canReload: canReload(host.runtime.info) }
    Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(state, (action) => background(shell.run(action)))))
  }
  setMenu()
  settings.subscribe(setMenu)

  // Seen from "nothing loaded", so that the module the app was started on goes on the recent list.
  let seen: RuntimeInfo = { path: null, name: null, status: 'none' }
  const check = (): void => {
    const now = host.runtime.info
    const { changed, changes } = runtimeChanges(seen, now)
    seen = now
    if (!changed) return
    if (!win.isDestroyed()) win.setTitle(windowTitle(now))
    setMenu()
    for (const change of changes) background(shell.runtimeChanged(change))
  }
  // The host tells each change of the runtime's state (a load, a stop, not responding, a pause): nothing is polled.
  const unsubscribe = host.onRuntimeChange(check)
  check()
  // Each runtime module's watches come back when it loads again.
  const keeper = createWatchKeeper({
    watches: host.watches,
    store: {
      get: () => settings.get().watches,
      set: (change) => background(settings.update((s) => ({ ...s, watches: change(s.watches) })))
    }
  })
  const offWatches = host.onRuntimeChange((info) => keeper.runtimeChanged(info))
  keeper.runtimeChanged(host.runtimeInfo)

  win.on('close', () => {
    const state = windowState(win.getNormalBounds(), { maximized: win.isMaximized(), zoomFactor: win.webContents.getZoomFactor() })
    void settings.update((s) => ({ ...s, window: state }))
  })
  shutdown = async () => {
    unsubscribe()
    offWatches()
    keeper.close()
    closeBridge()
    await Promise.all([settings.flush(), server.close(), host.close()])
    await journal?.close()
  }

  // A page that fails to load is the window's to report (View › Reload Window); the app goes on.
  await win.loadURL(`${connection.origin}/`).catch((e: unknown) => log(`[patchscope] the window did not load: ${String(e)}\n`))
  commands = shell
  if (error !== undefined && initial !== undefined) {
    await ports.showMessageBox(errorPrompt(`Cannot load ${basename(initial)}`, error).options)
  }
  for (const file of [...(launch.file !== null && launch.file !== initial ? [launch.file] : []), ...waiting.splice(0)]) {
    await shell.openFile(file)
  }
}

app.enableSandbox()
if (!app.requestSingleInstanceLock(handOver(launch))) {
  // The first instance has the file now (see 'second-instance').
  app.quit()
} else {
  app.on('second-instance', (_event, argv, workingDirectory, data) => {
    const { file } = secondLaunch(data, argv, workingDirectory, { defaultApp })
    if (file !== null) open(file)
    else focus()
  })
  // macOS: a file dropped on the Dock icon or opened from the Finder.
  app.on('open-file', (event, path) => {
    event.preventDefault()
    open(path)
  })
  app.on('window-all-closed', () => app.quit())
  let closed = false
  app.on('will-quit', (event) => {
    if (closed || shutdown === undefined) return
    event.preventDefault()
    const stop = shutdown()
    const limit = new Promise<void>((resolve) => setTimeout(resolve, QUIT_MS).unref())
    void Promise.race([stop, limit])
      .catch((e: unknown) => log(`[patchscope] while quitting: ${String(e)}\n`))
      .finally(() => {
        closed = true
        app.quit()
      })
  })
  app
    .whenReady()
    .then(start)
    .catch((e: unknown) => {
      // Nothing can work without the host: say why, and leave.
      const message = e instanceof Error ? e.message : String(e)
      log(`[patchscope] could not start: ${message}\n`)
      dialog.showErrorBox('Patchscope could not start', message)
      app.exit(1)
    })
}
