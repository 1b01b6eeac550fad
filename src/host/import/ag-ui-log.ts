/**
 * AG-UI event logs: one protocol event a line (as JSON, or as the `data:` lines of a saved event
 * stream), checked against the protocol's own schemas (`@ag-ui/core`). The log becomes a session
 * through the one AG-UI translation an attached AG-UI stream goes through (src/host/ag-ui: the
 * agent state's top-level keys as slices, the conversation as `(messages)`, runs and steps as
 * executions and turns, a delta that does not apply said by a note), so a log saved from a live
 * stream imports as the history attaching to it recorded.
 * An event without a timestamp takes the one before it. A last line cut in the middle is left out
 * and the session has no closing line, so it imports as cut short.
 */
import { AgUiTranslation, AG_UI_TYPES, readEvent, type ReadEvent } from '../ag-ui'
import type { AttachSink } from '../attach/translator'
import type { SliceChange } from '../recorder/snapshot'
import { noteData } from '../../shared/notes'
import { ForeignFileError } from './errors'
import { SessionWriter } from './session-writer'

/** The format's name in messages and in the session's runtime name. */
export const AG_UI_LOG = 'AG-UI event log'

/** The JSON of a log line: the line itself, or what follows `data:` in a saved event stream; undefined for the stream's other lines. */
function payloadOf(line: string): string | undefined {
  const text = line.trim()
  if (text === '' || text.startsWith(':') || /^(?:event|id|retry):/.test(text)) return undefined
  return text.startsWith('data:') ? text.slice(5).trim() : text
}

/** Whether a file starts with an AG-UI event (its first line holding JSON, past a stream's `event:` and blank lines). */
export function looksLikeAgUiLog(text: string): boolean {
  let json: string | undefined
  for (let at = 0, lines = 0; json === undefined && at < text.length && lines < 16; lines++) {
    const end = text.indexOf('\n', at)
    json = payloadOf(text.slice(at, end === -1 ? text.length : end))
    at = end === -1 ? text.length : end + 1
  }
  if (json === undefined || !json.startsWith('{')) return false
  try {
    const v: unknown = JSON.parse(json)
    return isRecord(v) && typeof v.type === 'string' && AG_UI_TYPES.has(v.type)
  } catch {
    // Not JSON: not an event log (a pretty-printed file, or another format).
    return false
  }
}

/** A log line read: the event, and its time (the one before it when it has none). */
interface Line {
  event: ReadEvent
  timestamp: number | undefined
}

/**
 * Converts a log's text into the lines of a session file.
 * @throws {ForeignFileError} naming the line and what is wrong with it
 */
export function convertAgUiLog(text: string, name: string | undefined, now: number): string[] {
  const { lines, cut } = readLines(text)
  if (lines.length === 0) throw new ForeignFileError(AG_UI_LOG, 'the log holds no event')
  const first = lines.find((l) => l.timestamp !== undefined)?.timestamp ?? now
  const writer = new SessionWriter(`${name ?? 'events.jsonl'} (${AG_UI_LOG})`, first)
  let time = first
  const translation = new AgUiTranslation(sessionSink(writer, () => time))
  for (const line of lines) {
    time = line.timestamp ?? time
    translation.event(line.event)
  }
  return writer.finish(!cut)
}

function readLines(text: string): { lines: Line[]; cut: boolean } {
  const raw = text.split('\n')
  const lines: Line[] = []
  let cut = false
  for (let i = 0; i < raw.length; i++) {
    const json = payloadOf(raw[i] as string)
    if (json === undefined) continue
    let value: unknown
    try {
      value = JSON.parse(json)
    } catch (e) {
      // The last line, without its newline: a log cut in the middle of a line. What came before is kept.
      if (i === raw.length - 1 && lines.length > 0) {
        cut = true
        continue
      }
      throw new ForeignFileError(AG_UI_LOG, `not valid JSON (${(e as Error).message})`, i + 1)
    }
    if (!isRecord(value) || typeof value.type !== 'string')
      throw new ForeignFileError(AG_UI_LOG, 'an event must be a JSON object with a string "type"', i + 1)
    if (value.timestamp !== undefined && typeof value.timestamp !== 'number')
      throw new ForeignFileError(AG_UI_LOG, `${value.type}: "timestamp" must be a number (milliseconds)`, i + 1)
    const event = readEvent(value)
    if ('problem' in event) throw new ForeignFileError(AG_UI_LOG, `${value.type}: ${event.problem}`, i + 1)
    lines.push({ event, timestamp: value.timestamp })
  }
  return { lines, cut }
}

/** The translation's entries and notes written into the session file, at the time of the event being read. */
function sessionSink(writer: SessionWriter, time: () => number): AttachSink {
  return {
    initial: (slices) => writer.initial(slices, time()),
    entry: (entry) => {
      if (entry.type === 'state.update') {
        const { type: _type, slice, cause, ...change } = entry
        writer.update(slice, change as SliceChange, cause, time())
      } else if (entry.type === 'execution.status') writer.status(entry.status, entry.executionId, time(), entry.turnId, entry.error)
      else writer.custom(entry.data, time())
    },
    note: (event, message) => writer.custom(noteData({ note: 'attach', event, message }), time())
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
