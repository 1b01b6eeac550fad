/**
 * The two kinds of file the app opens, runtime modules and session files: how each is recognised,
 * filtered in a dialog and named by default.
 */
import { basename, extname, join } from 'node:path'
import type { FileFilter, OpenDialogOptions, SaveDialogOptions } from 'electron'
import type { RuntimeInfo } from '../shared/protocol'
import { MODULE_EXTENSIONS } from '../host/loader/load'

/** The extension an exported session gets. */
export const SESSION_EXTENSION = '.ndjson'
/** Extensions recognised as session files when one is dropped or opened (NDJSON goes by both names). */
export const SESSION_EXTENSIONS = [SESSION_EXTENSION, '.jsonl'] as const

/** What a file is to the app, by its extension; null for a file it cannot open. */
export function fileKind(path: string): 'runtime' | 'session' | null {
  const ext = extname(path).toLowerCase()
  if ((MODULE_EXTENSIONS as readonly string[]).includes(ext)) return 'runtime'
  if ((SESSION_EXTENSIONS as readonly string[]).includes(ext)) return 'session'
  return null
}

/** Why a file cannot be opened, for a message box. */
export function notOpenableReason(path: string): string {
  const runtime = MODULE_EXTENSIONS.join(', ')
  return `${basename(path)} is neither a runtime module (${runtime}) nor a session file (${SESSION_EXTENSIONS.join(', ')}).`
}

const dots = (exts: readonly string[]): string[] => exts.map((e) => e.slice(1))
const ALL_FILES: FileFilter = { name: 'All files', extensions: ['*'] }

export const RUNTIME_FILTERS: FileFilter[] = [{ name: 'Runtime modules', extensions: dots(MODULE_EXTENSIONS) }, ALL_FILES]
export const SESSION_FILTERS: FileFilter[] = [{ name: 'Patchscope sessions', extensions: dots(SESSION_EXTENSIONS) }, ALL_FILES]

/** File › Open Runtime…: one module, starting where the last one was. */
export function openRuntimeDialog(directory: string | undefined): OpenDialogOptions {
  return {
    title: 'Open Runtime',
    buttonLabel: 'Open',
    properties: ['openFile'],
    filters: RUNTIME_FILTERS,
    ...(directory !== undefined ? { defaultPath: directory } : {})
  }
}

/** File › Import Session…: one session file. */
export function importSessionDialog(directory: string | undefined): OpenDialogOptions {
  return {
    title: 'Import Session',
    buttonLabel: 'Import',
    properties: ['openFile'],
    filters: SESSION_FILTERS,
    ...(directory !== undefined ? { defaultPath: directory } : {})
  }
}

/** File › Export Session…: a new file named after the runtime and the time, in `directory`. */
export function exportSessionDialog(info: RuntimeInfo, now: Date, directory: string): SaveDialogOptions {
  return {
    title: 'Export Session',
    buttonLabel: 'Export',
    defaultPath: join(directory, defaultExportName(info, now)),
    filters: SESSION_FILTERS,
    properties: ['createDirectory', 'showOverwriteConfirmation']
  }
}

const pad = (n: number): string => String(n).padStart(2, '0')

/**
 * `agent-2026-11-25-1923.ndjson`: the runtime's name without its extension, then the local date
 * and time (what the user sees on their clock), in characters every file system accepts.
 * @example defaultExportName({ name: 'agent.mjs', path: '/x/agent.mjs', status: 'loaded' }, new Date(2026, 10, 25, 19, 23)) // 'agent-2026-11-25-1923.ndjson'
 */
export function defaultExportName(info: Pick<RuntimeInfo, 'name'>, now: Date): string {
  const stem = (info.name ?? '').replace(/\.[^.]*$/, '')
  const safe = stem
    .replace(/[^\p{L}\p{N}_.-]+/gu, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 80)
  const date = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}-${pad(now.getHours())}${pad(now.getMinutes())}`
  return `${safe || 'session'}-${date}${SESSION_EXTENSION}`
}
