/**
 * Notes: `custom-event` entries whose data is `{ "$patchscope": note }`, recorded by Patchscope
 * itself (the host, or the runtime's thread) rather than by the runtime. A runtime cannot forge
 * one: the encoder escapes every key that starts with `$` in the runtime's data (DESIGN.md,
 * `$object`). Being entries of the history, notes are streamed, journaled, exported and imported
 * with everything else; a client that does not know a note shows it as a custom event.
 */
import type { Effect } from './effects'
import type { Cause, HistoryEvent, Json, JsonObject } from './protocol'

/** The one key of a note's data. */
export const NOTE_TAG = '$patchscope'

/** The runtime failed outside a command (a timer, a listener, its thread's exit). */
export interface RuntimeErrorNote {
  note: 'runtime-error'
  kind: string
  message: string
  stack?: string
}

/**
 * An action dispatched to the runtime from outside it (the HTTP API, the window, the desktop app),
 * recorded before anything it caused: replay dispatches these, in order.
 */
export interface InputNote {
  note: 'input'
  /**
   * The action as it was sent, encoded as a recorded value is (DESIGN.md: for JSON, only keys of its
   * own that start with `$` are escaped, as `$object`).
   */
  action: Json
}

/**
 * A dispatch its own entries cannot speak for: it changed nothing, or it threw, or its promise
 * rejected; or (`changed`, from a store's own dispatches only) it changed something and the next
 * dispatch has the same action type: the note marks where the first ends, so the two are never
 * read as one. Dispatches that changed something are otherwise known by the causes of their entries.
 * Written by the runtime's thread for the host's dispatches (after their input note) and for those
 * a Redux-style store makes itself; a bus runtime reports only its changes, so its own dispatches
 * get none.
 */
export interface DispatchNote {
  note: 'dispatch'
  outcome: 'no change' | 'threw' | 'rejected' | 'changed'
  /** The action as its entries' causes would have named it. */
  cause: Cause
  /** `Name: message`, when it threw or rejected. */
  error?: string
}

/**
 * Values and calls the runtime's thread could not know in advance, in the order they happened (for
 * replay; see src/shared/effects.ts). Written just before the entry that followed them.
 */
export interface EffectsNote {
  note: 'effects'
  effects: Effect[]
}

/**
 * What happened to an attached stream's connection or mirror: the connection `lost`, `resumed` where
 * the source left off, `reset` (it could not resume: entries in between may be missing, and the
 * state starts again from what the source sends), or a delta that did not apply (`delta-not-applied`:
 * the mirror is kept as it was until the source's next snapshot repairs it).
 */
export interface AttachNote {
  note: 'attach'
  event: 'lost' | 'resumed' | 'reset' | 'delta-not-applied'
  /** Why, in words. */
  message: string
}

/**
 * Resume (issue 14): the runtime was brought to entry `reached` of a history by replaying the inputs
 * before it, and goes on live from there. Written right after the `state.initial` the branch starts
 * with; `from` is the entry the user chose (`reached` is the end of its turn, see src/host/replay/resume.ts).
 */
export interface ResumeNote {
  note: 'resume'
  from: number
  reached: number
  /** The session the branch comes from, when not this history (a session file's name). */
  session?: string
  /** Whether the state replayed equals the one recorded at `reached`; else the paths that differ (the first 20). */
  identical: boolean
  paths?: string[]
  /** What the replay could not do as recorded, in words (the first 20). */
  issues?: string[]
  /**
   * The branch's recording numbers its timers and requests on from the replay's (those handed over
   * keep their numbers), so a replay through the run it branched from names them the same. Absent in
   * branches recorded before: they numbered them afresh, and cannot be replayed past a timer that fired.
   */
  numbered?: true
}

export type Note = RuntimeErrorNote | InputNote | DispatchNote | EffectsNote | AttachNote | ResumeNote

/** The entry's data for a note. */
export function noteData(note: Note): JsonObject {
  return { [NOTE_TAG]: note as unknown as Json }
}

/**
 * The note an entry holds, if it is one. Only Patchscope writes notes, but a session file can
 * hold anything: the note's kind is checked, the rest is its writer's.
 */
export function noteOf(e: HistoryEvent): Note | undefined {
  if (e.type !== 'custom-event' || typeof e.data !== 'object' || e.data === null || Array.isArray(e.data)) return undefined
  const keys = Object.keys(e.data)
  if (keys.length !== 1 || keys[0] !== NOTE_TAG) return undefined
  const n = (e.data as JsonObject)[NOTE_TAG] as Json
  if (typeof n !== 'object' || n === null || Array.isArray(n) || typeof n.note !== 'string') return undefined
  return n as unknown as Note
}

/** The type of an input note's action: its `type` when that is a string, else undefined (an action is whatever JSON was sent). */
export function inputType(note: InputNote): string | undefined {
  const { action } = note
  const type = typeof action === 'object' && action !== null && !Array.isArray(action) ? action.type : undefined
  return typeof type === 'string' ? type : undefined
}
