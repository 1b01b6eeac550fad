/**
 * Who may talk to the host: only pages of its own origin, through its own loopback address, with
 * the per-launch token. Checked before any route runs.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'

/** The host names the server answers to: its own loopback address, by IP or by name. */
export function ownHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`]
}

/**
 * Refuses a `Host` header that is not the server's own loopback address (DNS rebinding: a page
 * elsewhere whose name resolves to 127.0.0.1) and an `Origin` that is present and not its own
 * (a page elsewhere on this machine).
 * @param port the port the server listens on (known once it does)
 */
export function originGuard({ port }: { port: () => number }): MiddlewareHandler {
  return async function originGuard(c, next) {
    const hosts = ownHosts(port())
    const host = c.req.header('host')?.toLowerCase()
    if (host === undefined || !hosts.includes(host)) {
      throw new HTTPException(403, {
        message: `refused: the Host header "${host ?? ''}" is not this server's own address (${hosts.join(' or ')})`
      })
    }
    const origin = c.req.header('origin')
    if (origin !== undefined && !hosts.some((h) => origin.toLowerCase() === `http://${h}`)) {
      throw new HTTPException(403, { message: `refused: requests from the origin "${origin}" are not allowed` })
    }
    await next()
  }
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest()

/**
 * Requires the per-launch token, as `Authorization: Bearer <token>` or `?token=<token>` (an
 * EventSource cannot set headers). Compared in constant time; never logged.
 */
export function tokenGuard({ token }: { token: string }): MiddlewareHandler {
  if (token.length < 16) throw new Error('the token must be at least 16 characters long')
  const expected = digest(token)
  return async function tokenGuard(c, next) {
    const header = c.req.header('authorization')
    const given = header !== undefined ? /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim() : c.req.query('token')
    if (given === undefined || !timingSafeEqual(digest(given), expected)) {
      throw new HTTPException(401, {
        message:
          given === undefined
            ? 'this route needs the token: send Authorization: Bearer <token> or ?token=<token>'
            : 'the token is not valid',
        res: new Response(null, { headers: { 'www-authenticate': 'Bearer realm="patchscope"' } })
      })
    }
    await next()
  }
}
