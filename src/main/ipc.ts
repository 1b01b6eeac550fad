/**
 * The main process's side of the preload bridge (Electron): each channel answers the app's window,
 * on the host's page, in its top frame, and no one else.
 */
import { ipcMain, type BrowserWindow, type IpcMainEvent, type IpcMainInvokeEvent } from 'electron'
import { CHANNELS, type Connection } from '../shared/api'
import type { Commands } from './commands'
import { isTrustedSender, loggableUrl } from './security'

export interface BridgeOptions {
  win: BrowserWindow
  connection: Connection
  commands: Commands
  log: (text: string) => void
}

/** Registers the bridge's handlers; returns the function that removes them. */
export function serveBridge({ win, connection, commands, log }: BridgeOptions): () => void {
  const expected = { webContentsId: win.webContents.id, origin: connection.origin }
  const trusted = (event: IpcMainEvent | IpcMainInvokeEvent, channel: string): boolean => {
    const frame = event.senderFrame
    if (isTrustedSender({ webContentsId: event.sender.id, frame }, expected)) return true
    log(`[patchscope] refused ${channel} from ${frame ? loggableUrl(frame.url) : 'a frame that is gone'}\n`)
    return false
  }
  const refused = (channel: string): Error => new Error(`${channel} is only for the Patchscope window`)

  // Synchronous: the preload needs it before the page runs. A return value is always set, else the sender hangs.
  ipcMain.on(CHANNELS.connection, (event) => {
    event.returnValue = trusted(event, CHANNELS.connection) ? connection : null
  })
  ipcMain.handle(CHANNELS.chooseRuntime, (event) =>
    trusted(event, CHANNELS.chooseRuntime) ? commands.chooseRuntime() : Promise.reject(refused(CHANNELS.chooseRuntime))
  )
  ipcMain.handle(CHANNELS.exportSession, (event) =>
    trusted(event, CHANNELS.exportSession) ? commands.exportSession('window') : Promise.reject(refused(CHANNELS.exportSession))
  )
  ipcMain.handle(CHANNELS.importSession, (event) =>
    trusted(event, CHANNELS.importSession) ? commands.importSession(undefined, 'window') : Promise.reject(refused(CHANNELS.importSession))
  )
  ipcMain.on(CHANNELS.dropFiles, (event, paths: unknown) => {
    if (!trusted(event, CHANNELS.dropFiles)) return
    commands.openDropped(paths).catch((e: unknown) => log(`[patchscope] opening a dropped file failed: ${String(e)}\n`))
  })

  return () => {
    ipcMain.removeAllListeners(CHANNELS.connection)
    ipcMain.removeAllListeners(CHANNELS.dropFiles)
    for (const channel of [CHANNELS.chooseRuntime, CHANNELS.exportSession, CHANNELS.importSession]) ipcMain.removeHandler(channel)
  }
}
