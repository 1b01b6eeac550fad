/**
 * What an entry did, in a few words for its timeline row, and which paths it changed.
 */
import { parsePointer } from '../../../../shared/pointer'
import type { HistoryEvent, Json, JsonObject, Operation } from '../../../../shared/protocol'
import { preview } from './format'

/** The key of a note the host records itself (a runtime error); runtime data can never forge it. */
export const NOTE_TAG = '$patchscope'

/** A note the host recorded, if the custom event is one. */
export function hostNote(e: HistoryEvent): { note: string; kind: string; message: string; stack?: string } | undefined {
  if (e.type !== 'custom-event' || typeof e.data !== 'object' || e.data === null || Array.isArray(e.data)) return undefined
  const keys = Object.keys(e.data)
  if (keys.length !== 1 || keys[0] !== NOTE_TAG) return undefined
  const n = (e.data as JsonObject)[NOTE_TAG] as Json
  // Only the host writes notes, but a session file can hold anything.
  if (typeof n !== 'object' || n === null || Array.isArray(n)) return undefined
  return {
    note: String(n.note),
    kind: String(n.kind),
    message: String(n.message),
    ...(typeof n.stack === 'string' ? { stack: n.stack } : {})
  }
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
      return `${e.status} ${e.turnId ?? e.executionId}${e.error !== undefined ? ` — ${e.error}` : ''}`
    case 'custom-event': {
      const note = hostNote(e)
      return note !== undefined ? `runtime ${note.kind}: ${note.message}` : preview(e.data, 100)
    }
  }
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
