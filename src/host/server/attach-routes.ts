/**
 * Attaching to a remote event stream: `POST /attach` `{ "url", "headers"? }` records it instead of
 * a runtime (answers `GET /runtime`'s body, with `attach`), `DELETE /attach` ends it. A URL or a
 * header that cannot be used → 400 naming it (never quoting a header's value); a source that does
 * not answer with an event stream (refused, unreachable, not a stream, silent) → 502 saying why.
 * Either way nothing changes: the runtime, or the stream attached before, keeps running.
 */
import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { AttachRefused, AttachTargetError, checkAttachUrl, checkHeaders, type AttachTarget } from '../attach'
import type { Host } from '../host'
import { jsonBody } from './body'

const USAGE = 'send {"url": "http://…/events", "headers": {"Authorization": "Bearer …"}} (headers are optional)'

/** The routes, to mount at `/`. */
export function createAttachRoutes({ host }: { host: Host }): Hono {
  const app = new Hono()

  app.post('/attach', async (c) => {
    const body = await jsonBody(c)
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new HTTPException(400, { message: USAGE })
    const { url, headers } = body as { url?: unknown; headers?: unknown }
    if (typeof url !== 'string' || url.trim() === '') throw new HTTPException(400, { message: `"url" is missing: ${USAGE}` })
    let target: AttachTarget
    try {
      target = { url: checkAttachUrl(url), headers: checkHeaders(headers) }
    } catch (e) {
      if (e instanceof AttachTargetError) throw new HTTPException(400, { message: e.message, cause: e })
      throw e
    }
    try {
      return c.json(await host.attach(target))
    } catch (e) {
      if (e instanceof AttachRefused) throw new HTTPException(502, { message: e.message, cause: e })
      throw e
    }
  })

  app.delete('/attach', async (c) => {
    if (!(await host.detach())) throw new HTTPException(409, { message: 'no stream is attached' })
    return c.json(host.runtimeInfo)
  })

  return app
}
