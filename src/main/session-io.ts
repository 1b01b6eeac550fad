/**
 * Session files on disk: File › Export Session… writes the host's history to one, File › Import
 * Session… loads one into the host. Errors become sentences that name the file and the cause.
 */
import { createReadStream } from 'node:fs'
import { basename } from 'node:path'
import type { Host } from '../host'
import { exportSession, SessionError } from '../host/recorder/session-file'
import { writeStreamAtomic } from './atomic'

/**
 * Writes the retained history to `path` as a session file, replacing it whole or not at all;
 * redacted with the host's policy (as `GET /history` is) unless `redact` is false.
 */
export async function writeSessionFile(
  host: Host,
  path: string,
  now = Date.now(),
  { redact = true }: { redact?: boolean } = {}
): Promise<void> {
  await writeStreamAtomic(path, exportSession(host.history, host.runtime.info, now, redact ? { redaction: host.redaction.policy } : {}))
}

/**
 * Imports the session file at `path` into the host (see `Host.importSession`): on a bad file
 * nothing changes.
 * @returns the number of events imported, and what the file holds when it is not complete
 */
export async function readSessionFile(host: Host, path: string): Promise<{ events: number; statement?: string }> {
  const stream = createReadStream(path)
  try {
    const { events, integrity } = await host.importSession(stream)
    return integrity.complete ? { events } : { events, statement: integrity.statement }
  } finally {
    stream.destroy()
  }
}

const REASONS: Record<string, string> = {
  ENOENT: 'the file does not exist',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a folder',
  ENOSPC: 'the disk is full',
  EROFS: 'the disk is read-only',
  EBUSY: 'the file is in use'
}

/** Why a session file could not be read or written, for a message box: the line for a bad file, a plain reason for a system error. */
export function fileErrorReason(e: unknown, verb: 'import' | 'export' = 'import'): string {
  if (e instanceof SessionError) return e.message
  const code = (e as NodeJS.ErrnoException | undefined)?.code
  // A file being written is never missing itself: its folder is.
  if (code === 'ENOENT' && verb === 'export') return 'its folder does not exist'
  if (code !== undefined && REASONS[code] !== undefined) return REASONS[code]
  return e instanceof Error ? e.message : String(e)
}

/** `Cannot import agent.ndjson: line 3: …` */
export function sessionErrorText(verb: 'import' | 'export', path: string, e: unknown): string {
  return `Cannot ${verb} ${basename(path)}: ${fileErrorReason(e, verb)}`
}
