/**
 * How a session file sent to the host fails (`POST /history`, `POST /documents`), as the HTTP
 * error to answer with: both routes read the upload the same way, so they fail the same way.
 */
import { HTTPException } from 'hono/http-exception'
import { ReadStalledError, ReadTooLargeError } from '../../shared/read-whole'
import { SessionError } from '../recorder/session-file'
import { ForeignSessionError } from '../import/read'

export interface UploadErrorOptions {
  /** What failed, leading a session file's own fault: `the session file cannot be imported`. */
  failed: string
  /** The message for a file past the size limit. @default the `ReadTooLargeError`'s own */
  tooLarge?: string
}

/** Headers for an answer sent before the body was read: the connection closes with it (the rest of the upload is not waited for). */
function closing(): Response {
  return new Response(null, { headers: { connection: 'close' } })
}

/**
 * The error to throw for `e`, thrown while an upload was read and checked: 408 for an upload that
 * stalled, 413 for one too large (both close the connection), 400 for a file that cannot be read
 * (a foreign file's message already names its format and line), and `e` itself for anything else.
 * @example
 * } catch (e) {
 *   throw uploadError(e, { failed: 'the session file cannot be imported' })
 * }
 */
export function uploadError(e: unknown, { failed, tooLarge }: UploadErrorOptions): unknown {
  if (e instanceof ReadStalledError) return new HTTPException(408, { message: e.message, cause: e, res: closing() })
  if (e instanceof ReadTooLargeError) return new HTTPException(413, { message: tooLarge ?? e.message, cause: e, res: closing() })
  if (e instanceof ForeignSessionError) return new HTTPException(400, { message: e.message, cause: e })
  if (e instanceof SessionError || e instanceof RangeError) return new HTTPException(400, { message: `${failed}: ${e.message}`, cause: e })
  return e
}
