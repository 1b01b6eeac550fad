/**
 * Baseline: the full-state style (Redux DevTools and the monitors like it). Every change sends
 * the whole slice, and the history keeps every state it went through. To give this style its best
 * case, each event is serialized and encoded once and the same bytes are written to every
 * connection (the seed serializes per connection); the states are kept by reference, as an
 * in-process instrument keeps them, not as the copies a monitor window holds.
 */
import type { EventEmitter } from 'node:events'
import { Hono } from 'hono'
import { streamSSE, type SSEStreamingApi } from 'hono/streaming'

interface StateChange {
  slice: string
  after: unknown
  causingAction: { type: string; payload?: unknown; meta?: { __ellie?: { actionId?: string } } }
}

export interface FullStateRoute {
  app: Hono
  /** Every state a slice went through, in order. */
  history: { slice: string; value: unknown }[]
}

export interface FullStateOptions {
  runtime: { getState(): Record<string, unknown> }
  bus: EventEmitter
  heartbeatInterval: number
}

/** The route, and the history it keeps. */
export function createFullStateRoute({ runtime, bus, heartbeatInterval }: FullStateOptions): FullStateRoute {
  const encoder = new TextEncoder()
  const streams = new Set<SSEStreamingApi>()
  const history: { slice: string; value: unknown }[] = []
  let id = 0
  const broadcast = (type: string, event: object): void => {
    id++
    const frame = encoder.encode(`event: ${type}\ndata: ${JSON.stringify(event)}\nid: ${id}\n\n`)
    for (const stream of streams) void stream.write(frame)
  }
  bus.on('state-changed', (change: StateChange) => {
    history.push({ slice: change.slice, value: change.after })
    const a = change.causingAction
    const cause = { type: a.type, id: a.meta?.__ellie?.actionId, payload: a.payload }
    broadcast('state.update', { type: 'state.update', slice: change.slice, value: change.after, cause, timestamp: Date.now() })
  })
  bus.on('execution-lifecycle', (e: { status: string; executionId: string; turnId?: string }) => {
    broadcast('execution.status', { type: 'execution.status', ...e, timestamp: Date.now() })
  })

  const app = new Hono()
  app.get('/', (c) =>
    streamSSE(c, async (stream) => {
      const initial = { type: 'state.initial', slices: runtime.getState(), timestamp: Date.now() }
      await stream.write(encoder.encode(`event: state.initial\ndata: ${JSON.stringify(initial)}\nid: ${id}\n\n`))
      streams.add(stream)
      const heartbeat = setInterval(() => {
        void stream.write(encoder.encode(`event: heartbeat\ndata: {"type":"heartbeat","timestamp":${Date.now()}}\n\n`))
      }, heartbeatInterval)
      stream.onAbort(() => {
        streams.delete(stream)
        clearInterval(heartbeat)
      })
      await new Promise(() => {})
    })
  )
  return { app, history }
}
