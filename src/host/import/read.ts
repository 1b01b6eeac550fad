/**
 * The one read path of every file a user opens (`POST /history`, `POST /documents`): a Patchscope
 * session file is read as it is; another tool's file (a Redux DevTools export, an AG-UI event log)
 * is recognised from its start, converted into a session file's lines, and read the same way, so
 * it is checked exactly as a session file is.
 */
import { SESSION_FORMAT } from '../../shared/protocol'
import { readSession, SessionError, type ImportedSession, type ImportOptions } from '../recorder/session-file'
import { convertForeign } from './convert'
import { ForeignFileError } from './errors'

/** How much of a file's start is decoded to tell whether it is another tool's. */
const START_BYTES = 64 * 1024

/** What the file was, for a converted one: `Redux DevTools export`, `AG-UI event log`. */
export type ReadFile = ImportedSession & { foreign?: string }

/** Another tool's file that was recognised and cannot be read: the message names the format, the line and the fault. */
export class ForeignSessionError extends SessionError {
  constructor(e: ForeignFileError) {
    super(e.line ?? 1, e.message)
    // The format's own message already names the line.
    this.message = e.message
  }
}

/**
 * Reads a session file, or another tool's file converted into one.
 * @throws {SessionError} naming the bad line (for another tool's file, its format and what is wrong)
 * @throws {RangeError} for a line longer than `MAX_LINE_BYTES`
 */
export function readAnySession(chunks: Uint8Array[], options: ImportOptions, name?: string): ReadFile {
  if (!mayBeForeign(chunks)) return readSession(chunks, options)
  const text = Buffer.concat(chunks).toString('utf8')
  let converted
  try {
    converted = convertForeign(text, name)
  } catch (e) {
    if (e instanceof ForeignFileError) throw new ForeignSessionError(e)
    throw e
  }
  if (converted === undefined) return readSession(chunks, options)
  const lines = new TextEncoder().encode(`${converted.lines.join('\n')}\n`)
  return { ...readSession([lines], options), foreign: converted.format }
}

/** False for a file whose first line is a Patchscope session header (the common case: never decoded whole). */
function mayBeForeign(chunks: Uint8Array[]): boolean {
  let start = ''
  for (const chunk of chunks) {
    start += Buffer.from(chunk.buffer, chunk.byteOffset, Math.min(chunk.byteLength, START_BYTES - start.length)).toString('utf8')
    if (start.length >= START_BYTES) break
  }
  return !HEADER_START.test(start)
}

/** How a session file Patchscope wrote begins (its header's first key). */
const HEADER_START = new RegExp(`^\\uFEFF?\\s*\\{\\s*"format"\\s*:\\s*"${SESSION_FORMAT}"`)
