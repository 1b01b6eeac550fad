/**
 * AG-UI events as they arrive (a line of a log, a message of a live stream), checked against the
 * protocol's own schemas (`@ag-ui/core`) before anything is recorded from them.
 */
import { EventType, type Event as AgUiEvent } from '@ag-ui/core'
import { EventSchemas } from '@ag-ui/core/schemas'
import { deeperThan } from '../../shared/json-depth'
import { MAX_DEPTH } from '../recorder/encode'

/** The protocol's event types, as this version of `@ag-ui/core` knows them: how a stream or a log is recognised. */
export const AG_UI_TYPES: ReadonlySet<string> = new Set<string>(Object.values(EventType))

/** An event as sent: a JSON object with a string `type`. */
export type RawEvent = Record<string, unknown> & { type: string }

/**
 * An event read: `known` is the event as the protocol types it, or undefined for a type this
 * version of the protocol does not know (recorded whole, as a custom event).
 */
export interface ReadEvent {
  raw: RawEvent
  known: AgUiEvent | undefined
}

/**
 * Checks one event: an object with a string `type`, nested no deeper than the recorder keeps, and
 * — when the protocol knows its type — as its schema says.
 * @returns the event, or what is wrong with it (`"delta": Invalid input: expected array, received number`)
 * @example
 * readEvent({ type: 'STATE_DELTA', delta: 3 }) // { problem: '"delta": Invalid input: expected array, received number' }
 */
export function readEvent(value: unknown): ReadEvent | { problem: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || typeof (value as { type?: unknown }).type !== 'string')
    return { problem: 'an event must be a JSON object with a string "type"' }
  const raw = value as RawEvent
  if (deeperThan(raw, MAX_DEPTH)) return { problem: `a value is nested deeper than ${MAX_DEPTH} levels` }
  if (!AG_UI_TYPES.has(raw.type)) return { raw, known: undefined }
  const checked = EventSchemas.safeParse(raw)
  if (checked.success) return { raw, known: checked.data as AgUiEvent }
  const issue = checked.error.issues[0]
  const where = issue === undefined || issue.path.length === 0 ? '' : `"${issue.path.join('.')}": `
  return { problem: `${where}${issue?.message ?? 'does not match the protocol'}` }
}
