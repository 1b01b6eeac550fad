/**
 * What changed about the runtime between two looks at `host.runtime.info`: the shell reacts to a
 * load (recent list, title, menu), a runtime that stopped by itself, and one that stopped answering.
 */
import type { RuntimeInfo } from '../shared/protocol'

export type RuntimeChange =
  /** A module now runs (loaded, or reloaded from another path), whoever asked for it: the menu or the window. */
  | { type: 'loaded'; path: string; name: string }
  /** The running module's thread ended by itself. */
  | { type: 'stopped'; path: string; name: string; error: string }
  | { type: 'unresponsive'; path: string; name: string }
  | { type: 'responsive'; path: string; name: string }

const same = (a: RuntimeInfo, b: RuntimeInfo): boolean =>
  a.path === b.path && a.name === b.name && a.status === b.status && a.error === b.error && a.responsive === b.responsive

/**
 * The changes from `before` to `after`, in the order to react to them; `changed` is false when
 * nothing the shell shows (title, menu) differs.
 */
export function runtimeChanges(before: RuntimeInfo, after: RuntimeInfo): { changed: boolean; changes: RuntimeChange[] } {
  if (same(before, after)) return { changed: false, changes: [] }
  const changes: RuntimeChange[] = []
  const { path, status } = after
  const name = after.name ?? path ?? 'the runtime'
  const wasRunning = before.status === 'loaded' && before.path === path
  if (path !== null && status === 'loaded' && !wasRunning) changes.push({ type: 'loaded', path, name })
  if (path !== null && status === 'failed' && wasRunning)
    changes.push({ type: 'stopped', path, name, error: after.error ?? 'its thread ended' })
  if (path !== null && status === 'loaded' && wasRunning && before.responsive !== after.responsive) {
    if (after.responsive === false) changes.push({ type: 'unresponsive', path, name })
    else if (before.responsive === false) changes.push({ type: 'responsive', path, name })
  }
  return { changed: true, changes }
}

/** Whether File › Reload Runtime has something to reload: a module was loaded, or failed to (an imported session has none). */
export function canReload(info: RuntimeInfo): boolean {
  return info.path !== null && (info.status === 'loaded' || info.status === 'failed')
}
