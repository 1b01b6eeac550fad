/**
 * Messages between the host and the worker thread that runs a runtime. The runtime runs there so
 * that a runtime that loops forever or crashes cannot take the host, its history or the window
 * with it: the host can always answer, and terminate the worker.
 */
import type { Action, HistoryEventType } from '../../shared/protocol'

/** What the worker is started with. */
export interface WorkerData {
  path: string
}

/** Host → worker. Every command is answered by a `reply` with the same id. */
export type Command =
  { t: 'dispatch'; id: number; action: Action } | { t: 'state'; id: number } | { t: 'ping'; id: number } | { t: 'dispose'; id: number }

/** Entries recorded in the worker, in order, as parallel arrays (cheap to clone). */
export interface EntryBatch {
  t: 'entries'
  types: HistoryEventType[]
  /** The slice of each `state.update`, else null. */
  slices: (string | null)[]
  /** Each entry's JSON without `{`, `type` and `seq` (see `Segment.append`). */
  bodies: string[]
  /**
   * Three numbers an entry: where a `state.update`'s change is in its body, so that a replay
   * parses that alone (see `ChangeSpan`); `0, 0, 0` for every other entry.
   */
  changes: number[]
}

/** Something went wrong in the runtime while it ran (not in answer to a command). */
export interface Fault {
  t: 'fault'
  kind: 'uncaughtException' | 'unhandledRejection' | 'listener' | 'bad-event'
  message: string
  stack?: string
}

/** Worker → host. */
export type WorkerMessage =
  | { t: 'ready'; slices: string }
  | { t: 'failed'; error: string }
  | EntryBatch
  | Fault
  | { t: 'reply'; id: number; ok: true; json?: string; settled?: boolean }
  | { t: 'reply'; id: number; ok: false; error: string }
