/**
 * `GET /events`: the history as Server-Sent Events (DESIGN.md, wire protocol). Where a connection
 * starts is decided here; what it is sent, and when, is the `SseClient`'s business.
 */
import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { History } from '../recorder/history'
import { SseClient, type Start } from './sse-client'

export interface EventHubOptions {
  history: History
  /** @default 15_000 */
  heartbeatMs?: number
}

/** Every open `GET /events` connection, woken together when entries are recorded. */
export class EventHub {
  readonly history: History
  #clients = new Map<SseClient, ReadableStreamDefaultController<Uint8Array>>()
  /** The latest event outside the history of each type: a client that connects later gets it first. */
  #notices = new Map<string, Uint8Array>()
  #timer: NodeJS.Timeout
  #unsubscribe: () => void

  constructor({ history, heartbeatMs = 15_000 }: EventHubOptions) {
    this.history = history
    this.#unsubscribe = history.subscribe(() => {
      for (const client of this.#clients.keys()) client.wake()
    })
    this.#timer = setInterval(() => {
      const frame = Buffer.from(`event: heartbeat\ndata: {"type":"heartbeat","timestamp":${Date.now()}}\n\n`)
      for (const client of this.#clients.keys()) client.heartbeat(frame)
    }, heartbeatMs)
    this.#timer.unref()
  }

  /** Open connections. */
  get size(): number {
    return this.#clients.size
  }

  /**
   * Sends every connection an event outside the history (DESIGN.md, Extensions: no seq, no `id:`),
   * such as the journal's state; connections opened later get the latest of each type first.
   */
  broadcast(type: string, data: Record<string, unknown>): void {
    if (!/^[a-z][\w.-]*$/.test(type) || type === 'heartbeat') throw new RangeError(`"${type}" cannot name an event outside the history`)
    const frame = Buffer.from(`event: ${type}\ndata: ${JSON.stringify({ ...data, type })}\n\n`)
    this.#notices.set(type, frame)
    for (const client of this.#clients.keys()) client.notice(type, frame)
  }

  /** A stream of events for one connection. */
  open(start: Start, slices: readonly string[] | undefined): ReadableStream<Uint8Array> {
    const client = new SseClient(this.history, start, slices)
    for (const [type, frame] of this.#notices) client.notice(type, frame)
    return new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.#clients.set(client, controller)
      },
      pull: (controller) => client.pull(controller),
      cancel: () => {
        this.#clients.delete(client)
        client.close()
      }
    })
  }

  /** Ends every connection (the host is closing). */
  close(): void {
    clearInterval(this.#timer)
    this.#unsubscribe()
    for (const [client, controller] of this.#clients) {
      client.close()
      try {
        controller.close()
      } catch {
        // Already closed by its reader; nothing is left to end.
      }
    }
    this.#clients.clear()
  }
}

function parseSeq(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined) return undefined
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(Number(raw))) {
    throw new HTTPException(400, { message: `${name} must be a whole number of 0 or more (got "${raw}")` })
  }
  return Number(raw)
}

/** Where a connection starts, from `Last-Event-ID` (which wins) or `?since=`. */
export function startOf(history: History, lastEventId: number | undefined, since: number | undefined): Start {
  const resume = lastEventId ?? since
  if (resume === undefined) return { from: 'current' }
  if (lastEventId === undefined && since === 0) return { from: 'base', gap: false }
  if (resume < history.baseSeq || resume > history.lastSeq) return { from: 'base', gap: true }
  return { from: 'after', seq: resume }
}

/** The slice names of `?slices=a,b` (repeatable), or undefined for every slice. */
export function slicesParam(values: string[] | undefined): string[] | undefined {
  const names = (values ?? []).flatMap((v) => v.split(',')).filter((s) => s !== '')
  return names.length === 0 ? undefined : names
}

/**
 * The events route.
 * @example app.route('/events', createEventsRoute({ hub }))
 */
export function createEventsRoute({ hub }: { hub: EventHub }): Hono {
  const app = new Hono()
  app.get('/', (c) => {
    const lastEventId = parseSeq(c.req.header('last-event-id'), 'Last-Event-ID')
    const since = parseSeq(c.req.query('since'), '?since')
    const stream = hub.open(startOf(hub.history, lastEventId, since), slicesParam(c.req.queries('slices')))
    return new Response(stream, {
      headers: {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        'x-accel-buffering': 'no'
      }
    })
  })
  return app
}
