/**
 * Replay's report: a recorded session run again against a runtime module, the two histories
 * aligned input by input (src/host/replay/). Shown by `npm run replay` and, later, the window.
 */
import type { HistoryEvent, HistoryEventType, Json } from './protocol'

/** Something a replay could not do as recorded; it went on. `input` is the segment: 0 before the first input, N from input N on. */
export interface ReplayIssue {
  /** `no-response`: a request the recording has no response for; `rejected`: an input the runtime's dispatch threw or rejected (or could not be sent); `timer`: a timer the recording fired was not pending; `effects`: the runtime read the clock or randomness more or fewer times than recorded. */
  kind: 'no-response' | 'rejected' | 'timer' | 'effects'
  input: number
  message: string
}

/** One entry of either history, as the report names it. */
export interface ReplayEntryRef {
  /** Its seq in the history it belongs to (the session's, or the replay's). */
  seq: number
  /** The input it followed: 0 before the first. */
  input: number
  type: HistoryEventType
  slice?: string
  /** The action's type (an update), the status (an execution's), or the note or kind (a custom event). */
  label: string
}

/** A value that differs at `path` (a JSON Pointer from the state's root, or from the custom event's data / the status). A missing value is absent. */
export interface ReplayValueDiff {
  path: string
  recorded?: Json
  replayed?: Json
}

/** The first place the replay differs from the recording. */
export interface FirstDivergence {
  input: number
  /** The recorded entry and the replayed one (one is absent when an entry appeared or vanished). */
  recorded?: ReplayEntryRef
  replayed?: ReplayEntryRef
  slice?: string
  /** What differs there (for an entry that appeared or vanished, the entry as a whole: path ''). */
  diff: ReplayValueDiff
}

export interface ReplayPathCount {
  /** `/slice/…` for the state, or `custom-event` / `execution.status` followed by the path in the entry. */
  path: string
  /** Aligned entries after which the value at that path differs. */
  count: number
  /** The input the first of them followed. */
  firstInput: number
}

export interface ReplayReport {
  /** True when the replay recorded the same entries, with the same values, after every input (timestamps aside). */
  identical: boolean
  /** The module replayed, and the session's runtime. */
  module: string
  session: { runtime: string | null; inputs: number; entries: number }
  replayed: { inputs: number; entries: number }
  first?: FirstDivergence
  /** Every path that differs, in the order each first did. */
  paths: ReplayPathCount[]
  appeared: ReplayEntryRef[]
  vanished: ReplayEntryRef[]
  /** Failed executions, runtime errors and dispatches that threw or rejected, that appeared or vanished. */
  errors: { appeared: ReplayEntryRef[]; vanished: ReplayEntryRef[] }
  /** The final states' differences (at most `MAX_LISTED` of them; `more` counts the rest). */
  finalState: { diffs: ReplayValueDiff[]; more: number }
  issues: ReplayIssue[]
  /**
   * The run replayed was a resumed branch: `seq` is its reset `state.initial` (the report compares
   * from there on), `from` the entry it was resumed from, `inputs` those the replay dispatched to get
   * there (of the runs it branched from; not counted in `session.inputs` nor `replayed.inputs`).
   */
  branch?: { seq: number; from: number; inputs: number }
}

/** Entries and paths a report lists at most in each list; longer lists are cut and counted. */
export const MAX_LISTED = 500

/**
 * One row of the two timelines side by side: a recorded entry and the replayed one it was matched
 * with (one is absent when an entry vanished or appeared), and the paths that differ after it
 * (`''` for an entry on one side only; empty when the two agree).
 */
export interface ReplayStep {
  input: number
  recorded?: number
  replayed?: number
  /** At most `MAX_STEP_PATHS`; `more` counts the rest. */
  paths: string[]
  more?: number
}

/** Paths a step names at most. */
export const MAX_STEP_PATHS = 8

/** Where a replay started from the window or `POST /replay` is. */
export type ReplayPhase = 'running' | 'done' | 'failed' | 'cancelled'

/**
 * A replay run by the host (`POST /replay`), as the `replay` event outside the history and
 * `GET /replay` tell it: which, how far, and how it ended.
 */
export interface ReplayNotice {
  /** Counts the host's replays, from 1. */
  id: number
  phase: ReplayPhase
  /** The module replayed (an absolute path). */
  module: string
  /** The host's own history, or a session file sent with the request. */
  source: 'history' | 'session'
  /** The seqs of the input notes left out (Replay without). */
  without: number[]
  /** Segments replayed of all (a segment is what an input began). */
  done: number
  total: number
  /** Why it failed, in words (`failed`). */
  error?: string
  /** `done`: whether the replay recorded the same history. */
  identical?: boolean
}

/** `GET /replay`: the last replay, its report, the rows side by side and the replayed history (each bounded). */
export interface ReplayResultBody extends ReplayNotice {
  report?: ReplayReport
  steps: ReplayStep[]
  /** Rows left out past `MAX_REPLAY_STEPS`. */
  stepsMore: number
  /** The replayed history, numbered from 0, from its `state.initial`. */
  history: HistoryEvent[]
  /** Events left out past `MAX_REPLAY_EVENTS`. */
  historyMore: number
}

/** Rows and replayed events `GET /replay` answers at most. */
export const MAX_REPLAY_STEPS = 100_000
export const MAX_REPLAY_EVENTS = 200_000

/** What `POST /replay` takes as JSON (or, with a session file as the body, as `?module=…&without=1,2`). */
export interface ReplayRequest {
  /** A module path (relative to where the host was started); by default the runtime's own, loaded afresh from disk. */
  module?: string
  /** Seqs of input notes to leave out. */
  without?: number[]
}

const PHASES: readonly string[] = ['running', 'done', 'failed', 'cancelled']

/** Narrows a `replay` event outside the history (read by the window); undefined when it is not one. */
export function readReplayNotice(v: unknown): ReplayNotice | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined
  const n = v as Record<string, unknown>
  const ok =
    typeof n.id === 'number' &&
    typeof n.phase === 'string' &&
    PHASES.includes(n.phase) &&
    typeof n.module === 'string' &&
    (n.source === 'history' || n.source === 'session') &&
    Array.isArray(n.without) &&
    n.without.every((s) => typeof s === 'number') &&
    typeof n.done === 'number' &&
    typeof n.total === 'number'
  return ok ? (v as ReplayNotice) : undefined
}

/** `POST /resume` (issue 14): the entry to resume at, and the module (by default the runtime's own, from disk). */
export interface ResumeRequest {
  seq: number
  module?: string
}

/** What a resume did: answered by `POST /resume`, and told by the `resume` event once it ends. */
export interface ResumeOutcome {
  /** The entry chosen, and the last entry of its turn: the state the runtime was brought to. */
  from: number
  reached: number
  /** The session it came from, when not the host's history (a session file's name). */
  session?: string
  /** The seq of the `state.initial` the new branch starts with (the resume note follows it). */
  seq: number
  module: string
  /** Inputs replayed to get there. */
  inputs: number
  /** Whether the replayed state equals the state recorded at `reached`; else where it differs (the first 20). */
  identical: boolean
  differences: ReplayValueDiff[]
  /** What the replay could not do as recorded. */
  issues: ReplayIssue[]
  /** Timers and requests still pending at that point, handed to real ones. */
  handedOver: { timers: number; fetches: number }
}

/** A resume as it runs (the `resume` event outside the history). */
export interface ResumeNotice {
  phase: 'running' | 'done' | 'failed'
  from: number
  /** Segments of the script replayed, of all. */
  done: number
  total: number
  error?: string
  outcome?: ResumeOutcome
}

/** Narrows a `resume` event outside the history (read by the window); undefined when it is not one. */
export function readResumeNotice(v: unknown): ResumeNotice | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined
  const n = v as Record<string, unknown>
  const ok =
    (n.phase === 'running' || n.phase === 'done' || n.phase === 'failed') &&
    typeof n.from === 'number' &&
    typeof n.done === 'number' &&
    typeof n.total === 'number' &&
    (n.error === undefined || typeof n.error === 'string') &&
    (n.outcome === undefined || (typeof n.outcome === 'object' && n.outcome !== null))
  return ok ? (v as ResumeNotice) : undefined
}
