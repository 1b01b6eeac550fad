/**
 * The folder of journals: their names, what each holds (read from its first and last lines), which
 * ended unexpectedly, and pruning by age and total size.
 */
import { createReadStream } from 'node:fs'
import { open, readdir, readFile, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { SessionSummary } from '../../shared/journal'
import type { RuntimeInfo } from '../../shared/protocol'
import { parseClosingLine } from '../../shared/session-end'

/** Beside a journal being written: `{ pid, startedAt }` of the process writing it. */
export const LOCK_SUFFIX = '.lock'
const SUFFIX = '.patchscope.ndjson'
/** A journal's name: letters, digits, `.`, `_` and `-` only, so an id from a URL can never leave the folder. */
const ID = /^[\w.-]+\.patchscope\.ndjson$/

/** The file name of a new journal: the runtime's name, the time, the process. */
export function journalFileName(info: RuntimeInfo, now: number, pid: number): string {
  const name = (info.name ?? 'session').replace(/\.[cm]?[jt]s$/, '').replace(/[^\w.-]+/g, '-') || 'session'
  return `${name}-${new Date(now).toISOString().replace(/:/g, '-').replace('Z', '')}-${pid}${SUFFIX}`
}

/**
 * The path of the journal `id` in `dir`.
 * @throws {RangeError} for anything but a journal's file name
 */
export function sessionPath(dir: string, id: string): string {
  if (!ID.test(id) || id.startsWith('.')) throw new RangeError(`"${id}" is not the name of a session in the folder`)
  return join(dir, id)
}

/** Whether the process of a lock file is still running (a journal being written by another host). */
async function locked(path: string): Promise<boolean> {
  let pid: unknown
  try {
    pid = (JSON.parse(await readFile(`${path}${LOCK_SUFFIX}`, 'utf8')) as { pid?: unknown }).pid
  } catch {
    return false
  }
  if (typeof pid !== 'number') return false
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** The first line and the last complete line of a file, and whether it ends with a newline. */
async function ends(path: string, size: number): Promise<{ first: string; last: string }> {
  const handle = await open(path, 'r')
  try {
    const headBytes = Math.min(size, 64 * 1024)
    const head = Buffer.alloc(headBytes)
    await handle.read(head, 0, headBytes, 0)
    const nl = head.indexOf(0x0a)
    const first = head.toString('utf8', 0, nl === -1 ? headBytes : nl)
    const tailBytes = Math.min(size, 4096)
    const tail = Buffer.alloc(tailBytes)
    await handle.read(tail, 0, tailBytes, size - tailBytes)
    const text = tail.toString('utf8')
    const end = text.endsWith('\n') ? text.length - 1 : text.length
    const start = text.lastIndexOf('\n', end - 1) + 1
    return { first, last: text.slice(start, end) }
  } finally {
    await handle.close()
  }
}

/** Complete lines of a file (a last line without its newline is not counted: it was being written). */
async function countLines(path: string): Promise<number> {
  let n = 0
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    for (let at = chunk.indexOf(0x0a); at !== -1; at = chunk.indexOf(0x0a, at + 1)) n++
  }
  return n
}

/** Counted lines by path, size and time: a listing reads a long journal that ended unexpectedly once. */
const counts = new Map<string, { size: number; mtimeMs: number; lines: number }>()

/** What one journal holds; `current` is the id this host writes. */
async function summarize(dir: string, id: string, current: string | null): Promise<SessionSummary | undefined> {
  const path = join(dir, id)
  const info = await stat(path)
  if (!info.isFile()) return undefined
  let header: { runtime?: { path?: unknown; name?: unknown }; createdAt?: unknown } = {}
  let last = ''
  if (info.size > 0) {
    const lines = await ends(path, info.size)
    last = lines.last
    try {
      header = JSON.parse(lines.first) as typeof header
    } catch {
      // A journal cut before its header was written holds nothing to open.
      return undefined
    }
  }
  const closing = parseClosingLine(last)
  let events: number
  if (closing !== undefined) events = closing.events
  else {
    const cached = counts.get(path)
    const lines =
      cached !== undefined && cached.size === info.size && cached.mtimeMs === info.mtimeMs ? cached.lines : await countLines(path)
    counts.set(path, { size: info.size, mtimeMs: info.mtimeMs, lines })
    events = Math.max(0, lines - 1)
  }
  const state: SessionSummary['state'] =
    id === current ? 'recording' : closing !== undefined ? 'complete' : (await locked(path)) ? 'recording elsewhere' : 'ended unexpectedly'
  return {
    id,
    runtime: {
      path: typeof header.runtime?.path === 'string' ? header.runtime.path : null,
      name: typeof header.runtime?.name === 'string' ? header.runtime.name : null
    },
    createdAt: typeof header.createdAt === 'string' ? header.createdAt : new Date(info.birthtimeMs || info.mtimeMs).toISOString(),
    modifiedAt: new Date(info.mtimeMs).toISOString(),
    bytes: info.size,
    events,
    state
  }
}

/** The journals of `dir`, newest first; `current`: the one this host writes. A missing folder holds none. */
export async function listSessions(dir: string, current: string | null = null): Promise<SessionSummary[]> {
  let names: string[]
  try {
    names = await readdir(dir)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw e
  }
  const out: SessionSummary[] = []
  for (const id of names) {
    if (!ID.test(id)) continue
    try {
      const summary = await summarize(dir, id, current)
      if (summary !== undefined) out.push(summary)
    } catch (e) {
      // Deleted while listed (pruned by another host): not there.
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
    }
  }
  return out.sort((a, b) => b.modifiedAt.localeCompare(a.modifiedAt))
}

export interface PruneOptions {
  /** Journals last written longer ago than this are deleted. @default 14 days */
  maxAgeMs?: number
  /** Beyond this many bytes in all, the oldest journals are deleted. @default 2 GiB */
  maxBytes?: number
  /** The journal this host writes: never deleted. */
  current?: string | null
  /** @default Date.now() */
  now?: number
}

export const DEFAULT_PRUNE = { maxAgeMs: 14 * 24 * 3600 * 1000, maxBytes: 2 * 1024 ** 3 } as const

/**
 * Deletes old journals: those last written more than `maxAgeMs` ago, then the oldest until the rest
 * fit in `maxBytes`. Never the current one, nor one another running host is writing.
 * @returns the ids deleted
 */
export async function pruneSessions(dir: string, options: PruneOptions = {}): Promise<string[]> {
  const { maxAgeMs = DEFAULT_PRUNE.maxAgeMs, maxBytes = DEFAULT_PRUNE.maxBytes, current = null, now = Date.now() } = options
  const sessions = await listSessions(dir, current)
  const deleted: string[] = []
  let total = sessions.reduce((sum, s) => sum + s.bytes, 0)
  // Oldest first.
  for (const s of [...sessions].reverse()) {
    if (s.state === 'recording' || s.state === 'recording elsewhere') continue
    const old = now - Date.parse(s.modifiedAt) > maxAgeMs
    if (!old && total <= maxBytes) continue
    const path = join(dir, s.id)
    await rm(path, { force: true })
    await rm(`${path}${LOCK_SUFFIX}`, { force: true })
    counts.delete(path)
    total -= s.bytes
    deleted.push(s.id)
  }
  return deleted
}
