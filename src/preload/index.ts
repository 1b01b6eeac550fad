/**
 * The one object the window gets from the shell: `window.patchscope` (`PatchscopeApi`).
 */
import { contextBridge, ipcRenderer } from 'electron'
import type { Connection, MenuCommand, PatchscopeApi } from '../shared/api'

const connection = ipcRenderer.sendSync('patchscope:connection') as Connection | null

if (connection !== null) {
  const api: PatchscopeApi = {
    connection,
    chooseRuntime: () => ipcRenderer.invoke('patchscope:choose-runtime') as Promise<string | null>,
    exportSession: () => ipcRenderer.invoke('patchscope:export-session') as Promise<string | null>,
    importSession: () => ipcRenderer.invoke('patchscope:import-session') as Promise<{ events: number } | null>,
    onMenu(listener: (command: MenuCommand) => void) {
      const handler = (_: unknown, command: MenuCommand): void => listener(command)
      ipcRenderer.on('patchscope:menu', handler)
      return () => ipcRenderer.off('patchscope:menu', handler)
    }
  }
  contextBridge.exposeInMainWorld('patchscope', api)
}
