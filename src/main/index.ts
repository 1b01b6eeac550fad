/**
 * The desktop shell: starts the host, opens the window on it. The window is served by the host
 * itself (one origin), and gets the token from the preload, never from the URL.
 */
import { join } from 'node:path'
import { app, BrowserWindow, ipcMain } from 'electron'
import type { Connection } from '../shared/api'
import { Host, startServer } from '../host'

async function start(): Promise<void> {
  const runtime = process.argv.slice(app.isPackaged ? 1 : 2).find((a) => !a.startsWith('-'))
  const { host, error } = await Host.create(runtime !== undefined ? { runtime } : {})
  if (error !== undefined) process.stderr.write(`patchscope: ${error}\n`)
  const server = await startServer({ host, rendererDir: join(import.meta.dirname, '../renderer') })
  const connection: Connection = { origin: server.origin, token: server.token }
  ipcMain.on('patchscope:connection', (event) => {
    event.returnValue = event.senderFrame?.origin === server.origin ? connection : null
  })
  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    title: 'Patchscope',
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false
    }
  })
  await win.loadURL(`${server.origin}/`)
  app.on('before-quit', () => {
    void server.close()
    void host.close()
  })
}

void app.whenReady().then(start)
app.on('window-all-closed', () => app.quit())
