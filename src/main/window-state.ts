/**
 * The window: where it opens (where it was, if that is still on a screen), the options it is made
 * with (the security defaults live here, in one place), and its title.
 */
import type { BrowserWindowConstructorOptions, Rectangle } from 'electron'
import type { RuntimeInfo } from '../shared/protocol'
import { WINDOW_LIMITS, type WindowState } from './settings'

/** The size of a first window: the layout is made to hold at 1280×800. */
export const DEFAULT_SIZE = { width: 1280, height: 800 } as const

/**
 * The window's session: in memory (no `persist:` prefix), so nothing the page fetches or stores,
 * URLs with the token included, is ever cached on disk.
 */
export const WINDOW_PARTITION = 'patchscope-window'

/** How much of a window must lie on a screen for it to be restored there: enough to grab its title bar. */
const GRAB = { width: 120, height: 60 } as const

function overlap(a: Rectangle, b: Rectangle): { width: number; height: number } {
  return {
    width: Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)),
    height: Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y))
  }
}

/**
 * Where the window opens: where it was when a screen still shows enough of it, else centred (no
 * `x`/`y`) on the primary screen; never larger than the screen it opens on.
 * @param workAreas the screens' work areas, the primary first
 */
export function restoreBounds(
  saved: WindowState | null,
  workAreas: readonly Rectangle[]
): Partial<Rectangle> & { width: number; height: number } {
  const primary = workAreas[0]
  const size = saved ?? DEFAULT_SIZE
  const fit = (area: Rectangle | undefined): { width: number; height: number } => ({
    width: Math.max(WINDOW_LIMITS.minWidth, Math.min(size.width, area?.width ?? size.width)),
    height: Math.max(WINDOW_LIMITS.minHeight, Math.min(size.height, area?.height ?? size.height))
  })
  if (saved?.x === undefined || saved.y === undefined) return fit(primary)
  const rect = { x: saved.x, y: saved.y, width: saved.width, height: saved.height }
  const shown = workAreas.find((area) => {
    const o = overlap(rect, area)
    return o.width >= Math.min(GRAB.width, rect.width) && o.height >= Math.min(GRAB.height, rect.height)
  })
  if (shown === undefined) return fit(primary)
  const { width, height } = fit(shown)
  // Pulled back inside the screen it is on, so that a window larger than it does not hang off.
  const x = Math.min(Math.max(saved.x, shown.x), shown.x + shown.width - width)
  const y = Math.min(Math.max(saved.y, shown.y), shown.y + shown.height - height)
  return { x, y, width, height }
}

export interface WindowOptionsInput {
  bounds: Partial<Rectangle> & { width: number; height: number }
  /** The built preload, `out/preload/index.cjs`. */
  preload: string
  title: string
  /** The system is in dark mode: the window is painted dark before the page arrives. */
  dark: boolean
  /** @default 1 */
  zoomFactor?: number
}

/**
 * The window's options. The page is a web page that talks to the host over HTTP, so it gets no
 * Node, runs sandboxed and isolated from the preload, and cannot be led anywhere else.
 */
export function windowOptions({ bounds, preload, title, dark, zoomFactor = 1 }: WindowOptionsInput): BrowserWindowConstructorOptions {
  return {
    ...bounds,
    minWidth: WINDOW_LIMITS.minWidth,
    minHeight: WINDOW_LIMITS.minHeight,
    title,
    backgroundColor: dark ? '#1e1e1e' : '#ffffff',
    webPreferences: {
      preload,
      partition: WINDOW_PARTITION,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      // The spellchecker downloads dictionaries; nothing here is prose.
      spellcheck: false,
      safeDialogs: true,
      zoomFactor
    }
  }
}

/** The state to remember of a window as it closes (its normal bounds when maximized or full screen). */
export function windowState(normal: Rectangle, { maximized, zoomFactor }: { maximized: boolean; zoomFactor: number }): WindowState {
  const { x, y, width, height } = normal
  return { x, y, width, height, maximized, zoomFactor }
}

/**
 * `agent.mjs — Patchscope`, with what is wrong with it, so the title bar and the task switcher say
 * which runtime this is.
 */
export function windowTitle(info: RuntimeInfo, app = 'Patchscope'): string {
  if (info.status === 'none') return app
  if (info.status === 'session') return `${info.name ?? 'Imported'} (session) — ${app}`
  const name = info.name ?? 'Runtime'
  if (info.status === 'failed') return `${name} (failed) — ${app}`
  return `${name}${info.responsive === false ? ' (not responding)' : ''} — ${app}`
}
