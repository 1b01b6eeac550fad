/**
 * The dispatcher's model: what the user typed read as an action (JSON only: parsed, never
 * evaluated), the actions already seen as templates, and what the host said of a dispatch.
 */
import { jsonLanguage } from '@codemirror/lang-json'
import type { Cause, JsonObject } from '../../../../shared/protocol'
import type { HistoryStore } from './store'

/** The editor's text read as an action: the action and its text, or where the text goes wrong. */
export type ParsedAction =
  | { ok: true; action: JsonObject & { type: string } }
  | {
      ok: false
      message: string
      /** Where the text goes wrong (an offset into it), when it is not JSON. */
      at?: number
      line?: number
      column?: number
    }

/**
 * Reads the editor's text as an action, with `JSON.parse` (never `eval`): an object with a string
 * `type`. A syntax error says where, by line and column (from V8's message when it has a
 * position, else from the JSON grammar's first error, so it is never missing).
 */
export function parseAction(text: string): ParsedAction {
  if (text.trim() === '') return { ok: false, message: 'Type an action: {"type": "…", "payload": …}' }
  // A word typed before any brace (a type to complete) is not JSON yet: say what is expected there.
  const word = /^\s*(?!(?:true|false|null)\b)[A-Za-z_$@]/.exec(text)
  if (word) {
    const at = word[0].length - 1
    return {
      ok: false,
      message: 'Not JSON yet: choose a type in the list, or write the action as {"type": "…"}',
      at,
      ...lineColumn(text, at)
    }
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    const at = errorOffset(text, e instanceof Error ? e.message : '')
    const { line, column } = lineColumn(text, at)
    return { ok: false, message: `Not JSON: ${shortMessage(e)} (line ${line}, column ${column})`, at, line, column }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, message: 'An action is a JSON object: {"type": "…", "payload": …}' }
  const type = (value as Record<string, unknown>).type
  if (typeof type !== 'string' || type === '') return { ok: false, message: 'An action needs a "type": a non-empty string' }
  return { ok: true, action: value as JsonObject & { type: string } }
}

/** V8's message without the text it quotes (which may be the whole document). */
function shortMessage(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e)
  return message.replace(/, (?:"|\.\.\.).*" is not valid JSON$/s, '').replace(/ in JSON at position \d+.*$/s, '')
}

/** Where JSON.parse gave up: its own position when it says one, else the grammar's first error. */
function errorOffset(text: string, message: string): number {
  const m = /at position (\d+)/.exec(message)
  if (m) return Math.min(Number(m[1]), text.length)
  let at = text.length
  jsonLanguage.parser.parse(text).iterate({
    enter: (node) => {
      if (node.type.isError && node.from < at) at = node.from
      return at === text.length
    }
  })
  return at
}

/** 1-based line and column of an offset. */
export function lineColumn(text: string, at: number): { line: number; column: number } {
  const before = text.slice(0, at)
  const lastBreak = before.lastIndexOf('\n')
  return { line: before.split('\n').length, column: at - lastBreak }
}

/** The action a recorded cause was, to dispatch again: its id is left out (a new dispatch is a new action). */
export function actionOf(cause: Cause): JsonObject & { type: string } {
  const action: JsonObject & { type: string } = { type: cause.type }
  if (cause.payload !== undefined) action.payload = cause.payload
  if (cause.meta !== undefined) action.meta = cause.meta
  if (cause.error !== undefined) action.error = cause.error
  return action
}

/** An action as the editor shows it. */
export function actionText(action: JsonObject): string {
  return JSON.stringify(action, null, 2)
}

/**
 * Cause types that no one dispatched (a change verification found, a change outside any
 * dispatch, a dispatch of no action, a thunk): recorded, but never a template.
 */
export function isDispatchable(type: string): boolean {
  return !type.startsWith('(') && !type.startsWith('thunk ')
}

/** An action type the dispatcher offers, with the last action of that type as its template. */
export interface ActionChoice {
  type: string
  /** The template: the last action of this type, as text. */
  text: string
  /** Where it was last seen: `#42` for a recorded entry, `sent` for one only sent from here. */
  seen: string
}

/**
 * The action types of the history, newest first, each with its last action as a template. One
 * pass back over the store's cause column (no entry is parsed but the last of each type), stopping
 * once every type the store has seen is found or `limit` types are.
 */
export function recordedChoices(store: HistoryStore, limit = 200): ActionChoice[] {
  const wanted = [...store.actionTypes].filter(isDispatchable).length
  const found = new Set<number>()
  const choices: ActionChoice[] = []
  for (let i = store.length - 1; i >= 0 && choices.length < Math.min(wanted, limit); i--) {
    const id = store.causeId(i)
    if (id < 0 || found.has(id)) continue
    found.add(id)
    const event = store.event(i)
    const cause = 'cause' in event ? event.cause : undefined
    if (cause === undefined || !isDispatchable(cause.type)) continue
    choices.push({ type: cause.type, text: actionText(actionOf(cause)), seen: `#${event.seq}` })
  }
  return choices
}

/**
 * What completion offers: the history's types (newest first, as recorded), then types only sent
 * from the dispatcher (an action that changed nothing records no update), each type once.
 */
export function choices(recorded: readonly ActionChoice[], sent: readonly { text: string }[]): ActionChoice[] {
  const out = [...recorded]
  const types = new Set(recorded.map((c) => c.type))
  for (const s of sent) {
    const parsed = parseAction(s.text)
    if (!parsed.ok || types.has(parsed.action.type)) continue
    types.add(parsed.action.type)
    out.push({ type: parsed.action.type, text: s.text, seen: 'sent' })
  }
  return out
}
