/**
 * The recent runtimes and sessions: most recent first, each path once, a few of them.
 */
import { basename, dirname, isAbsolute, normalize, sep } from 'node:path'

/** How many recent runtimes (and, apart, sessions) are kept. */
export const MAX_RECENT = 10

/** `list` with `path` moved (or added) to the front, at most `max` long. */
export function addRecent(list: readonly string[], path: string, max = MAX_RECENT): string[] {
  const p = normalize(path)
  return [p, ...list.filter((q) => q !== p)].slice(0, max)
}

/** `list` without `path`. */
export function removeRecent(list: readonly string[], path: string): string[] {
  const p = normalize(path)
  return list.filter((q) => q !== p)
}

/**
 * A recent list as read from disk: absolute paths only, each once, at most `max`; what was wrong
 * with it, if anything, in `problems`.
 */
export function cleanRecent(value: unknown, max = MAX_RECENT): { list: string[]; problems: string[] } {
  if (!Array.isArray(value)) return { list: [], problems: ['it is not a list'] }
  const list: string[] = []
  let dropped = 0
  for (const item of value) {
    if (typeof item !== 'string' || !isAbsolute(item)) dropped++
    else if (!list.includes(normalize(item))) list.push(normalize(item))
  }
  const problems = dropped > 0 ? [`${dropped} entr${dropped === 1 ? 'y is' : 'ies are'} not absolute paths`] : []
  if (list.length > max) problems.push(`it holds more than ${max} entries`)
  return { list: list.slice(0, max), problems }
}

/**
 * A menu label for a recent file: its name, then its folder with the home folder shortened to `~`.
 * `&` is doubled: Windows and Linux menus take a single one as the mnemonic marker.
 * @example recentLabel('/home/ada/work/agent.mjs', '/home/ada') // 'agent.mjs — ~/work'
 */
export function recentLabel(path: string, home: string): string {
  let folder = dirname(path)
  if (home !== '' && (folder === home || folder.startsWith(home + sep))) folder = '~' + folder.slice(home.length)
  return `${basename(path)} — ${folder}`.replaceAll('&', '&&')
}
