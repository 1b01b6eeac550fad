/**
 * The host's HTTP app: the guard in front of everything, the token in front of the data routes,
 * and the window's static files (which hold no data and need no token).
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { serveStatic } from '@hono/node-server/serve-static'
import { Hono } from 'hono'
import type { Host } from '../host'
import type { Journal } from '../journal/journal'
import { createApiRoutes, type ApiOptions } from './api'
import { createSessionRoutes } from './session-routes'
import { createDocumentRoutes } from './document-routes'
import { createSessionsRoutes } from './sessions-routes'
import { createRedactionRoutes } from './redaction-routes'
import { createWatchRoutes } from './watch-routes'
import { createAttachRoutes } from './attach-routes'
import { createReplayRoutes } from './replay-routes'
import { createResumeRoutes } from './resume-routes'
import { notFound, onError, errorResponse } from './errors'
import { createEventsRoute, type EventHub } from './events'
import { originGuard, tokenGuard } from './guard'

/** The Content Security Policy of the window: its own origin only. */
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'"
].join('; ')

/** The routes that hold or change data: the token is required for each and every path under it. */
export const DATA_PATHS = [
  '/events',
  '/state',
  '/actions',
  '/history',
  '/documents',
  '/runtime',
  '/sessions',
  '/watches',
  '/breaks',
  '/redaction',
  '/attach',
  '/replay',
  '/resume'
] as const

export interface AppOptions extends Omit<ApiOptions, 'host'> {
  host: Host
  hub: EventHub
  token: string
  /** The port the server listens on, once known. */
  port: () => number
  /** The built window (`out/renderer`), or null to serve none. */
  rendererDir: string | null
  /** The host's journal, whose folder `/sessions` lists; undefined when it keeps none. */
  journal?: Journal | undefined
}

export function createApp({ host, hub, token, port, rendererDir, journal, ...api }: AppOptions): Hono {
  const app = new Hono()
  app.onError(onError)
  app.notFound(notFound)
  app.use(originGuard({ port }))
  app.use(async (c, next) => {
    await next()
    c.header('x-content-type-options', 'nosniff')
    c.header('referrer-policy', 'no-referrer')
  })
  const auth = tokenGuard({ token })
  // Each data route and everything under it (`/runtime/compare`): a bare path matches itself only.
  for (const path of DATA_PATHS) app.use(path, auth).use(`${path}/*`, auth)
  app.route('/events', createEventsRoute({ hub }))
  app.route('/', createApiRoutes({ host, ...api }))
  app.route('/', createSessionRoutes({ host }))
  app.route('/', createDocumentRoutes())
  app.route('/', createSessionsRoutes({ host, journal }))
  app.route('/', createWatchRoutes({ host }))
  app.route('/', createRedactionRoutes({ host }))
  app.route('/', createAttachRoutes({ host }))
  app.route('/', createReplayRoutes({ host }))
  app.route('/', createResumeRoutes({ host, hub }))

  if (rendererDir !== null && existsSync(join(rendererDir, 'index.html'))) {
    app.use('*', async (c, next) => {
      await next()
      if (c.res.headers.get('content-type')?.startsWith('text/html')) c.header('content-security-policy', CSP)
    })
    app.get('*', serveStatic({ root: rendererDir }))
  } else {
    app.get('/', (c) =>
      errorResponse(c, 404, 'the window is not built: run `npm run build` (or use `npm run serve`, which builds it) and start again')
    )
  }
  return app
}
