/**
 * Messages between the host and the worker thread that runs a runtime. The runtime runs there so
 * that a runtime that loops forever or crashes cannot take the host, its history or the window
 * with it: the host can always answer, and terminate the worker.
 */
import type { ReplayScript } from '../../shared/effects'
import type { Action, CompareMode, PauseReason, RuntimeMemory } from '../../shared/protocol'
import type { ReplayIssue } from '../../shared/replay'
import type { EntryBatch } from '../recorder/entry'
import type { HandedOver } from './effects/handover'
import type { PauseSpec } from '../watches/registry'

/** What the worker is started with. */
export interface WorkerData {
  path: string
  /** How to compare the runtime's state, when the user chose (else the runtime's declaration, else `verify`). */
  compare?: CompareMode
  /** One 32-bit word shared with the host: whether the thread is paused, and what the host asks (see `PauseGate`). */
  control: SharedArrayBuffer
  /** What the thread pauses on from its first change. */
  pauses?: PauseSpec
  /** Replay this script instead of recording effects: the thread dispatches its inputs itself (src/host/replay/). */
  replay?: ReplayScript
  /**
   * A resume (with `replay`): once the script has run, the thread goes live — recording effects,
   * its pending timers and requests handed to real ones — and only then says it is `ready`.
   */
  resume?: boolean
}

/** Host → worker. Every command is answered by a `reply` with the same id. */
export type Command =
  /** `n` numbers the dispatch, for the entries that belong to it (see `Attribution`). */
  | { t: 'dispatch'; id: number; action: Action; n: number }
  | { t: 'state'; id: number }
  | { t: 'ping'; id: number }
  | { t: 'dispose'; id: number }
  /** Compare the state this way from now on (the user's choice in the window); answers the mode. */
  | { t: 'compare'; id: number; mode: CompareMode }
  /** Pause on these from now on (the pausing watches and the breaks). */
  | { t: 'pauses'; id: number; spec: PauseSpec }
  /** Pause now if the host still asks (`PAUSE_REQUESTED`): the thread was idle, with no entry to pause after. */
  | { t: 'pause'; id: number }

/** Something went wrong in the runtime while it ran (not in answer to a command). */
export interface Fault {
  t: 'fault'
  /** `memory-limit`: the host stopped the runtime, past `--max-runtime-mb` or out of its JS heap (`--max-heap-mb`) (never sent by the worker). */
  kind: 'uncaughtException' | 'unhandledRejection' | 'listener' | 'bad-event' | 'memory-limit'
  message: string
  stack?: string
}

export type { EntryBatch }

/** The runtime's memory as its thread samples it (see `sampleMemory`); the host adds the limit. */
export type MemorySample = Omit<RuntimeMemory, 'externalLimit'>

/**
 * A batch of entries, with the dispatches they belong to: `owners` holds three numbers a run of
 * rows, the dispatch's `n` and the rows `from` (included) `to` (excluded); rows of no run belong
 * to no dispatch.
 */
export interface RuntimeBatch extends EntryBatch {
  owners?: number[]
}

/** Worker → host. */
export type WorkerMessage =
  /** `resumed`: a resume went live, handing over this many timers and requests. */
  | { t: 'ready'; slices: string; compare: CompareMode; memory: MemorySample; resumed?: HandedOver }
  | { t: 'failed'; error: string }
  | RuntimeBatch
  | Fault
  /** The thread pauses now (everything recorded before was sent): until the host stores continue or step. */
  | { t: 'paused'; by: PauseReason }
  /** The runtime's memory, sampled in its thread, sent when it has changed. */
  | { t: 'memory'; memory: MemorySample }
  /** `entries`: how many entries a dispatch recorded (see `Attribution`). */
  | { t: 'reply'; id: number; ok: true; json?: string; settled?: boolean; entries?: number }
  | { t: 'reply'; id: number; ok: false; error: string }
  /** A replay: segments done of all; something it could not do as recorded; the end (everything recorded was sent before). */
  | { t: 'replay-progress'; done: number; total: number }
  | { t: 'replay-issue'; issue: ReplayIssue }
  | { t: 'replay-done' }
