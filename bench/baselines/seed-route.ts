/**
 * Baseline: the seed's SSE route (shared/seed), ported as it is. Every connection keeps its own
 * copy of the last state it sent, runs fast-json-patch's `compare` on every change for itself,
 * and serializes every event for itself; a write to a client that does not read waits in that
 * connection's queue. Only the imports and types differ from the seed; its logic, comments
 * aside, is unchanged (including the swallowed write errors that Patchscope does not copy).
 */
import type { EventEmitter } from 'node:events'
import jsonpatch from 'fast-json-patch'
import { Hono } from 'hono'
import { streamSSE } from 'hono/streaming'

const { compare } = jsonpatch

export interface SeedAction {
  type: string
  payload?: unknown
  meta?: { __ellie?: { actionId?: string } }
}

interface StateChange {
  slice: string
  before: unknown
  after: unknown
  causingAction: SeedAction
}

interface Lifecycle {
  status: string
  executionId: string
  turnId?: string
  error?: { message: string }
}

type Cause = { type: string; id: string | undefined; payload: unknown }
type InitialStateEvent = { type: 'state.initial'; slices: Record<string, unknown>; timestamp: number }
type StateUpdateEvent =
  | { type: 'state.update'; slice: string; value: unknown; cause: Cause; timestamp: number }
  | { type: 'state.update'; slice: string; patches: ReturnType<typeof compare>; cause: Cause; timestamp: number }
type ExecutionStatusEvent = {
  type: 'execution.status'
  status: string
  executionId: string
  turnId: string | undefined
  error: string | undefined
  timestamp: number
}
type CustomEvent = { type: 'custom-event'; data: unknown; timestamp: number }
type HeartbeatEvent = { type: 'heartbeat'; timestamp: number }
type SSEEvent = InitialStateEvent | StateUpdateEvent | ExecutionStatusEvent | CustomEvent | HeartbeatEvent

function onStateChanged(bus: EventEmitter, handler: (change: StateChange) => void): () => void {
  bus.on('state-changed', handler)
  return () => bus.off('state-changed', handler)
}

function onExecutionLifecycle(bus: EventEmitter, handler: (lifecycle: Lifecycle) => void): () => void {
  bus.on('execution-lifecycle', handler)
  return () => bus.off('execution-lifecycle', handler)
}

export interface EventsRouteConfig<S extends Record<string, unknown>> {
  runtime: { getState(): S }
  bus: EventEmitter
  slices?: string[]
  resolvedSlices?: (state: S) => string[]
  heartbeatInterval: number
  serializer: (value: unknown) => string
}

/** The seed's `createEventsRoute`. */
export function createEventsRoute<S extends Record<string, unknown>>(config: EventsRouteConfig<S>): Hono {
  const { runtime, bus, slices, resolvedSlices, heartbeatInterval, serializer } = config
  const app = new Hono()
  app.get('/', async (c) => {
    return streamSSE(c, async (stream) => {
      let eventId = 0
      const sendEvent = async (event: SSEEvent) => {
        eventId++
        await stream.writeSSE({ id: String(eventId), event: event.type, data: serializer(event) })
      }
      const currentState = runtime.getState()
      const sliceKeys = resolvedSlices ? resolvedSlices(currentState) : (slices ?? Object.keys(currentState))
      const initialSlices: Record<string, unknown> = {}
      for (const key of sliceKeys) {
        initialSlices[key] = currentState[key as keyof S]
      }
      const initialEvent: InitialStateEvent = { type: 'state.initial', slices: initialSlices, timestamp: Date.now() }
      await sendEvent(initialEvent)
      const previousSliceState: Record<string, unknown> = { ...initialSlices }
      const unsubscribeState = onStateChanged(bus, async (change) => {
        if (slices && !slices.includes(change.slice)) {
          return
        }
        const previousState = previousSliceState[change.slice]
        const currentState = change.after
        const needsFullReplacement =
          previousState === undefined ||
          previousState === null ||
          currentState === null ||
          typeof previousState !== typeof currentState ||
          Array.isArray(previousState) !== Array.isArray(currentState)
        let updateEvent: StateUpdateEvent
        if (needsFullReplacement) {
          updateEvent = {
            type: 'state.update',
            slice: change.slice,
            value: currentState,
            cause: { type: change.causingAction.type, id: getActionId(change.causingAction), payload: change.causingAction.payload },
            timestamp: Date.now()
          }
        } else {
          const patches = compare(previousState as object, currentState as object)
          if (patches.length === 0) {
            return
          }
          updateEvent = {
            type: 'state.update',
            slice: change.slice,
            patches,
            cause: { type: change.causingAction.type, id: getActionId(change.causingAction), payload: change.causingAction.payload },
            timestamp: Date.now()
          }
        }
        previousSliceState[change.slice] = currentState
        try {
          await sendEvent(updateEvent)
        } catch {
          // The seed's: "Stream closed, cleanup will happen".
        }
      })
      const unsubscribeLifecycle = onExecutionLifecycle(bus, async (lifecycle) => {
        const statusEvent: ExecutionStatusEvent = {
          type: 'execution.status',
          status: lifecycle.status,
          executionId: lifecycle.executionId,
          turnId: lifecycle.turnId,
          error: lifecycle.error?.message,
          timestamp: Date.now()
        }
        try {
          await sendEvent(statusEvent)
        } catch {
          // The seed's: "Stream closed".
        }
      })
      const handleCustomEvent = async (event: unknown) => {
        try {
          await sendEvent({ type: 'custom-event', data: event, timestamp: Date.now() })
        } catch {
          // The seed's: "Stream closed".
        }
      }
      bus.on('custom-event', handleCustomEvent)
      const heartbeatTimer = setInterval(async () => {
        const heartbeat: HeartbeatEvent = { type: 'heartbeat', timestamp: Date.now() }
        try {
          await sendEvent(heartbeat)
        } catch {
          // The seed's: "Stream closed".
        }
      }, heartbeatInterval)
      stream.onAbort(() => {
        unsubscribeState()
        unsubscribeLifecycle()
        bus.off('custom-event', handleCustomEvent)
        clearInterval(heartbeatTimer)
      })
      await new Promise(() => {})
    })
  })
  return app
}

function getActionId(action: SeedAction): string | undefined {
  const meta = (action as { meta?: { __ellie?: { actionId?: string } } }).meta
  return meta?.__ellie?.actionId
}
