/**
 * What came of a dispatch: the host's answer read at the boundary, and said in words under the
 * dispatcher's editor ("recorded #12–#14", "changed nothing", "still running", the host's error).
 */
import type { DispatchResult } from '../../../../shared/protocol'

/** The answer of a dispatch as the window holds it (see `Connection.dispatch`). */
export type DispatchAnswer = { ok: true; status: number; result: DispatchResult } | { ok: false; status: number; message: string }

/** Narrows `POST /actions`' answer; anything else is the host's mistake, said so. */
export function readDispatchResult(body: unknown): DispatchResult {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>
  if (typeof b.seq !== 'number' || typeof b.changed !== 'boolean')
    throw new TypeError(`the host answered a dispatch with ${JSON.stringify(body)?.slice(0, 200)}`)
  return {
    seq: b.seq,
    ...(typeof b.first === 'number' ? { first: b.first } : {}),
    entries: typeof b.entries === 'number' ? b.entries : 0,
    changed: b.changed,
    settled: b.settled !== false
  }
}

/** What the dispatcher says of an answer, under the editor. */
export interface Outcome {
  kind: 'recorded' | 'unchanged' | 'running' | 'error'
  text: string
  /** The first entry the action recorded, to show it. */
  first?: number
  last?: number
}

/** The outcome of a dispatch, in words: "recorded #12–#14", "changed nothing", "still running", or the host's error. */
export function outcomeOf(answer: DispatchAnswer): Outcome {
  if (!answer.ok) {
    const why = ERRORS[answer.status]
    return { kind: 'error', text: answer.status === 0 ? answer.message : `${answer.status}${why ? ` (${why})` : ''}: ${answer.message}` }
  }
  const r = answer.result
  const first = r.first ?? r.seq
  const range = r.changed ? (first === r.seq ? `#${r.seq}` : `#${first}–#${r.seq}`) : ''
  const count = r.entries === 1 ? '1 entry' : `${r.entries} entries`
  if (!r.settled)
    return r.changed
      ? { kind: 'running', text: `Still running (202): recorded ${range} so far (${count})`, first, last: r.seq }
      : { kind: 'running', text: 'Still running (202): nothing recorded yet' }
  if (!r.changed) return { kind: 'unchanged', text: `Dispatched: changed nothing (the history ends at #${r.seq})` }
  return { kind: 'recorded', text: `Recorded ${range} (${count})`, first, last: r.seq }
}

/** What a refusal of `POST /actions` means where the host's own message does not say it (a 500 says the dispatch failed). */
const ERRORS: Record<number, string> = {
  400: 'not an action the host accepts',
  409: 'no runtime to dispatch to',
  413: 'too large'
}
