/**
 * The session file's routes (DESIGN.md, HTTP API): `GET /history` exports the retained history
 * (redacted with the host's policy unless `?redact=false`),
 * `POST /history` replaces it with a file's, and says whether the file was complete.
 */
import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { RuntimeInfo } from '../../shared/protocol'
import type { Host } from '../host'
import { exportSession } from '../recorder/session-file'
import { requireType } from './body'
import { uploadError } from './upload-errors'

function fileName(info: RuntimeInfo, now: Date): string {
  const name = (info.name ?? 'session').replace(/\.[cm]?[jt]s$/, '').replace(/[^\w.-]+/g, '-')
  return `${name}-${now.toISOString().slice(0, 19).replace(/:/g, '-')}.patchscope.ndjson`
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
      throw uploadError(e, { failed: 'the session file cannot be imported' })
    }
  })

  return app
}
