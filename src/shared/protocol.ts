/**
 * The wire protocol between the host and every client (the window, a browser, a test):
 * the events of `GET /events`, the lines of a session file, and the bodies of the HTTP API.
 * One union tagged by `type`; see `DESIGN.md` for the contract.
 */

import type { RedactionSummary } from './redaction'

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

/**
 * What caused a state change: the whole action as dispatched, its values encoded. `id` is the
 * action's `meta.__ellie.actionId`, which `meta` then leaves out (with `__ellie` itself when nothing
 * else is in it); `error` is the action's own `error` field (a Flux Standard Action's `true`).
 */
export interface Cause {
  type: string
  id?: string
  payload?: Json
  meta?: Json
  error?: Json
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
  /**
   * Set on an update the recorder's verification found rather than one the runtime reported: the
   * slice was changed in place (without a new object) somewhere after entry `since`, the last entry
   * known exact, and before this one. Its cause is `VERIFICATION_CAUSE`.
   */
  detected?: Detected
}

/** See `StateUpdateEvent.detected`. */
export interface Detected {
  inPlace: true
  since: number
}

/** The cause type of an update found by verification (not dispatched). */
export const VERIFICATION_CAUSE = '(found by verification)'

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

/** Every entry type, in the order their small numbers follow wherever entries are stored by number. */
export const HISTORY_EVENT_TYPES: readonly HistoryEventType[] = ['state.initial', 'state.update', 'execution.status', 'custom-event']

/** Statuses the window knows; any other string is shown as is. */
export const EXECUTION_STATUSES = ['started', 'running', 'completed', 'failed', 'cancelled'] as const

/** The first line of a session file. */
export interface SessionHeader {
  format: 'patchscope-session'
  /** 2 since replay: inputs and effects are recorded (version 1 files import, but cannot be replayed). */
  version: 1 | 2
  runtime: { path: string | null; name: string | null }
  createdAt: string
  /** The watches of the session when it was exported (restored on import; see `SavedWatch`). */
  watches?: SavedWatch[]
  /** An export redacted: the policy, and the places redacted (by path, never by value). */
  redaction?: RedactionSummary
}

/** A watch as a session file keeps it: its text (see `src/shared/watch`) and whether it pauses. */
export interface SavedWatch {
  text: string
  pause: boolean
}

/** The session file format this build writes and reads. */
export const SESSION_FORMAT = 'patchscope-session'
/** The session file version this build writes (it reads this one and version 1). */
export const SESSION_VERSION = 2

/** What the host is showing: a live runtime, an imported session, nothing, a failed load, or a remote stream it records. */
export type RuntimeStatus = 'none' | 'loaded' | 'failed' | 'session' | 'attached'

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
  /** How a loaded runtime's state is compared (see `CompareMode`). */
  compare?: CompareMode
  /** Slices compared in full, and why, in the order found (a loaded runtime). */
  inPlace?: InPlaceFinding[]
  /** A loaded runtime's memory, as last sampled in its thread. */
  memory?: RuntimeMemory
  /** Set while the runtime's thread is paused (a watch or a break hit): at which entry, and why. */
  paused?: RuntimePause
  /** What is attached and how its connection stands (`status: 'attached'`). */
  attach?: AttachInfo
}

/** The event streams Patchscope attaches to: the seed's events route, or the AG-UI protocol. */
export type AttachProtocol = 'seed' | 'ag-ui'

/**
 * An attachment's connection: `connecting` (no answer yet), `live` (the stream is read),
 * `reconnecting` (lost; the next try in `retryInMs`), `failed` (given up: `error` says why).
 */
export type AttachState = 'connecting' | 'live' | 'reconnecting' | 'failed'

/**
 * A remote event stream the host records (`POST /attach`, `--attach`). The URL is shown without
 * credentials or query (either may hold a secret); the headers by name only, never their values.
 */
export interface AttachInfo {
  url: string
  /** Detected from the stream's first events; null until then. */
  protocol: AttachProtocol | null
  state: AttachState
  /** The names of the headers sent with each request. */
  headers: string[]
  /** While reconnecting: the wait before the next try, in milliseconds, as of the moment this was sent. */
  retryInMs?: number
  /** Why the connection was lost (reconnecting) or given up (failed). */
  error?: string
  /** Connections made so far (the first included). */
  connections: number
}

/** Where a paused runtime stopped: right after entry `seq` was recorded, because of `by`. */
export interface RuntimePause {
  seq: number
  by: PauseReason
}

/**
 * Why a runtime paused: a pausing watch hit (at `path`), a built-in break (an action of that type
 * caused the entry, an execution failed, the runtime failed), a step, or a request.
 */
export type PauseReason =
  | { kind: 'watch'; id: string; text: string; path: string }
  | { kind: 'action'; type: string }
  | { kind: 'failed-execution'; executionId: string }
  | { kind: 'runtime-error'; message: string }
  | { kind: 'step' }
  | { kind: 'request' }

/**
 * A runtime's memory in bytes, sampled in its own thread (its V8 isolate's figures, not the
 * process's): the JS heap, and the memory outside it that its objects hold (Buffers, ArrayBuffers,
 * typed arrays). Past `externalLimit` (`--max-runtime-mb`) the runtime is stopped.
 */
export interface RuntimeMemory {
  heapUsed: number
  heapTotal: number
  /** Where V8 ends the runtime's thread for lack of heap. */
  heapLimit: number
  external: number
  externalLimit: number
}

/**
 * How the recorder compares a runtime's state with what it recorded:
 * - `verify` (the default): an unchanged reference is taken for an unchanged subtree, so a change
 *   costs what changed; the whole state is then verified against the recorder's own copy when the
 *   runtime goes idle (and during long bursts), and a slice found changed in place is compared in
 *   full from then on;
 * - `full`: every slice compared in full on every change (`immutable: false`, `--full-compare`);
 * - `trust`: references trusted, never verified (the runtime declared `immutable: true`).
 */
export type CompareMode = 'verify' | 'full' | 'trust'

/** The compare modes, for checking a request. */
export const COMPARE_MODES: readonly CompareMode[] = ['verify', 'full', 'trust']

/**
 * A slice the recorder compares in full, and why: `verification` found it changed in place without
 * a new object (the reducer bug), or the runtime `reported` a change handing back the same object.
 * The change happened after entry `since` and was recorded as entry `seq`, at `paths`.
 */
export interface InPlaceFinding {
  slice: string
  how: 'verification' | 'reported'
  seq: number
  since: number
  /** The paths (RFC 6901, in the slice) that differed; at most 20. */
  paths: string[]
}

/**
 * `POST /actions` answers the action's own entries: those recorded with it as their cause, or while
 * its dispatch ran (see the host's `Attribution`). Other entries (a timer's, another action's) may
 * fall between `first` and `seq`. `settled: false` (202): the dispatch still runs, and these are
 * its entries so far.
 */
export interface DispatchResult {
  /**
   * The action's last entry; when it recorded none (`changed: false`), the last entry of the
   * history when it was answered, the state after it (never an entry of the action's own).
   */
  seq: number
  /** The action's first entry (only when it recorded any). */
  first?: number
  /** How many entries the action recorded. */
  entries: number
  /** False when the action recorded no entry (so far, when not settled). */
  changed: boolean
  settled: boolean
}

/** Every error the host answers: JSON, never HTML. */
export interface ErrorBody {
  error: { message: string }
}
