/**
 * Every error leaves the host as JSON `{ "error": { "message" } }` with a fitting status, never as
 * an HTML page.
 */
import type { Context, ErrorHandler, NotFoundHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { ErrorBody } from '../../shared/protocol'

/** A JSON error response. */
export function errorResponse(c: Context, status: ContentfulStatusCode, message: string, headers?: Headers): Response {
  const body: ErrorBody = { error: { message } }
  const res = c.json(body, status)
  headers?.forEach((value, key) => res.headers.set(key, value))
  return res
}

/** The one error handler: an `HTTPException` keeps its status, anything else is a 500. */
export const onError: ErrorHandler = (err, c) => {
  if (err instanceof HTTPException) return errorResponse(c, err.status as ContentfulStatusCode, err.message, err.res?.headers)
  return errorResponse(c, 500, `internal error: ${err.message}`)
}

export const notFound: NotFoundHandler = (c) => errorResponse(c, 404, `no route ${c.req.method} ${c.req.path}`)
