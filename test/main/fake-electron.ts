/**
 * Just enough of Electron's main-process API for `src/main/index.ts` to start under Node: each
 * call is recorded, dialogs answer from queues, and events can be emitted by the test. The real
 * binary cannot run here; this checks the wiring, the plain modules check the decisions.
 */
import { EventEmitter } from 'node:events'
import type { MenuItemConstructorOptions, MessageBoxOptions, OpenDialogOptions, SaveDialogOptions } from 'electron'

type Listener = (...args: never[]) => unknown

/** What the fake saw, and what its dialogs will answer next. */
export const seen = {
  windows: [] as FakeWindow[],
  menus: [] as MenuItemConstructorOptions[][],
  boxes: [] as MessageBoxOptions[],
  errorBoxes: [] as Array<[string, string]>,
  openDialogs: [] as OpenDialogOptions[],
  saveDialogs: [] as SaveDialogOptions[],
  recentDocuments: [] as string[],
  lockData: undefined as unknown,
  sandboxEnabled: false,
  quits: 0,
  exitCode: undefined as number | undefined,
  session: {
    permissionRequest: undefined as Listener | undefined,
    permissionCheck: undefined as Listener | undefined,
    devicePermission: undefined as Listener | undefined,
    beforeRequest: undefined as Listener | undefined,
    headersReceived: undefined as Listener | undefined
  }
}
export const answers = { open: [] as string[], save: [] as string[], box: [] as number[] }

let settle: (url: string) => void = () => undefined
/** Resolves with the URL the first window loads. */
export const windowLoaded = new Promise<string>((resolve) => (settle = resolve))

class FakeWebContents extends EventEmitter {
  readonly id = 1
  url = ''
  zoomFactor = 1
  reloads = 0
  sent: Array<[string, unknown]> = []
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler
  }
  getURL(): string {
    return this.url
  }
  send(channel: string, value: unknown): void {
    this.sent.push([channel, value])
  }
  reload(): void {
    this.reloads++
  }
  getZoomFactor(): number {
    return this.zoomFactor
  }
  forcefullyCrashRenderer(): void {}
}

class FakeWindow extends EventEmitter {
  readonly webContents = new FakeWebContents()
  title: string
  destroyed = false
  focused = 0
  constructor(readonly options: { title?: string; x?: number; y?: number; width?: number; height?: number }) {
    super()
    this.title = options.title ?? ''
    seen.windows.push(this)
  }
  async loadURL(url: string): Promise<void> {
    this.webContents.url = url
    settle(url)
  }
  setTitle(title: string): void {
    this.title = title
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
  isMinimized(): boolean {
    return false
  }
  restore(): void {}
  focus(): void {
    this.focused++
  }
  maximize(): void {}
  isMaximized(): boolean {
    return false
  }
  getNormalBounds(): { x: number; y: number; width: number; height: number } {
    return { x: 40, y: 50, width: 1100, height: 700 }
  }
}

const handlers = new Map<string, Listener>()
const listeners = new Map<string, Listener>()

export const ipcMain = {
  on: (channel: string, listener: Listener) => void listeners.set(channel, listener),
  handle: (channel: string, handler: Listener) => void handlers.set(channel, handler),
  removeAllListeners: (channel: string) => void listeners.delete(channel),
  removeHandler: (channel: string) => void handlers.delete(channel)
}

/** An IPC event as Electron makes it, from a sender the test describes. */
export function ipcEvent(frame: { origin: string; url: string; parent: unknown } | null, webContentsId = 1) {
  return { sender: { id: webContentsId }, senderFrame: frame, returnValue: undefined as unknown }
}

/** Sends a message to a `ipcMain.on` listener; the event, with its return value. */
export function ipcSend(channel: string, event: ReturnType<typeof ipcEvent>, ...args: unknown[]): ReturnType<typeof ipcEvent> {
  const listener = listeners.get(channel) as ((event: unknown, ...args: unknown[]) => void) | undefined
  if (listener === undefined) throw new Error(`nothing listens on ${channel}`)
  listener(event, ...args)
  return event
}

/** Invokes a `ipcMain.handle` handler, as `ipcRenderer.invoke` would. */
export async function ipcInvoke(channel: string, event: ReturnType<typeof ipcEvent>): Promise<unknown> {
  const handler = handlers.get(channel) as ((event: unknown) => unknown) | undefined
  if (handler === undefined) throw new Error(`nothing handles ${channel}`)
  return handler(event)
}

export const appEvents = new EventEmitter()
let userData = ''
export function setUserData(dir: string): void {
  userData = dir
}

export const app = {
  isPackaged: false,
  enableSandbox: () => void (seen.sandboxEnabled = true),
  requestSingleInstanceLock: (data: unknown) => ((seen.lockData = data), true),
  on: (event: string, listener: Parameters<EventEmitter['on']>[1]) => void appEvents.on(event, listener),
  whenReady: () => Promise.resolve(),
  quit: () => {
    seen.quits++
    const event = { defaultPrevented: false, preventDefault: () => void (event.defaultPrevented = true) }
    appEvents.emit('will-quit', event)
  },
  exit: (code: number) => void (seen.exitCode = code),
  getPath: (name: string) => (name === 'userData' ? userData : `${userData}/${name}`),
  addRecentDocument: (path: string) => void seen.recentDocuments.push(path),
  clearRecentDocuments: () => undefined
}

export const dialog = {
  showOpenDialog: async (_win: unknown, options: OpenDialogOptions) => {
    seen.openDialogs.push(options)
    const path = answers.open.shift()
    return { canceled: path === undefined, filePaths: path === undefined ? [] : [path] }
  },
  showSaveDialog: async (_win: unknown, options: SaveDialogOptions) => {
    seen.saveDialogs.push(options)
    const path = answers.save.shift()
    return { canceled: path === undefined, filePath: path ?? '' }
  },
  showMessageBox: async (_win: unknown, options: MessageBoxOptions) => {
    seen.boxes.push(options)
    return { response: answers.box.shift() ?? options.cancelId ?? 0, checkboxChecked: false }
  },
  showErrorBox: (title: string, content: string) => void seen.errorBoxes.push([title, content])
}

export const Menu = {
  buildFromTemplate: (template: MenuItemConstructorOptions[]) => template,
  setApplicationMenu: (menu: MenuItemConstructorOptions[]) => void seen.menus.push(menu)
}

const display = { id: 1, workArea: { x: 0, y: 0, width: 1920, height: 1080 } }
export const screen = { getPrimaryDisplay: () => display, getAllDisplays: () => [display] }
export const nativeTheme = { shouldUseDarkColors: false }

export const session = {
  fromPartition: () => ({
    setPermissionRequestHandler: (h: Listener) => void (seen.session.permissionRequest = h),
    setPermissionCheckHandler: (h: Listener) => void (seen.session.permissionCheck = h),
    setDevicePermissionHandler: (h: Listener) => void (seen.session.devicePermission = h),
    webRequest: {
      onBeforeRequest: (h: Listener) => void (seen.session.beforeRequest = h),
      onHeadersReceived: (h: Listener) => void (seen.session.headersReceived = h)
    }
  })
}

export const BrowserWindow = FakeWindow
