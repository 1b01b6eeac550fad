/**
 * The redaction policy (`src/shared/redaction`): `GET /redaction` answers it with the defaults and
 * whether entries are redacted at capture, `PUT /redaction` changes either. A policy that cannot be
 * used is refused whole (400, naming the pattern), and nothing changes.
 */
import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { readPolicy, RedactionPolicyError, type RedactionPolicy } from '../../shared/redaction'
import type { Host } from '../host'
import { jsonBody } from './body'

/** The routes, to mount at `/`. */
export function createRedactionRoutes({ host }: { host: Host }): Hono {
  const app = new Hono()

  app.get('/redaction', (c) => c.json(host.redaction.state))

  app.put('/redaction', async (c) => {
    const body = await jsonBody(c)
    if (body === null || typeof body !== 'object' || Array.isArray(body))
      throw new HTTPException(400, { message: 'send {"policy": {"keys": [...], "paths": [...]}} and/or {"capture": true | false}' })
    const { policy, capture } = body as { policy?: unknown; capture?: unknown }
    if (capture !== undefined && typeof capture !== 'boolean')
      throw new HTTPException(400, { message: `"capture" must be true or false (got ${JSON.stringify(capture)})` })
    if (policy === undefined && capture === undefined)
      throw new HTTPException(400, { message: 'send {"policy": {"keys": [...], "paths": [...]}} and/or {"capture": true | false}' })
    let read: RedactionPolicy | undefined
    try {
      read = policy === undefined ? undefined : readPolicy(policy)
      host.redaction.set({ ...(read !== undefined ? { policy: read } : {}), ...(capture !== undefined ? { capture } : {}) })
    } catch (e) {
      if (e instanceof RedactionPolicyError) throw new HTTPException(400, { message: `the policy cannot be used: ${e.message}`, cause: e })
      throw e
    }
    return c.json(host.redaction.state)
  })

  return app
}
