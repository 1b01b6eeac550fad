/**
 * The one object the window gets from the shell: `window.patchscope` (`PatchscopeApi`), given only
 * to the host's own page. Files dropped on the window and not taken by the page are handed to the
 * shell to open.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron'
import { CHANNELS, type Connection, type Outcome, type PatchscopeApi, type SessionFile, type ShellEvent } from '../shared/api'

function isConnection(v: unknown): v is Connection {
  return typeof v === 'object' && v !== null && typeof (v as Connection).origin === 'string' && typeof (v as Connection).token === 'string'
}

// Null unless this page is the host's, in the app's window (the main process checks).
const connection: unknown = ipcRenderer.sendSync(CHANNELS.connection)

if (isConnection(connection)) {
  const api: PatchscopeApi = {
    connection,
    chooseRuntime: () => ipcRenderer.invoke(CHANNELS.chooseRuntime) as Promise<string | null>,
    exportSession: () => ipcRenderer.invoke(CHANNELS.exportSession) as Promise<Outcome<{ path: string }> | null>,
    importSession: () => ipcRenderer.invoke(CHANNELS.importSession) as Promise<Outcome<SessionFile> | null>,
    onShellEvent(listener) {
      const handler = (_: IpcRendererEvent, event: ShellEvent): void => listener(event)
      ipcRenderer.on(CHANNELS.shellEvent, handler)
      return () => {
        ipcRenderer.off(CHANNELS.shellEvent, handler)
      }
    }
  }
  contextBridge.exposeInMainWorld('patchscope', api)
  acceptDroppedFiles()
}

/** The parts of a DOM drag event used here (the preload is typed without the DOM library). */
interface FileDragEvent {
  readonly isTrusted: boolean
  readonly defaultPrevented: boolean
  preventDefault(): void
  readonly dataTransfer: { readonly types: readonly string[]; readonly files: ArrayLike<File>; dropEffect: string } | null
}

interface DropTarget {
  addEventListener(type: 'dragover' | 'drop', listener: (event: FileDragEvent) => void): void
}

function isDropTarget(v: unknown): v is DropTarget {
  return typeof v === 'object' && v !== null && typeof (v as { addEventListener?: unknown }).addEventListener === 'function'
}

/**
 * A file dropped anywhere the page does not handle drops itself (it would have prevented the
 * default) goes to the shell, which loads a module or imports a session.
 */
function acceptDroppedFiles(): void {
  const page: unknown = globalThis
  if (!isDropTarget(page)) return
  const carriesFiles = (event: FileDragEvent): boolean => event.dataTransfer?.types.includes('Files') === true
  page.addEventListener('dragover', (event) => {
    if (event.defaultPrevented || !carriesFiles(event) || event.dataTransfer === null) return
    event.preventDefault()
    event.dataTransfer.dropEffect = 'copy'
  })
  page.addEventListener('drop', (event) => {
    if (!event.isTrusted || event.defaultPrevented || !carriesFiles(event) || event.dataTransfer === null) return
    event.preventDefault()
    const paths = Array.from(event.dataTransfer.files, (file) => webUtils.getPathForFile(file)).filter((path) => path !== '')
    if (paths.length > 0) ipcRenderer.send(CHANNELS.dropFiles, paths)
  })
}
