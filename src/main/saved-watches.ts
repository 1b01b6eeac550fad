/**
 * The desktop app keeps each runtime's watches (issue 13): when a runtime module loads, the
 * watches saved for its path are added to the host's (but for those already there); while it is
 * loaded, each change of the watches (added, removed, pause turned on) is saved for its path. An
 * offline session keeps its watches in its own file and saves none here. Electron-free: the host's
 * registry and the settings are ports, faked in the tests.
 */
import type { RuntimeInfo, SavedWatch } from '../shared/protocol'

/** Runtime paths whose watches are kept; past this, the one saved longest ago is forgotten. */
export const MAX_SAVED_RUNTIMES = 50
/** Watches kept a runtime (the host's own limit). */
export const MAX_SAVED_WATCHES = 100

/** Runtime path → its watches, most recently saved last. */
export type SavedWatches = Record<string, SavedWatch[]>

/** What the keeper uses of the host's watch registry (`Host.watches`). */
export interface WatchesPort {
  saved(): SavedWatch[]
  restore(saved: readonly SavedWatch[]): void
  /** Called on every change, hit counts and scans included. */
  subscribe(listener: () => void): () => void
}

/** Where the watches are kept (the app's settings). */
export interface SavedWatchesPort {
  get(): SavedWatches
  set(change: (all: SavedWatches) => SavedWatches): void
}

export interface WatchKeeper {
  /** The runtime's info changed (a load, a reload, a stop, an import). */
  runtimeChanged(info: RuntimeInfo): void
  close(): void
}

/**
 * Restores and saves the watches of each runtime path.
 * @example
 * const keeper = createWatchKeeper({ watches: host.watches, store })
 * host.onRuntimeChange((info) => keeper.runtimeChanged(info))
 */
export function createWatchKeeper({ watches, store }: { watches: WatchesPort; store: SavedWatchesPort }): WatchKeeper {
  /** The path of the module loaded now (undefined: none, or an offline session). */
  let current: string | undefined
  /** What was last saved (or restored) for `current`, as JSON: hit counts change often, the list seldom. */
  let written = ''
  let restoring = false

  const save = (): void => {
    if (current === undefined || restoring) return
    const list = watches.saved().slice(0, MAX_SAVED_WATCHES)
    const text = JSON.stringify(list)
    if (text === written) return
    written = text
    const path = current
    store.set((all) => rememberWatches(all, path, list))
  }
  const unsubscribe = watches.subscribe(save)

  return {
    runtimeChanged(info) {
      const path = info.status === 'loaded' && info.path !== null ? info.path : undefined
      if (path === current) return
      current = path
      if (path === undefined) return
      const saved = Object.hasOwn(store.get(), path) ? (store.get()[path] as SavedWatch[]) : []
      restoring = true
      try {
        watches.restore(saved)
      } finally {
        restoring = false
      }
      // Saved again once the user changes them, not for having been restored.
      written = JSON.stringify(watches.saved().slice(0, MAX_SAVED_WATCHES))
    },
    close: unsubscribe
  }
}

/** `all` with `path`'s watches replaced (moved last; an empty list forgets the path), bounded. */
export function rememberWatches(all: SavedWatches, path: string, list: readonly SavedWatch[]): SavedWatches {
  const entries = Object.entries(all).filter(([p]) => p !== path)
  if (list.length > 0) entries.push([path, list.map(({ text, pause }) => ({ text, pause }))])
  return Object.fromEntries(entries.slice(-MAX_SAVED_RUNTIMES))
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * Reads the settings file's `watches`: what cannot be a runtime's saved watches is left out and
 * named in `problems`. Built with `Object.fromEntries`, so a path named `__proto__` is a key like
 * any other.
 */
export function cleanSavedWatches(v: unknown): { watches: SavedWatches; problems: string[] } {
  if (v === undefined) return { watches: {}, problems: [] }
  if (!isObject(v)) return { watches: {}, problems: ['"watches" is not an object'] }
  const problems: string[] = []
  const entries: [string, SavedWatch[]][] = []
  for (const [path, list] of Object.entries(v)) {
    if (!Array.isArray(list)) {
      problems.push(`"watches" of ${path} is not a list`)
      continue
    }
    const kept = list.filter((w): w is SavedWatch => isObject(w) && typeof w.text === 'string' && typeof w.pause === 'boolean')
    if (kept.length < list.length) problems.push(`"watches" of ${path}: ${list.length - kept.length} not a watch`)
    if (kept.length > 0) entries.push([path, kept.slice(0, MAX_SAVED_WATCHES).map(({ text, pause }) => ({ text, pause }))])
  }
  return { watches: Object.fromEntries(entries.slice(-MAX_SAVED_RUNTIMES)), problems }
}
