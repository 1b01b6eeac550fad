/**
 * Narrowing the timeline: by kind of entry, action type, slice, path and text. Cheap checks
 * (columns, the raw JSON) come before the ones that parse (text, path).
 */
import { NOTE_TAG, noteOf } from '../../../../shared/notes'
import { parsePointer } from '../../../../shared/pointer'
import type { HistoryEvent, HistoryEventType, Json } from '../../../../shared/protocol'
import type { HistoryStore } from './store'
import { touches } from './summary'

export interface Filter {
  /** Entry types shown, as {@link kindOf} tells them; all when empty. */
  types: HistoryEventType[]
  /** Part of an action type (updates, and the input and dispatch notes of actions). */
  action: string
  /** A slice name (updates only). */
  slice: string
  /** A path in the state, slice first (`/conversation/messages`): entries that changed it, a parent or a child. */
  path: string
  /** Text anywhere in the entry: payloads, values, paths, messages. */
  text: string
}

export const NO_FILTER: Filter = { types: [], action: '', slice: '', path: '', text: '' }

/** True when the filter hides anything. */
export function isActive(f: Filter): boolean {
  return f.types.length > 0 || f.action !== '' || f.slice !== '' || f.path !== '' || f.text !== ''
}

/** What the filter says, in a few words per part, for the chips that keep it visible. */
export function describeFilter(f: Filter): { key: keyof Filter; text: string }[] {
  const out: { key: keyof Filter; text: string }[] = []
  if (f.types.length > 0) out.push({ key: 'types', text: `type: ${f.types.join(', ')}` })
  if (f.action !== '') out.push({ key: 'action', text: `action: ${f.action}` })
  if (f.slice !== '') out.push({ key: 'slice', text: `slice: ${f.slice}` })
  if (f.path !== '') out.push({ key: 'path', text: `path: ${f.path}` })
  if (f.text !== '') out.push({ key: 'text', text: `text: “${f.text}”` })
  return out
}

/**
 * A test of one entry against the filter.
 * @throws {PointerError} when the path is not a JSON Pointer
 */
export function matcher(store: HistoryStore, f: Filter): (index: number) => boolean {
  const types = new Set(f.types)
  const action = f.action.toLowerCase()
  const text = f.text.toLowerCase()
  // Looked up again until the slice shows up: the matcher also tests entries that arrive later.
  let sliceId = -1
  const tokens = f.path === '' ? undefined : parsePointer(f.path.startsWith('/') ? f.path : `/${f.path}`)
  return (i) => {
    const type = store.type(i)
    const kind = type === 'custom-event' ? kindOf(store, i) : { type }
    if (types.size > 0 && (kind.type === undefined || !types.has(kind.type))) return false
    if (action !== '') {
      const cause = type === 'state.update' ? store.causeType(i) : kind.action
      if (cause === undefined || !cause.toLowerCase().includes(action)) return false
    }
    if (f.slice !== '') {
      if (sliceId < 0) sliceId = store.names.find(f.slice)
      if (type !== 'state.update' || sliceId < 0 || store.sliceId(i) !== sliceId) return false
    }
    if (text !== '') {
      const raw = store.raw(i)
      // Without escapes, the JSON holds every string of the entry as it is: a cheap test before the parse.
      if (!raw.includes('\\') && !raw.toLowerCase().includes(text)) return false
      if (!entryText(store.event(i)).toLowerCase().includes(text)) return false
    }
    if (tokens !== undefined && (type !== 'state.update' || !touches(store.event(i), tokens))) return false
    return true
  }
}

/**
 * What an entry counts as for the filter's kinds (Updates, Executions, Events, Resets), and the
 * action it belongs to. Patchscope's own notes are not the runtime's custom events:
 * - an input note (an action sent from outside) and a dispatch note (a dispatch that changed
 *   nothing, threw or rejected) belong with their action: they count as updates, and the action
 *   type filter matches them by their action's type — so that a dispatch that changed nothing is
 *   found with the others of its type;
 * - an effects note (what the runtime read, kept for replay) is of no kind: a filter by kind never
 *   shows it (the action after it has its own row);
 * - the other notes (a runtime error, an attached stream's connection) stay events.
 * The same test serves flat and grouped rows: a unit shows when one of its entries passes.
 */
export function kindOf(store: HistoryStore, i: number): { type: HistoryEventType | undefined; action?: string } {
  const type = store.type(i)
  // Only an entry whose text holds the tag can be a note: the others are not parsed.
  if (type !== 'custom-event' || !store.raw(i).includes(`"${NOTE_TAG}"`)) return { type }
  const note = noteOf(store.event(i))
  switch (note?.note) {
    case 'input': {
      const a = note.action
      const t = typeof a === 'object' && a !== null && !Array.isArray(a) ? a.type : undefined
      return { type: 'state.update', ...(typeof t === 'string' ? { action: t } : {}) }
    }
    case 'dispatch':
      return { type: 'state.update', ...(typeof note.cause?.type === 'string' ? { action: note.cause.type } : {}) }
    case 'effects':
      return { type: undefined }
    default:
      return { type }
  }
}

/**
 * What a text search looks through: the slice, paths, values, cause, statuses, ids, errors and
 * data of an entry (keys and values alike), but not the protocol's own fields (seq, timestamp,
 * type, the names of fields), which every entry has.
 */
export function entryText(e: HistoryEvent): string {
  const out: string[] = []
  const walk = (v: Json | undefined): void => {
    if (v === undefined) return
    if (v === null || typeof v !== 'object') out.push(String(v))
    else if (Array.isArray(v)) for (const x of v) walk(x)
    else
      for (const [k, x] of Object.entries(v)) {
        out.push(k)
        walk(x)
      }
  }
  switch (e.type) {
    case 'state.initial':
      walk(e.slices)
      break
    case 'state.update':
      out.push(e.slice, e.cause.type, e.cause.id ?? '')
      walk(e.cause.payload)
      walk(e.value)
      for (const op of e.patches ?? []) {
        out.push(op.path, 'from' in op ? op.from : '')
        if ('value' in op) walk(op.value)
      }
      break
    case 'execution.status':
      out.push(e.status, e.executionId, e.turnId ?? '', e.error ?? '')
      break
    case 'custom-event':
      walk(e.data)
  }
  return out.join('\n')
}
