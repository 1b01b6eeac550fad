/**
 * Notes: `custom-event` entries whose data is `{ "$patchscope": note }`, recorded by Patchscope
 * itself (the host, or the runtime's thread) rather than by the runtime. A runtime cannot forge
 * one: the encoder escapes every key that starts with `$` in the runtime's data (DESIGN.md,
 * `$object`). Being entries of the history, notes are streamed, journaled, exported and imported
 * with everything else; a client that does not know a note shows it as a custom event.
 */
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
  /** The action as it was sent (JSON: it came over HTTP). */
  action: Json
}

/**
 * A dispatch that left no state change of its own: it changed nothing, or it threw, or its
 * promise rejected. Dispatches that changed something are known by the causes of their entries.
 */
export interface DispatchNote {
  note: 'dispatch'
  outcome: 'no change' | 'threw' | 'rejected'
  /** The action as its entries' causes would have named it. */
  cause: Cause
  /** `Name: message`, when it threw or rejected. */
  error?: string
}

/** Values and calls the runtime's thread could not know in advance, in the order they happened (for replay). */
export interface EffectsNote {
  note: 'effects'
  effects: Json[]
}

export type Note = RuntimeErrorNote | InputNote | DispatchNote | EffectsNote

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
