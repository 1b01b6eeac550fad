/**
 * The session file's routes (DESIGN.md, HTTP API): `GET /history` exports the retained history
 * (redacted with the host's policy unless `?redact=false`),
 * `POST /history` replaces it with a file's, and says whether the file was complete.
 */
import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { RuntimeInfo } from '../../shared/protocol'
import type { Host } from '../host'
import { ReadStalledError, ReadTooLargeError } from '../../shared/read-whole'
import { exportSession, SessionError } from '../recorder/session-file'
import { ForeignSessionError } from '../import/read'
import { requireType } from './body'

function fileName(info: RuntimeInfo, now: Date): string {
  const name = (info.name ?? 'session').replace(/\.[cm]?[jt]s$/, '').replace(/[^\w.-]+/g, '-')
  return `${name}-${now.toISOString().slice(0, 19).replace(/:/g, '-')}.patchscope.ndjson`
}

/** Headers for an answer sent before the body was read: the connection closes with it (the rest of the upload is not waited for). */
function closing(): Response {
  return new Response(null, { headers: { connection: 'close' } })
}

/** The routes, to mount at `/`. */
export function createSessionRoutes({ host }: { host: Host }): Hono {
  const app = new Hono()

  app.get('/history', (c) => {
    const info = host.runtime.info
    // Redacted with the host's policy unless asked not to, in so many words.
    const redact = c.req.query('redact')
    if (redact !== undefined && redact !== 'true' && redact !== 'false')
      throw new HTTPException(400, { message: `?redact must be true or false (got "${redact}")` })
    const options = redact === 'false' ? {} : { redaction: host.redaction.policy }
    return new Response(exportSession(host.history, info, Date.now(), { ...options, watches: host.watches.saved() }), {
      headers: {
        'content-type': 'application/x-ndjson; charset=utf-8',
        'content-disposition': `attachment; filename="${fileName(info, new Date())}"`
      }
    })
  })

  app.post('/history', async (c) => {
    requireType(c, ['application/x-ndjson', 'application/jsonl', 'application/json'])
    const body = c.req.raw.body
    if (body === null) throw new HTTPException(400, { message: 'the body is empty: send a session file' })
    try {
      const { events, integrity } = await host.importSession(body)
      return c.json({ events, lastSeq: host.history.lastSeq, runtime: host.runtime.info, ...integrity })
    } catch (e) {
      // The rest of the body is not read: the connection closes with the answer.
      if (e instanceof ReadStalledError) throw new HTTPException(408, { message: e.message, cause: e, res: closing() })
      if (e instanceof ReadTooLargeError) throw new HTTPException(413, { message: e.message, cause: e, res: closing() })
      if (e instanceof SessionError || e instanceof RangeError)
        throw new HTTPException(400, {
          message: e instanceof ForeignSessionError ? e.message : `the session file cannot be imported: ${e.message}`,
          cause: e
        })
      throw e
    }
  })

  return app
}
