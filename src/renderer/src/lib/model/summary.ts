/**
 * What an entry did, in a few words for its timeline row, and which paths it changed.
 */
import { parsePointer } from '../../../../shared/pointer'
import { inputType, noteOf, type RuntimeErrorNote } from '../../../../shared/notes'
import type { HistoryEvent, Json, JsonObject, Operation } from '../../../../shared/protocol'
import { describeTagged, preview, unwrap } from './format'
import type { HistoryStore } from './store'
import type { Units } from './units'

/** The runtime error a note records, if the entry is one (other notes are not errors). */
export function hostNote(e: HistoryEvent): RuntimeErrorNote | undefined {
  const n = noteOf(e)
  if (n?.note !== 'runtime-error') return undefined
  return { note: n.note, kind: String(n.kind), message: String(n.message), ...(typeof n.stack === 'string' ? { stack: n.stack } : {}) }
}

function opText(op: Operation): string {
  return op.op === 'move' || op.op === 'copy' ? `${op.op} ${op.from} → ${op.path}` : `${op.op} ${op.path || '(slice)'}`
}

/** The change an entry made, in a few words. */
export function summarize(e: HistoryEvent): string {
  switch (e.type) {
    case 'state.initial':
      return `${e.reset ? 'reset' : 'base'}: ${Object.keys(e.slices).length} slices`
    case 'state.update':
      if (e.removed) return 'removed'
      if (e.patches === undefined) return `replaced with ${preview(e.value, 60)}`
      if (e.patches.length === 1) return opText(e.patches[0] as Operation)
      return `${e.patches.length} ops: ${e.patches.slice(0, 3).map(opText).join(', ')}${e.patches.length > 3 ? ', …' : ''}`
    case 'execution.status':
      return `${e.status} ${statusSubject(e.executionId, e.turnId)}${e.error !== undefined ? ` — ${e.error}` : ''}`
    case 'custom-event': {
      const note = hostNote(e)
      if (note !== undefined) return `runtime ${note.kind}: ${note.message}`
      return actionNoteText(e) ?? effectsNoteText(e) ?? streamNoteText(e) ?? dataText(e.data)
    }
  }
}

/**
 * An effects note in words (what the runtime read that replay feeds back): `effects: random ×6, now`;
 * undefined for any other entry.
 */
export function effectsNoteText(e: HistoryEvent): string | undefined {
  const n = noteOf(e)
  if (n?.note !== 'effects' || !Array.isArray(n.effects)) return undefined
  const counts = new Map<string, number>()
  for (const effect of n.effects) counts.set(String(effect?.k), (counts.get(String(effect?.k)) ?? 0) + 1)
  return `effects: ${[...counts].map(([k, c]) => (c > 1 ? `${k} ×${c}` : k)).join(', ') || 'none'}`
}

/**
 * An attached stream's note or a resume's in words (`delta not applied: …`, `resumed from #6 at #8`),
 * instead of the note's raw JSON; undefined for any other entry.
 */
export function streamNoteText(e: HistoryEvent): string | undefined {
  const n = noteOf(e)
  if (n?.note === 'attach') return `${String(n.event).replaceAll('-', ' ')}: ${String(n.message)}`
  if (n?.note !== 'resume') return undefined
  const from = `resumed from #${String(n.from)}${typeof n.session === 'string' ? ` of ${n.session}` : ''}`
  const at = n.reached === n.from ? '' : ` at #${String(n.reached)}`
  return `${from}${at}${n.identical === true ? '' : ' — its state differs from the recorded one'}`
}

/**
 * An input or dispatch note in words (`dispatched todos/add`, `todos/add: no change`,
 * `save rejected — Error: offline`); undefined for any other entry.
 */
export function actionNoteText(e: HistoryEvent): string | undefined {
  const n = noteOf(e)
  if (n?.note === 'input') {
    return `dispatched ${inputType(n) ?? preview(n.action, 60)}`
  }
  if (n?.note !== 'dispatch') return undefined
  const type = String(n.cause?.type)
  if (n.outcome === 'no change') return `${type}: no change`
  if (n.outcome === 'changed') return `${type}: end of its changes`
  return `${type} ${n.outcome}${typeof n.error === 'string' ? ` — ${n.error}` : ''}`
}

/**
 * Whose status it is: the execution, and its turn if any. Runtimes reuse turn ids (`turn-1` in
 * every execution), so a turn alone does not say which one ran; a turn id that already starts
 * with its execution's (`exec-2/turn-1`) is not repeated.
 */
export function statusSubject(executionId: string, turnId: string | undefined): string {
  if (turnId === undefined) return executionId
  return turnId.startsWith(executionId) ? turnId : `${executionId} / ${turnId}`
}

/** Keys that name a custom event (`{ kind: 'tool-call', … }`), in the order they are looked for. */
const NAME_KEYS = ['kind', 'type', 'name', 'event']

/** What a custom event calls itself (its `kind`, `type`, `name` or `event`), shown as the row's cause. */
export function eventName(e: HistoryEvent): string | undefined {
  if (e.type !== 'custom-event' || hostNote(e) !== undefined) return undefined
  const data = unwrap(e.data)
  if (typeof data !== 'object' || data === null || Array.isArray(data) || describeTagged(e.data) !== undefined) return undefined
  for (const k of NAME_KEYS) if (typeof data[k] === 'string') return data[k]
  return undefined
}

/**
 * A custom event's data for its row: without the key that names it (the row shows it apart), and
 * with identifiers last, so that what differs from one event to the next (a tool call's tool and
 * arguments) comes first and is not cut off in a narrow window.
 */
function dataText(value: Json): string {
  const data = unwrap(value)
  if (typeof data !== 'object' || data === null || Array.isArray(data) || describeTagged(value) !== undefined) return preview(value, 100)
  const name = NAME_KEYS.find((k) => typeof data[k] === 'string')
  const keys = Object.keys(data).filter((k) => k !== name)
  const id = (k: string): boolean => /(^id|Id|_id|ID)$/.test(k)
  const ordered: JsonObject = {}
  for (const k of [...keys.filter((k) => !id(k)), ...keys.filter(id)]) ordered[k] = data[k] as Json
  return keys.length === 0 ? '' : preview(ordered, 100)
}

/** The paths an update changed, as token lists inside its slice (`[]` is the whole slice). A `test` operation changes nothing. */
export function changedPaths(e: HistoryEvent): string[][] {
  return edits(e).map((c) => c.tokens)
}

/** A place an update changed; `shifts` when it inserted or removed there, which moves what follows in an array. */
interface Edit {
  tokens: string[]
  shifts: boolean
}

function edits(e: HistoryEvent): Edit[] {
  if (e.type !== 'state.update') return []
  if (e.patches === undefined) return [{ tokens: [], shifts: false }]
  const out: Edit[] = []
  for (const op of e.patches) {
    if (op.op === 'test') continue
    out.push({ tokens: parsePointer(op.path), shifts: op.op !== 'replace' })
    if (op.op === 'move') out.push({ tokens: parsePointer(op.from), shifts: true })
  }
  return out
}

const INDEX = /^(0|[1-9][0-9]*)$/

/** True when one token list starts with the other (a path, a parent of it, or a child of it). */
export function related(a: readonly string[], b: readonly string[]): boolean {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false
  return true
}

/**
 * True when an insertion or a removal at `edit` moves the value at `path`: an array element at or
 * after it (or anywhere, for an append with `-`). The operation does not say whether the parent is
 * an array, so an object with index-like keys may be taken as moved when it was not.
 */
function moves(edit: Edit, path: readonly string[]): boolean {
  const { tokens } = edit
  const depth = tokens.length - 1
  if (!edit.shifts || depth < 0 || depth >= path.length || !related(tokens.slice(0, depth), path)) return false
  const at = path[depth] as string
  const last = tokens[depth] as string
  return INDEX.test(at) && (last === '-' || (INDEX.test(last) && Number(at) >= Number(last)))
}

/** True when the entry may have changed the value at `tokens` (the slice name first, then the path in it). */
export function touches(e: HistoryEvent, tokens: readonly string[]): boolean {
  if (e.type === 'state.initial') return true
  if (e.type !== 'state.update' || e.slice !== tokens[0]) return false
  const rest = tokens.slice(1)
  return edits(e).some((c) => related(c.tokens, rest) || moves(c, rest))
}

/**
 * Widths for the timeline's name columns that fit what they hold: the slice names (and the words
 * that stand in their column: statuses, "event"), the action types seen, and the names of the
 * custom events in view. Within bounds, so that the summary keeps room at 1024 px.
 */
export function columnWidths(
  store: HistoryStore,
  inView: readonly number[],
  grouped?: { units: Units; inView: readonly number[] }
): { what: string; cause: string } {
  let what = 'completed'.length
  for (const name of store.sliceNames) what = Math.max(what, name.length)
  let cause = 6
  for (const type of store.actionTypes) cause = Math.max(cause, type.length)
  for (const i of inView) if (store.type(i) === 'custom-event') cause = Math.max(cause, eventName(store.event(i))?.length ?? 0)
  // A unit's row: its action (a thunk's is named by no update), its slices after the ▸ button.
  for (const g of grouped?.inView ?? []) {
    const units = grouped?.units as Units
    cause = Math.max(cause, units.action(g)?.length ?? 0)
    what = Math.max(what, unitSlices(store, units, g).join(', ').length + 2)
  }
  const clamp = (n: number, max: number): string => `${Math.min(n, max) + 1}ch`
  return { what: clamp(what, 16), cause: clamp(cause, 26) }
}

/** The slices a unit changed, in the order first changed (of its first `limit` entries: a unit may hold a long burst). */
export function unitSlices(store: HistoryStore, units: Units, group: number, limit = 2000): string[] {
  const start = units.start(group)
  const end = Math.min(units.end(group), start + limit)
  const slices: string[] = []
  for (let i = start; i <= end; i++) {
    const s = store.slice(i)
    if (s !== undefined && !slices.includes(s)) slices.push(s)
  }
  return slices
}
