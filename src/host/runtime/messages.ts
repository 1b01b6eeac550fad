/**
 * Messages between the host and the worker thread that runs a runtime. The runtime runs there so
 * that a runtime that loops forever or crashes cannot take the host, its history or the window
 * with it: the host can always answer, and terminate the worker.
 */
import type { Action, CompareMode } from '../../shared/protocol'
import type { EntryBatch } from '../recorder/entry'

/** What the worker is started with. */
export interface WorkerData {
  path: string
  /** How to compare the runtime's state, when the user chose (else the runtime's declaration, else `verify`). */
  compare?: CompareMode
}

/** Host → worker. Every command is answered by a `reply` with the same id. */
export type Command =
  | { t: 'dispatch'; id: number; action: Action }
  | { t: 'state'; id: number }
  | { t: 'ping'; id: number }
  | { t: 'dispose'; id: number }
  /** Compare the state this way from now on (the user's choice in the window); answers the mode. */
  | { t: 'compare'; id: number; mode: CompareMode }

/** Something went wrong in the runtime while it ran (not in answer to a command). */
export interface Fault {
  t: 'fault'
  kind: 'uncaughtException' | 'unhandledRejection' | 'listener' | 'bad-event'
  message: string
  stack?: string
}

export type { EntryBatch }

/** Worker → host. */
export type WorkerMessage =
  | { t: 'ready'; slices: string; compare: CompareMode }
  | { t: 'failed'; error: string }
  | EntryBatch
  | Fault
  | { t: 'reply'; id: number; ok: true; json?: string; settled?: boolean }
  | { t: 'reply'; id: number; ok: false; error: string }
