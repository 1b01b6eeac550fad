/**
 * Starts the HTTP server on 127.0.0.1 (never another interface), on a free port unless told.
 */
import { randomBytes } from 'node:crypto'
import type { Server } from 'node:http'
import { serve } from '@hono/node-server'
import type { Host } from '../host'
import type { Journal } from '../journal/journal'
import { throttled } from '../watches'
import type { ApiOptions } from './api'
import { createApp } from './app'
import { EventHub } from './events'

export interface ServerOptions extends Omit<ApiOptions, 'host'> {
  host: Host
  /** @default 256 random bits */
  token?: string
  /** @default 0, a free port */
  port?: number
  /** The built window to serve at `/`, or null. */
  rendererDir: string | null
  /** @default 15_000 */
  heartbeatMs?: number
  /** The host's journal: `/sessions` lists its folder, and the stream tells its state. */
  journal?: Journal | undefined
}

export interface RunningServer {
  /** `http://127.0.0.1:PORT` */
  origin: string
  port: number
  token: string
  hub: EventHub
  /** Ends every stream and stops listening. */
  close(): Promise<void>
}

/** The stream tells the watches' counts and scans at most this often. */
export const WATCHES_EVERY_MS = 100

/** A new per-launch token: 256 bits from the system's secure generator. */
export function newToken(): string {
  return randomBytes(32).toString('base64url')
}

export async function startServer({
  host,
  token = newToken(),
  port: wanted = 0,
  rendererDir,
  heartbeatMs,
  journal,
  ...api
}: ServerOptions): Promise<RunningServer> {
  const hub = new EventHub({ history: host.history, ...(heartbeatMs !== undefined ? { heartbeatMs } : {}) })
  if (journal !== undefined) hub.broadcast('journal', { ...journal.status })
  const unsubscribe = journal?.subscribe((status) => hub.broadcast('journal', { ...status }))
  // The runtime's state and the watches travel as events outside the history: a window (or a second one) polls nothing.
  hub.broadcast('runtime', { ...host.runtimeInfo })
  const offRuntime = host.onRuntimeChange((info) => hub.broadcast('runtime', { ...info }))
  const offReplays = host.replays.subscribe((notice) => hub.broadcast('replay', { ...notice }))
  const tellWatches = throttled(() => hub.broadcast('watches', { ...host.watches.info() }), WATCHES_EVERY_MS)
  tellWatches()
  const offWatches = host.watches.subscribe(tellWatches)
  let port = 0
  const app = createApp({ host, hub, token, port: () => port, rendererDir, journal, ...api })
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: wanted, hostname: '127.0.0.1' }, (info) => {
      port = info.port
      resolve(s as Server)
    }) as Server
    s.once('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'EADDRINUSE' ? new Error(`port ${wanted} is already in use: choose another with --port, or 0 for a free one`) : e)
    )
  })
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    token,
    hub,
    close: async () => {
      unsubscribe?.()
      offRuntime()
      offReplays()
      offWatches()
      tellWatches.cancel()
      hub.close()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    }
  }
}
