/**
 * What the app does for the user: the menu's items, the window's requests, dropped and reopened
 * files, and the reactions to a runtime that stops or hangs. Electron-free: the dialogs, the
 * window and the OS come in as `ShellPorts`, so every path runs under Node in the tests.
 *
 * A command the shell starts (a menu item, a drop, a second launch) reports itself: errors in a
 * message box, outcomes to the window as `ShellEvent`s. A command the window starts is answered
 * with its outcome and reports nothing: the window shows it.
 */
import { stat } from 'node:fs/promises'
import { basename, dirname, isAbsolute } from 'node:path'
import type { MessageBoxOptions, OpenDialogOptions, SaveDialogOptions } from 'electron'
import { historyReplay, NoReplayModule, NotReplayable, replayableInputs, type Host, type ReplayJobStart } from '../host'
import type { Outcome, SessionFile, ShellEvent } from '../shared/api'
import { chosen, errorPrompt, reloadReplayPrompt, runtimeStoppedPrompt, runtimeUnresponsivePrompt, type Prompt } from './dialogs'
import { exportSessionDialog, fileKind, importSessionDialog, notOpenableReason, openRuntimeDialog } from './files'
import type { MenuAction } from './menu'
import { addRecent, removeRecent } from './recent'
import { readSessionFile, sessionErrorText, writeSessionFile } from './session-io'
import type { SettingsStore } from './settings'
import type { RuntimeChange } from './watch'

/** What the commands need from Electron, the window and the OS. */
export interface ShellPorts {
  /** The system's open dialog, on the window; the chosen path, or null when cancelled. */
  showOpenDialog(options: OpenDialogOptions): Promise<string | null>
  /** The system's save dialog, on the window; the chosen path, or null when cancelled. */
  showSaveDialog(options: SaveDialogOptions): Promise<string | null>
  /** A message box on the window; the index of the button pressed (aborting `options.signal` closes it). */
  showMessageBox(options: MessageBoxOptions): Promise<number>
  /** Tells the window (when it shows the host's page). */
  send(event: ShellEvent): void
  reloadWindow(): void
  /** Adds a file to the system's own recent list (the Dock, the jump list). */
  noteRecentDocument(path: string): void
  clearRecentDocuments(): void
}

/** Who asked: the shell reports what happens itself, the window is answered. */
export type Asker = 'shell' | 'window'

export interface CommandsOptions {
  host: Host
  settings: SettingsStore
  ports: ShellPorts
  /** Where the first export and import dialogs open (the user's documents). */
  documentsDir: string
  /** @default () => new Date() */
  now?: () => Date
}

export type Commands = ReturnType<typeof createCommands>

/** The app's commands over a host, the settings and the ports; see the file's comment for who reports what. */
export function createCommands({ host, settings, ports, documentsDir, now = () => new Date() }: CommandsOptions) {
  // One dialog at a time: a second menu click while one is open is ignored, not queued behind it.
  let dialogOpen = false
  let unresponsive: AbortController | undefined

  async function dialog<T>(show: () => Promise<T | null>): Promise<T | null> {
    if (dialogOpen) return null
    dialogOpen = true
    try {
      return await show()
    } finally {
      dialogOpen = false
    }
  }

  async function ask<A extends string>(prompt: Prompt<A>, signal?: AbortSignal): Promise<A> {
    return chosen(prompt, await ports.showMessageBox(signal ? { ...prompt.options, signal } : prompt.options))
  }

  const report = (asker: Asker, event: ShellEvent): void => {
    if (asker === 'shell') ports.send(event)
  }

  const fail = async (asker: Asker, message: string, error: string): Promise<void> => {
    if (asker === 'shell') await ask(errorPrompt(message, error))
  }

  const rememberRuntime = (path: string): Promise<void> => {
    ports.noteRecentDocument(path)
    return settings.update((s) => ({ ...s, recentRuntimes: addRecent(s.recentRuntimes, path) }))
  }

  const rememberSession = (path: string): Promise<void> => {
    ports.noteRecentDocument(path)
    return settings.update((s) => ({ ...s, recentSessions: addRecent(s.recentSessions, path) }))
  }

  const lastFolder = (list: readonly string[]): string | undefined => (list[0] !== undefined ? dirname(list[0]) : undefined)

  /** Asks for a runtime module; the path, or null. */
  function chooseRuntime(): Promise<string | null> {
    return dialog(() => ports.showOpenDialog(openRuntimeDialog(lastFolder(settings.get().recentRuntimes))))
  }

  /** Loads (or reloads) the module at `path`; a runtime that was running keeps running if it fails. */
  async function loadRuntime(path: string, asker: Asker): Promise<Outcome<{ path: string }>> {
    report(asker, { type: 'runtime-loading', path })
    const result = await host.loadRuntime(path)
    if (!result.ok) {
      report(asker, { type: 'runtime-failed', path, error: result.error })
      await fail(asker, `Cannot load ${basename(path)}`, result.error)
      return result
    }
    await rememberRuntime(path)
    report(asker, { type: 'runtime-loaded', path })
    return { ok: true, path }
  }

  /** Reloads the runtime last loaded: the module is imported afresh in a new thread. */
  async function reloadRuntime(asker: Asker): Promise<Outcome<{ path: string }>> {
    const { path } = host.runtime.info
    if (path === null || host.runtime.info.status === 'session') {
      const error = 'No runtime module has been loaded, so there is nothing to reload. Open one with File › Open Runtime….'
      await fail(asker, 'Nothing to reload', error)
      return { ok: false, error }
    }
    return loadRuntime(path, asker)
  }

  /** A replay of the live session's run since the last load, when it has inputs to send again and none is running. */
  function replayOfRun(): { start: ReplayJobStart; inputs: number } | undefined {
    if (host.replays.running) return undefined
    let start: ReplayJobStart
    try {
      start = historyReplay(host)
    } catch (e) {
      if (e instanceof NotReplayable || e instanceof NoReplayModule) return undefined
      throw e
    }
    const inputs = replayableInputs(start.events)
    return inputs > 0 ? { start, inputs } : undefined
  }

  /**
   * File › Reload Runtime: when actions were dispatched since the load, first offers to replay
   * that run against the module on disk (replay plays the last run, which a reload ends); the
   * window shows the replay. Cancelling does nothing.
   */
  async function reloadOffered(): Promise<void> {
    const offer = host.runtime.info.status === 'session' ? undefined : replayOfRun()
    if (offer !== undefined) {
      const name = host.runtime.info.name ?? basename(offer.start.module)
      const choice = await ask(reloadReplayPrompt(name, offer.inputs))
      if (choice === 'cancel') return
      if (choice === 'replay') {
        try {
          const notice = await host.replays.start(offer.start)
          ports.send({ type: 'replay-started', id: notice.id })
        } catch (e) {
          await fail('shell', 'The run was not replayed', `${e instanceof Error ? e.message : String(e)}\n\nThe runtime was not reloaded.`)
          return
        }
      }
    }
    await reloadRuntime('shell')
  }

  /**
   * Reads a session file, `path` or one chosen in a dialog, for the window to open as a document
   * beside the live session (the host's history is not touched). Null when the dialog was cancelled.
   */
  async function importSession(path: string | undefined, asker: Asker): Promise<Outcome<SessionFile> | null> {
    const file =
      path ?? (await dialog(() => ports.showOpenDialog(importSessionDialog(lastFolder(settings.get().recentSessions) ?? documentsDir))))
    if (file === null) return null
    try {
      const read = await readSessionFile(file)
      await rememberSession(file)
      report(asker, { type: 'session-file', ...read })
      return { ok: true, ...read }
    } catch (e) {
      const error = sessionErrorText('import', file, e)
      await fail(asker, 'The session was not imported', `${error}\n\nWhat was shown before is kept.`)
      return { ok: false, error }
    }
  }

  /** Exports the history to a file chosen in a save dialog, named after the runtime and the time. Null when cancelled. */
  async function exportSession(asker: Asker): Promise<Outcome<{ path: string }> | null> {
    const folder = lastFolder(settings.get().recentSessions) ?? documentsDir
    const file = await dialog(() => ports.showSaveDialog(exportSessionDialog(host.runtime.info, now(), folder)))
    if (file === null) return null
    try {
      await writeSessionFile(host, file, now().getTime())
      await rememberSession(file)
      report(asker, { type: 'session-exported', path: file })
      return { ok: true, path: file }
    } catch (e) {
      const error = sessionErrorText('export', file, e)
      await fail(asker, 'The session was not exported', error)
      return { ok: false, error }
    }
  }

  /** Opens a file the user pointed at (dropped, given to a second launch, opened from the system): a runtime or a session. */
  async function openFile(path: string): Promise<void> {
    const kind = fileKind(path)
    if (kind === 'runtime') await loadRuntime(path, 'shell')
    else if (kind === 'session') await importSession(path, 'shell')
    else await ask(errorPrompt(`Cannot open ${basename(path)}`, notOpenableReason(path)))
  }

  /** Files dropped on the window: the first the app can open, else the first, which is refused with the reason. */
  async function openDropped(paths: unknown): Promise<void> {
    if (!Array.isArray(paths)) return
    const files = paths.filter((p): p is string => typeof p === 'string' && isAbsolute(p))
    const file = files.find((p) => fileKind(p) !== null) ?? files[0]
    if (file !== undefined) await openFile(file)
  }

  /** File › Open Recent: a file that is gone is taken off the list, and the user told. */
  async function openRecent(kind: 'runtime' | 'session', path: string): Promise<void> {
    const isFile = await stat(path).then(
      (s) => s.isFile(),
      () => false
    )
    if (!isFile) {
      const key = kind === 'runtime' ? 'recentRuntimes' : 'recentSessions'
      await settings.update((s) => ({ ...s, [key]: removeRecent(s[key], path) }))
      await ask(errorPrompt(`Cannot open ${basename(path)}`, `${path} is no longer there, so it was taken off the recent list.`))
      return
    }
    if (kind === 'runtime') await loadRuntime(path, 'shell')
    else await importSession(path, 'shell')
  }

  /** Runs a menu item. */
  async function run(action: MenuAction): Promise<void> {
    switch (action.type) {
      case 'open-runtime': {
        const path = await chooseRuntime()
        if (path !== null) await loadRuntime(path, 'shell')
        return
      }
      case 'reload-runtime':
        return reloadOffered()
      case 'open-recent':
        return openRecent(action.kind, action.path)
      case 'clear-recent':
        ports.clearRecentDocuments()
        return settings.update((s) => ({ ...s, recentRuntimes: [], recentSessions: [] }))
      case 'import-session':
        await importSession(undefined, 'shell')
        return
      case 'export-session':
        await exportSession('shell')
        return
      case 'reload-window':
        return ports.reloadWindow()
    }
  }

  /**
   * Reacts to what changed about the runtime, whoever caused it: a load goes on the recent list; a
   * runtime that stopped or hangs is told to the window and the user, with a reload offered.
   */
  async function runtimeChanged(change: RuntimeChange): Promise<void> {
    if (change.type !== 'unresponsive') {
      // Whatever came next (an answer, a stop, a new load) makes a "not responding" box moot.
      unresponsive?.abort()
      unresponsive = undefined
    }
    switch (change.type) {
      case 'loaded':
        return rememberRuntime(change.path)
      case 'stopped': {
        ports.send({ type: 'runtime-stopped', path: change.path, error: change.error })
        if ((await ask(runtimeStoppedPrompt(change.name, change.error))) === 'reload-runtime') await reloadRuntime('shell')
        return
      }
      case 'responsive':
        return ports.send({ type: 'runtime-responsive', path: change.path, responsive: true })
      case 'unresponsive': {
        ports.send({ type: 'runtime-responsive', path: change.path, responsive: false })
        if (unresponsive !== undefined) return
        const controller = (unresponsive = new AbortController())
        const action = await ask(runtimeUnresponsivePrompt(change.name), controller.signal)
        if (unresponsive === controller) unresponsive = undefined
        if (action === 'reload-runtime' && !controller.signal.aborted) await reloadRuntime('shell')
        return
      }
    }
  }

  return { chooseRuntime, loadRuntime, reloadRuntime, importSession, exportSession, openFile, openDropped, openRecent, run, runtimeChanged }
}
