/**
 * Session files on disk: File › Export Session… writes the host's history to one, File › Import
 * Session… reads one for the window, which opens it as a document beside the live session (the
 * host checks it through `POST /documents`). Errors become sentences that name the file and the cause.
 */
import { readFile, stat } from 'node:fs/promises'
import { basename } from 'node:path'
import type { Host } from '../host'
import { exportSession, SessionError } from '../host/recorder/session-file'
import type { SessionFile } from '../shared/api'
import { DOCUMENT_MAX_BYTES } from '../shared/document'
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

/** A file larger than the window opens as a document. */
export class TooLargeError extends Error {
  override name = 'TooLargeError'
}

/**
 * Reads the session file at `path` for the window to open as a document; its lines are checked by
 * the host when the window posts them.
 * @throws {TooLargeError} past `maxBytes`, before reading it
 */
export async function readSessionFile(path: string, maxBytes = DOCUMENT_MAX_BYTES): Promise<SessionFile> {
  const { size } = await stat(path)
  if (size > maxBytes)
    throw new TooLargeError(`it is ${megabytes(size)}, larger than ${megabytes(maxBytes)}, the most the window opens as a document`)
  return { path, name: basename(path), bytes: await readFile(path) }
}

function megabytes(bytes: number): string {
  return `${Math.ceil(bytes / (1024 * 1024)).toLocaleString('en-US')} MB`
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
