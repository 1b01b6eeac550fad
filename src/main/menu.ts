/**
 * The application menu, as a template built from what the app knows now (recent files, whether
 * there is a runtime to reload). Items that the app handles itself call `run` with an action;
 * the rest are Electron's roles (edit, zoom, developer tools, window).
 */
import type { MenuItemConstructorOptions } from 'electron'
import { recentLabel } from './recent'

/** What a menu item asks the app to do. */
export type MenuAction =
  | { type: 'open-runtime' }
  | { type: 'reload-runtime' }
  | { type: 'open-recent'; kind: 'runtime' | 'session'; path: string }
  | { type: 'clear-recent' }
  | { type: 'import-session' }
  | { type: 'export-session' }
  | { type: 'reload-window' }

export interface MenuState {
  platform: NodeJS.Platform
  /** The user's home folder, shortened to `~` in recent paths. */
  home: string
  recentRuntimes: readonly string[]
  recentSessions: readonly string[]
  /** A module was loaded (or failed to), so File › Reload Runtime has something to reload. */
  canReload: boolean
}

/** Accelerators of the app's own items (the roles bring theirs). */
export const ACCELERATORS = {
  openRuntime: 'CmdOrCtrl+O',
  reloadRuntime: 'CmdOrCtrl+R',
  importSession: 'CmdOrCtrl+Shift+O',
  exportSession: 'CmdOrCtrl+S',
  reloadWindow: 'CmdOrCtrl+Shift+R',
  quit: 'Ctrl+Q'
} as const

export function menuTemplate(state: MenuState, run: (action: MenuAction) => void): MenuItemConstructorOptions[] {
  const mac = state.platform === 'darwin'
  // Windows and Linux open a menu with Alt and the underlined letter; macOS has no mnemonics.
  const top = (label: string): string => (mac ? label : `&${label}`)
  const file: MenuItemConstructorOptions[] = [
    { id: 'open-runtime', label: 'Open Runtime…', accelerator: ACCELERATORS.openRuntime, click: () => run({ type: 'open-runtime' }) },
    { id: 'open-recent', label: 'Open Recent', submenu: recentMenu(state, run) },
    { type: 'separator' },
    {
      id: 'reload-runtime',
      label: 'Reload Runtime',
      accelerator: ACCELERATORS.reloadRuntime,
      enabled: state.canReload,
      click: () => run({ type: 'reload-runtime' })
    },
    { type: 'separator' },
    {
      id: 'import-session',
      label: 'Import Session…',
      accelerator: ACCELERATORS.importSession,
      click: () => run({ type: 'import-session' })
    },
    {
      id: 'export-session',
      label: 'Export Session…',
      accelerator: ACCELERATORS.exportSession,
      click: () => run({ type: 'export-session' })
    },
    { type: 'separator' },
    // On macOS, Quit lives in the app menu and File ends with Close Window, as everywhere there.
    mac ? { role: 'close' } : { id: 'quit', role: 'quit', label: 'Quit', accelerator: ACCELERATORS.quit }
  ]
  const view: MenuItemConstructorOptions[] = [
    {
      id: 'reload-window',
      label: 'Reload Window',
      accelerator: ACCELERATORS.reloadWindow,
      click: () => run({ type: 'reload-window' })
    },
    { id: 'toggle-dev-tools', role: 'toggleDevTools' },
    { type: 'separator' },
    { id: 'reset-zoom', role: 'resetZoom' },
    { id: 'zoom-in', role: 'zoomIn' },
    // The role's Plus needs Shift on most keyboards; the key that carries it zooms in too.
    { id: 'zoom-in-equals', role: 'zoomIn', accelerator: 'CmdOrCtrl+=', visible: false, acceleratorWorksWhenHidden: true },
    { id: 'zoom-out', role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' }
  ]
  return [
    ...(mac ? [{ role: 'appMenu' } satisfies MenuItemConstructorOptions] : []),
    { id: 'file', label: top('File'), submenu: file },
    // Without an Edit menu, macOS gives the page no copy and paste shortcuts.
    { role: 'editMenu', label: top('Edit') },
    { id: 'view', label: top('View'), submenu: view },
    ...(mac ? [{ role: 'windowMenu' } satisfies MenuItemConstructorOptions] : [])
  ]
}

function recentMenu(state: MenuState, run: (action: MenuAction) => void): MenuItemConstructorOptions[] {
  const { recentRuntimes, recentSessions, home } = state
  const group = (title: string, kind: 'runtime' | 'session', paths: readonly string[]): MenuItemConstructorOptions[] =>
    paths.length === 0
      ? []
      : [
          { label: title, enabled: false },
          ...paths.map((path): MenuItemConstructorOptions => ({
            id: `recent-${kind}:${path}`,
            label: recentLabel(path, home),
            toolTip: path,
            click: () => run({ type: 'open-recent', kind, path })
          }))
        ]
  const runtimes = group('Runtimes', 'runtime', recentRuntimes)
  const sessions = group('Sessions', 'session', recentSessions)
  const empty = runtimes.length === 0 && sessions.length === 0
  return [
    ...(empty ? [{ label: 'No Recent Files', enabled: false }] : []),
    ...runtimes,
    ...(runtimes.length > 0 && sessions.length > 0 ? [{ type: 'separator' } satisfies MenuItemConstructorOptions] : []),
    ...sessions,
    { type: 'separator' },
    { id: 'clear-recent', label: 'Clear Recent', enabled: !empty, click: () => run({ type: 'clear-recent' }) }
  ]
}
