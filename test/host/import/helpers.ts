/** Converting another tool's file, reading it back as the host reads session files, and the states it holds by action. */
import { expect } from 'vitest'
import { convertForeign, ForeignFileError } from '../../../src/host/import'
import { readSession, type ImportedSession } from '../../../src/host/recorder/session-file'
import { noteOf } from '../../../src/shared/notes'
import type { HistoryEvent, Slices } from '../../../src/shared/protocol'
import { toPlain } from '../../../src/shared/state'

/** The error converting `text` fails with; the test fails when it converts, or fails another way. */
export function conversionError(text: string): ForeignFileError {
  try {
    convertForeign(text)
  } catch (e) {
    expect(e).toBeInstanceOf(ForeignFileError)
    return e as ForeignFileError
  }
  throw new Error('the conversion did not fail')
}

/** The converted lines read by `readSession`, as the host reads an uploaded session file. */
export function readLines(lines: readonly string[]): ImportedSession {
  return readSession([Buffer.from(`${lines.join('\n')}\n`)], { baseSeq: 0 })
}

/** Every entry of the imported history after its reset `state.initial`, with the state right after it. */
export function entries(session: ImportedSession): { event: HistoryEvent; state: Slices }[] {
  const { history } = session
  const out: { event: HistoryEvent; state: Slices }[] = []
  for (let seq = history.baseSeq + 2; seq <= history.lastSeq; seq++)
    out.push({ event: history.event(seq), state: toPlain(history.stateAt(seq)) })
  return out
}

/** The state right after the last entry of each action, by the action's id (a cause's `id`, a note's cause, a skip). */
export function statesByAction(session: ImportedSession): Map<string, Slices> {
  const out = new Map<string, Slices>()
  for (const { event, state } of entries(session)) {
    const id = actionId(event)
    if (id !== undefined) out.set(id, state)
  }
  return out
}

function actionId(event: HistoryEvent): string | undefined {
  if (event.type === 'state.update') return event.cause.id
  const note = noteOf(event)
  if (note?.note === 'dispatch') return note.cause.id
  if (event.type === 'custom-event' && typeof event.data === 'object' && event.data !== null && !Array.isArray(event.data)) {
    const action = event.data.action
    if (typeof action === 'object' && action !== null && !Array.isArray(action) && typeof action.id === 'string') return action.id
  }
  return undefined
}
