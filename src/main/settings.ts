/**
 * What the app remembers between launches (window bounds, recent files), as JSON in the user data
 * folder. Read leniently: what is wrong in the file is replaced by defaults and logged, never fatal.
 * Only the fields below are ever written: nothing of a launch (the token) can reach the file.
 */
import { readFile } from 'node:fs/promises'
import { writeFileAtomic } from './atomic'
import { cleanRecent } from './recent'
import { cleanSavedWatches, type SavedWatches } from './saved-watches'

/** The window as it was last closed. `x`/`y` are absent when it was never placed by the user. */
export interface WindowState {
  x?: number
  y?: number
  width: number
  height: number
  maximized: boolean
  zoomFactor: number
}

export interface Settings {
  window: WindowState | null
  /** Absolute paths, most recent first. */
  recentRuntimes: string[]
  /** Absolute paths of sessions imported or exported, most recent first. */
  recentSessions: string[]
  /** Each runtime module's watches, by its absolute path (see `saved-watches.ts`). */
  watches: SavedWatches
}

/** The settings file's format version. */
export const SETTINGS_VERSION = 1

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({ window: null, recentRuntimes: [], recentSessions: [], watches: {} })

/** The bounds a window may be restored to; anything outside is not a window a user made. */
export const WINDOW_LIMITS = { minWidth: 640, minHeight: 400, max: 100_000, minZoom: 0.25, maxZoom: 5 } as const

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)

function cleanWindow(v: unknown): { window: WindowState | null; problems: string[] } {
  if (v === undefined || v === null) return { window: null, problems: [] }
  const wrong = (why: string): { window: null; problems: string[] } => ({ window: null, problems: [`"window" ${why}`] })
  if (!isObject(v)) return wrong('is not an object')
  const { x, y, width, height, maximized = false, zoomFactor = 1 } = v
  const { minWidth, minHeight, max, minZoom, maxZoom } = WINDOW_LIMITS
  if (!isNumber(width) || !isNumber(height) || width < minWidth || height < minHeight || width > max || height > max)
    return wrong(`has no usable size (at least ${minWidth}×${minHeight})`)
  if ((x !== undefined || y !== undefined) && !(isNumber(x) && isNumber(y) && Math.abs(x) <= max && Math.abs(y) <= max))
    return wrong('has an unusable position')
  if (typeof maximized !== 'boolean') return wrong('has a "maximized" that is not true or false')
  if (!isNumber(zoomFactor) || zoomFactor < minZoom || zoomFactor > maxZoom) return wrong(`has a zoom outside ${minZoom}–${maxZoom}`)
  const position = isNumber(x) && isNumber(y) ? { x: Math.round(x), y: Math.round(y) } : {}
  return { window: { ...position, width: Math.round(width), height: Math.round(height), maximized, zoomFactor }, problems: [] }
}

/**
 * Reads a settings file's text. Whatever is wrong is replaced by its default and named in
 * `problems` (empty for a sound file); what is sound is kept.
 */
export function parseSettings(text: string): { settings: Settings; problems: string[] } {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    return { settings: { ...DEFAULT_SETTINGS }, problems: [`it is not valid JSON (${(e as Error).message})`] }
  }
  if (!isObject(value)) return { settings: { ...DEFAULT_SETTINGS }, problems: ['it is not a JSON object'] }
  if (value.version !== SETTINGS_VERSION) {
    return { settings: { ...DEFAULT_SETTINGS }, problems: [`its version is ${JSON.stringify(value.version)}, not ${SETTINGS_VERSION}`] }
  }
  const { window, problems } = cleanWindow(value.window)
  const recent = (key: 'recentRuntimes' | 'recentSessions'): string[] => {
    if (value[key] === undefined) return []
    const { list, problems: wrong } = cleanRecent(value[key])
    problems.push(...wrong.map((why) => `"${key}": ${why}`))
    return list
  }
  const watches = cleanSavedWatches(value.watches)
  problems.push(...watches.problems)
  return {
    settings: { window, recentRuntimes: recent('recentRuntimes'), recentSessions: recent('recentSessions'), watches: watches.watches },
    problems
  }
}

/** The file's text: the known fields only, picked one by one. */
export function serializeSettings({ window, recentRuntimes, recentSessions, watches }: Settings): string {
  return JSON.stringify({ version: SETTINGS_VERSION, window, recentRuntimes, recentSessions, watches }, null, 2) + '\n'
}

export interface SettingsStore {
  /** The settings now (defaults until `load`). */
  get(): Settings
  /** Reads the file; a missing one gives defaults, a wrong one is logged and replaced at once. */
  load(): Promise<Settings>
  /** Changes the settings, tells subscribers, and writes the file (failures are logged: the app goes on). */
  update(change: (settings: Settings) => Settings): Promise<void>
  /** Calls `listener` after each change; returns the unsubscribe function. */
  subscribe(listener: (settings: Settings) => void): () => void
  /** Waits for the writes under way. */
  flush(): Promise<void>
}

export interface SettingsStoreOptions {
  /** `settings.json` in the user data folder. */
  file: string
  log: (text: string) => void
}

/** The settings of `file`: defaults until `load`, each change written atomically, one write at a time. */
export function createSettingsStore({ file, log }: SettingsStoreOptions): SettingsStore {
  let settings: Settings = { ...DEFAULT_SETTINGS }
  let writing: Promise<void> = Promise.resolve()
  const listeners = new Set<(settings: Settings) => void>()

  const save = (): Promise<void> => {
    const text = serializeSettings(settings)
    writing = writing.then(() =>
      writeFileAtomic(file, text).catch((e: unknown) => log(`[patchscope] the settings could not be saved to ${file}: ${String(e)}\n`))
    )
    return writing
  }

  return {
    get: () => settings,
    async load() {
      let text: string
      try {
        text = await readFile(file, 'utf8')
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
          log(`[patchscope] the settings file ${file} could not be read, so defaults are used: ${String(e)}\n`)
        return settings
      }
      const parsed = parseSettings(text)
      settings = parsed.settings
      if (parsed.problems.length > 0) {
        log(`[patchscope] the settings file ${file} was replaced, keeping what was sound: ${parsed.problems.join('; ')}\n`)
        await save()
      }
      return settings
    },
    update(change) {
      settings = change(settings)
      for (const listener of listeners) listener(settings)
      return save()
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    flush: () => writing
  }
}
