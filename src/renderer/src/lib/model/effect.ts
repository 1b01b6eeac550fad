/**
 * The whole effect of one action (a unit, see units.ts): the action that caused it, each slice it
 * changed with that slice's net change from before the action to after it, and how its dispatch
 * ended. What the entry view shows when a unit's row is selected.
 */
import { noteOf } from '../../../../shared/notes'
import type { Cause, Json, JsonObject } from '../../../../shared/protocol'
import { diffStates, type Change } from './diff'
import type { HistoryStore } from './store'
import type { Outcome, Units } from './units'

/** One slice an action changed. */
export interface SliceEffect {
  slice: string
  /** Store indexes of the slice's updates within the unit, in order. */
  entries: number[]
  /** The slice's net change over the whole action; paths start with the slice, as in the Diff view. */
  changes: Change[]
  truncated: boolean
}

/** An action's parts as a cause names them (type, id, payload, meta, error), and any other keys it carried. */
export interface ActionParts extends Cause {
  rest?: JsonObject
}

export interface UnitEffect {
  group: number
  /** The action, whole: as it was sent when it came from outside, else as its entries name it. */
  action: ActionParts
  /** True when the action was sent from outside the runtime (the window, the HTTP API). */
  sent: boolean
  /** Store indexes of the unit's first and last entries. */
  first: number
  last: number
  /** The slices it changed, in the order first changed. */
  slices: SliceEffect[]
  /** Updates it recorded. */
  updates: number
  outcome?: Outcome
  /** What its dispatch threw or rejected with. */
  error?: string
  /** What it changed, in words: `3 changes in 2 slices`. */
  changed: string
  /** How it ended, in words: `no change`, `threw: …`, `rejected: …`, or what it changed. */
  summary: string
}

const FSA_KEYS = new Set(['type', 'payload', 'meta', 'error'])

/** An action's parts, from an input note's action (as sent, encoded) or an entry's cause. */
export function actionParts(action: Json, id?: string): ActionParts {
  if (typeof action !== 'object' || action === null || Array.isArray(action)) return { type: String(action) }
  const o = action
  const parts: ActionParts = { type: typeof o.type === 'string' ? o.type : JSON.stringify(o.type ?? null) }
  if (id !== undefined) parts.id = id
  if (o.payload !== undefined) parts.payload = o.payload
  if (o.meta !== undefined) parts.meta = o.meta
  if (o.error !== undefined) parts.error = o.error
  const rest = Object.entries(o).filter(([k]) => !FSA_KEYS.has(k) && k !== 'id')
  if (rest.length > 0) parts.rest = Object.fromEntries(rest)
  return parts
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`

/** What a unit changed, in words. */
export const changedText = (updates: number, slices: number): string => `${plural(updates, 'change')} in ${plural(slices, 'slice')}`

/** How a unit ended, in words. */
export function outcomeText(outcome: Outcome | undefined, error: string | undefined, updates: number, slices: number): string {
  if (outcome === 'no change') return 'no change'
  const changed = changedText(updates, slices)
  if (outcome === undefined) return changed
  return `${outcome}: ${error ?? '(no message)'}${updates > 0 ? ` (after ${changed})` : ''}`
}

/** The whole effect of unit `group`; undefined when the group is not a unit (a status, an event, a base). */
export function unitEffect(store: HistoryStore, units: Units, group: number): UnitEffect | undefined {
  if (group < 0 || group >= units.count || !units.isUnit(group)) return undefined
  const first = units.start(group)
  const last = units.end(group)
  const bySlice = new Map<string, number[]>()
  let action: ActionParts | undefined
  let fallback: ActionParts | undefined
  for (let i = first; i <= last; i++) {
    const type = store.type(i)
    if (type === 'state.update') {
      const slice = store.slice(i) as string
      const list = bySlice.get(slice)
      if (list === undefined) bySlice.set(slice, [i])
      else list.push(i)
      if (action === undefined) {
        const e = store.event(i)
        if (e.type === 'state.update') action = actionParts(e.cause as unknown as Json, e.cause.id)
      }
    } else if (type === 'custom-event' && fallback === undefined) {
      const note = noteOf(store.event(i))
      if (note?.note === 'input') fallback = actionParts(note.action)
      else if (note?.note === 'dispatch') fallback = actionParts(note.cause as unknown as Json, note.cause.id)
    }
  }
  // Sent from outside, the action as sent is the whole of it; the entries' causes may be trimmed.
  const sent = units.isInput(group)
  const whole = (sent ? fallback : action) ?? action ?? fallback ?? { type: units.action(group) ?? '' }
  const before = store.stateAt(first - 1)
  const after = store.stateAt(last)
  const slices: SliceEffect[] = []
  for (const [slice, entries] of bySlice) {
    const pick = (s: Record<string, Json>): Record<string, Json> => (Object.hasOwn(s, slice) ? { [slice]: s[slice] as Json } : {})
    const { changes, truncated } = diffStates(pick(before), pick(after))
    slices.push({ slice, entries, changes, truncated })
  }
  const updates = units.changes(group)
  const outcome = units.outcome(group)
  const error = units.error(group)
  return {
    group,
    action: whole,
    sent,
    first,
    last,
    slices,
    updates,
    changed: changedText(updates, slices.length),
    ...(outcome !== undefined ? { outcome } : {}),
    ...(error !== undefined ? { error } : {}),
    summary: outcomeText(outcome, error, updates, slices.length)
  }
}
