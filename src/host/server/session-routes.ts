/**
 * The session file's routes (DESIGN.md, HTTP API): `GET /history` exports the retained history,
 * `POST /history` replaces it with a file's.
 */
import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { RuntimeInfo } from '../../shared/protocol'
import type { Host } from '../host'
import { exportSession, SessionError } from '../recorder/session-file'
import { requireType } from './body'

function fileName(info: RuntimeInfo, now: Date): string {
  const name = (info.name ?? 'session').replace(/\.[cm]?[jt]s$/, '').replace(/[^\w.-]+/g, '-')
  return `${name}-${now.toISOString().slice(0, 19).replace(/:/g, '-')}.patchscope.ndjson`
}

/** The routes, to mount at `/`. */
export function createSessionRoutes({ host }: { host: Host }): Hono {
  const app = new Hono()

  app.get('/history', () => {
    const info = host.runtime.info
    return new Response(exportSession(host.history, info), {
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
      const imported = await host.importSession(body)
      return c.json({ events: imported.events, lastSeq: host.history.lastSeq, runtime: host.runtime.info })
    } catch (e) {
      if (e instanceof SessionError || e instanceof RangeError)
        throw new HTTPException(400, { message: `the session file cannot be imported: ${e.message}` })
      throw e
    }
  })

  return app
}
