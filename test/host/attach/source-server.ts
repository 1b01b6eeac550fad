/**
 * A scripted event-stream source for attach tests (127.0.0.1, port 0): each request is handed to
 * the test as a connection to write SSE frames to, end, or drop mid-stream; or refused.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface SourceConnection {
  headers: IncomingHttpHeaders
  /** Writes one SSE message (`data` as JSON unless a string). */
  send(frame: { event?: string; id?: string | number; data: unknown }): void
  /** Writes raw text (a frame cut in the middle, a comment). */
  write(text: string): void
  /** Ends the stream cleanly. */
  end(): void
  /** Drops the connection mid-stream (the socket destroyed). */
  drop(): void
  /** Resolves once the connection is closed, by either side. */
  closed: Promise<void>
}

export interface SourceServer {
  url: string
  /** The next connection made (in order), once it is made. */
  next(): Promise<SourceConnection>
  /** How many requests arrived. */
  readonly requests: number
  close(): Promise<void>
}

/** `refuse` answers a request with a status and body instead of a stream (`undefined`: stream it). */
export async function startSource({
  refuse,
  contentType = 'text/event-stream'
}: {
  refuse?: (headers: IncomingHttpHeaders) => { status: number; body: string } | undefined
  contentType?: string
} = {}): Promise<SourceServer> {
  const made: SourceConnection[] = []
  const waiting: ((c: SourceConnection) => void)[] = []
  let requests = 0
  const open = new Set<ServerResponse>()
  const server = createServer((req, res) => {
    requests++
    const refused = refuse?.(req.headers)
    if (refused !== undefined) {
      res.writeHead(refused.status, { 'content-type': 'application/json' }).end(refused.body)
      return
    }
    res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-cache' })
    res.flushHeaders()
    open.add(res)
    const closed = new Promise<void>((resolve) => res.on('close', resolve))
    res.on('close', () => open.delete(res))
    const connection: SourceConnection = {
      headers: req.headers,
      send: ({ event, id, data }) => {
        res.write(
          `${event !== undefined ? `event: ${event}\n` : ''}${id !== undefined ? `id: ${id}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`
        )
      },
      write: (text) => res.write(text),
      end: () => res.end(),
      drop: () => res.socket?.destroy(),
      closed
    }
    const waiter = waiting.shift()
    if (waiter !== undefined) {
      waiter(connection)
    } else made.push(connection)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/events`,
    get requests() {
      return requests
    },
    next() {
      const ready = made.shift()
      if (ready !== undefined) {
        return Promise.resolve(ready)
      }
      return new Promise((resolve) => waiting.push(resolve))
    },
    async close() {
      for (const res of open) res.socket?.destroy()
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      // Idle keep-alive sockets of the host's fetch would hold the close for seconds.
      server.closeAllConnections()
      await closed
    }
  }
}
