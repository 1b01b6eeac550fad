/** Reading a request's body: its declared type checked first, JSON parsed with an error a user can act on. */
import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'

/** @throws {HTTPException} 415 when the body is not sent as one of `types` */
export function requireType(c: Context, types: readonly string[]): void {
  const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
  if (!types.includes(type)) {
    throw new HTTPException(415, { message: `the body must be sent as ${types.join(' or ')} (got "${type || 'no Content-Type'}")` })
  }
}

/** The body as JSON. @throws {HTTPException} 415 for another type, 400 for JSON that does not parse */
export async function jsonBody(c: Context): Promise<unknown> {
  requireType(c, ['application/json'])
  const text = await c.req.text()
  try {
    return JSON.parse(text) as unknown
  } catch (e) {
    throw new HTTPException(400, { message: `the body is not valid JSON: ${(e as Error).message}` })
  }
}
