/**
 * The wire protocol between the host and every client (the window, a browser, a test):
 * the events of `GET /events`, the lines of a session file, and the bodies of the HTTP API.
 * One union tagged by `type`; see `DESIGN.md` for the contract.
 */

/** A JSON value. Values JSON cannot carry travel encoded (see `tags.ts`). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

/** An object of JSON values. */
export type JsonObject = { [key: string]: Json }

/** The action a runtime receives; its id is `meta.__ellie.actionId`. */
export interface Action {
  type: string
  payload?: unknown
  meta?: { __ellie?: { actionId?: string } } & Record<string, unknown>
}

/** What caused a state change: the action's type, id and (encoded) payload. */
export interface Cause {
  type: string
  id?: string
  payload?: Json
}

/** One RFC 6902 operation. The recorder emits `add`, `remove` and `replace`; a session file may hold any. */
export type Operation =
  | { op: 'add' | 'replace' | 'test'; path: string; value: Json }
  | { op: 'remove'; path: string }
  | { op: 'move' | 'copy'; from: string; path: string }

/** The state of every slice, as a mirror holds it: `{ "<slice>": value }`. */
export type Slices = Record<string, Json>

/**
 * The base the following entries apply to. Its `seq` is that of the last entry it includes
 * (0 at the start). `reset` marks one recorded in the history (a load, reload or import);
 * `gap` tells a resuming client that entries it asked for are gone.
 */
export interface StateInitialEvent {
  type: 'state.initial'
  seq: number
  slices: Slices
  timestamp: number
  gap?: true
  reset?: true
}

/**
 * One slice changed: `patches` (RFC 6902, relative to the slice) when it stayed an object or an
 * array, `value` when it is new, null, a primitive or changed kind, `removed` when it is gone.
 */
export interface StateUpdateEvent {
  type: 'state.update'
  seq: number
  slice: string
  patches?: Operation[]
  value?: Json
  removed?: true
  cause: Cause
  timestamp: number
}

/** An execution (or one of its turns) moved through its lifecycle; `error` is the message. */
export interface ExecutionStatusEvent {
  type: 'execution.status'
  seq: number
  status: string
  executionId: string
  turnId?: string
  error?: string
  timestamp: number
}

/** Anything else the runtime emitted on its bus, encoded. */
export interface CustomEvent {
  type: 'custom-event'
  seq: number
  data: Json
  timestamp: number
}

/** Keeps idle connections open; carries no `seq` and is never recorded. */
export interface HeartbeatEvent {
  type: 'heartbeat'
  timestamp: number
}

/** An entry of the history: what a session file holds and `Last-Event-ID` counts. */
export type HistoryEvent = StateInitialEvent | StateUpdateEvent | ExecutionStatusEvent | CustomEvent

/** Everything `GET /events` sends. */
export type ServerEvent = HistoryEvent | HeartbeatEvent

/** The `type` of each recorded entry. */
export type HistoryEventType = HistoryEvent['type']

/** Statuses the window knows; any other string is shown as is. */
export const EXECUTION_STATUSES = ['started', 'running', 'completed', 'failed', 'cancelled'] as const

/** The first line of a session file. */
export interface SessionHeader {
  format: 'patchscope-session'
  version: 1
  runtime: { path: string | null; name: string | null }
  createdAt: string
}

/** The session file format this build writes and reads. */
export const SESSION_FORMAT = 'patchscope-session'
/** The session file version this build writes and reads. */
export const SESSION_VERSION = 1

/** What the host is showing: a live runtime, an imported session, nothing, or a failed load. */
export type RuntimeStatus = 'none' | 'loaded' | 'failed' | 'session'

/**
 * `GET /runtime`. `error` is the load error when `status` is `failed`. `responsive` is false while
 * a loaded runtime has not answered the host for a while (a dispatch that never returns).
 */
export interface RuntimeInfo {
  path: string | null
  name: string | null
  status: RuntimeStatus
  error?: string
  responsive?: boolean
}

/** `POST /actions` answers the seq of the last entry after the dispatch (`settled: false` on 202). */
export interface DispatchResult {
  seq: number
  settled: boolean
}

/** Every error the host answers: JSON, never HTML. */
export interface ErrorBody {
  error: { message: string }
}
