/**
 * The app's window (Electron): made from `windowOptions`, held to the host's origin by the
 * policies of `security.ts`, and watched for a page that crashes or stops answering.
 */
import { app, BrowserWindow, dialog, nativeTheme, screen, session, type Session, type WebContents } from 'electron'
import { chosen, windowGonePrompt, windowUnresponsivePrompt } from './dialogs'
import { loggableUrl, mayNavigate, mayRequest, mayUsePermission, withContentSecurityPolicy } from './security'
import type { WindowState } from './settings'
import { restoreBounds, WINDOW_PARTITION, windowOptions } from './window-state'

export interface WindowOptions {
  /** The host's origin, the only one the window may show or reach. */
  origin: string
  /** The built preload. */
  preload: string
  saved: WindowState | null
  title: string
  log: (text: string) => void
}

/** Makes the window (not yet loaded) with its session and its page held to `origin`. */
export function createWindow({ origin, preload, saved, title, log }: WindowOptions): BrowserWindow {
  guardSession(session.fromPartition(WINDOW_PARTITION), origin, log)
  const primary = screen.getPrimaryDisplay()
  const areas = [primary, ...screen.getAllDisplays().filter((d) => d.id !== primary.id)].map((d) => d.workArea)
  const win = new BrowserWindow(
    windowOptions({
      bounds: restoreBounds(saved, areas),
      preload,
      title,
      dark: nativeTheme.shouldUseDarkColors,
      ...(saved ? { zoomFactor: saved.zoomFactor } : {})
    })
  )
  if (saved?.maximized) win.maximize()
  // The title says which runtime runs; the page's own <title> does not replace it.
  win.on('page-title-updated', (event) => event.preventDefault())
  guardContents(win.webContents, origin, log)
  watchContents(win, log)
  return win
}

function guardSession(ses: Session, origin: string, log: (text: string) => void): void {
  ses.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(mayUsePermission(permission, details.requestingUrl, origin))
  )
  ses.setPermissionCheckHandler((_contents, permission, requestingOrigin) => mayUsePermission(permission, requestingOrigin, origin))
  ses.setDevicePermissionHandler(() => false)
  ses.webRequest.onBeforeRequest((details, callback) => {
    const allowed = mayRequest(details.url, origin)
    if (!allowed) log(`[patchscope] refused a request from the window to ${loggableUrl(details.url)}\n`)
    callback({ cancel: !allowed })
  })
  ses.webRequest.onHeadersReceived((details, callback) => {
    const { changed, headers } = withContentSecurityPolicy(details.url, details.responseHeaders ?? {}, origin)
    callback(changed ? { responseHeaders: headers } : {})
  })
}

function guardContents(contents: WebContents, origin: string, log: (text: string) => void): void {
  contents.setWindowOpenHandler(({ url }) => {
    log(`[patchscope] refused to open a window on ${loggableUrl(url)}\n`)
    return { action: 'deny' }
  })
  const stay = (event: { url: string; preventDefault(): void }): void => {
    if (mayNavigate(event.url, origin)) return
    event.preventDefault()
    log(`[patchscope] refused to leave the host's page for ${loggableUrl(event.url)}\n`)
  }
  contents.on('will-navigate', stay)
  contents.on('will-redirect', stay)
  contents.on('will-attach-webview', (event) => event.preventDefault())
}

function watchContents(win: BrowserWindow, log: (text: string) => void): void {
  const contents = win.webContents
  // Set while a hung page is ended on the user's word, so that its end is not reported as a crash.
  let restarting = false
  contents.on('render-process-gone', (_event, details) => {
    log(`[patchscope] the window's page process is gone: ${details.reason} (exit code ${details.exitCode})\n`)
    if (restarting) {
      restarting = false
      return
    }
    if (details.reason === 'clean-exit' || win.isDestroyed()) return
    const prompt = windowGonePrompt(details)
    void dialog.showMessageBox(win, prompt.options).then(({ response }) => {
      if (chosen(prompt, response) === 'reload-window') contents.reload()
      else app.quit()
    })
  })
  let hung: AbortController | undefined
  contents.on('unresponsive', () => {
    if (hung !== undefined) return
    const controller = (hung = new AbortController())
    const prompt = windowUnresponsivePrompt()
    void dialog.showMessageBox(win, { ...prompt.options, signal: controller.signal }).then(({ response }) => {
      if (hung === controller) hung = undefined
      if (controller.signal.aborted || chosen(prompt, response) !== 'reload-window') return
      // A busy page cannot unload itself: its process is ended, and the reload starts a new one.
      restarting = true
      contents.forcefullyCrashRenderer()
      contents.reload()
    })
  })
  contents.on('responsive', () => {
    hung?.abort()
    hung = undefined
  })
}
