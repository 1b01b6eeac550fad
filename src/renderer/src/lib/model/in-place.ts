/**
 * Changes made in place: what the window says about an update the recorder's verification found
 * (a slice changed without a new object, the classic reducer bug), about the slices the host
 * compares in full, and about how it compares a runtime's state at all.
 */
import { NOTE_TAG, noteOf } from '../../../../shared/notes'
import { escapeToken } from '../../../../shared/pointer'
import { VERIFICATION_CAUSE, type CompareMode, type InPlaceFinding, type StateUpdateEvent } from '../../../../shared/protocol'
import type { HistoryStore } from './store'

/** The tooltip of a timeline row's "in place" badge. */
export function inPlaceTitle(since: number): string {
  return `changed in place after #${since}, found by verification`
}

/** Where a change found in place was made: after entry `since`, before entry `seq`. */
export interface InPlaceRange {
  slice: string
  /** The last entry known exact. */
  since: number
  /** The update verification recorded. */
  seq: number
  /** The first entry of the range, `since + 1`; undefined when no entry was recorded in between. */
  first: number | undefined
  /**
   * The actions in between (sent from outside: by their input notes; else the types of the updates),
   * most frequent first (at most `max`), other findings left out.
   */
  actions: { type: string; count: number }[]
  /** How many more action types there were than listed. */
  more: number
}

/**
 * The range an update found by verification points at, with the actions recorded in it (read
 * from the store's columns: a range may be a long burst). Undefined for any other entry.
 */
export function inPlaceRange(store: HistoryStore, e: StateUpdateEvent, max = 5): InPlaceRange | undefined {
  const since = e.detected?.since
  if (typeof since !== 'number') return undefined
  const range: InPlaceRange = { slice: e.slice, since, seq: e.seq, first: since + 1 < e.seq ? since + 1 : undefined, actions: [], more: 0 }
  // Entries folded into the base are no longer held: count what is.
  const from = Math.max(since + 1, store.baseSeq)
  const to = Math.min(e.seq - 1, store.lastSeq)
  // Verification records what one pass found in several slices one after the other: not actions.
  const found = store.names.find(VERIFICATION_CAUSE)
  // An action sent from outside is its input note (which names it even when it recorded nothing);
  // the updates of the same type after it are its own, not more actions.
  const counts = new Map<string, number>()
  let sent: string | undefined
  for (let seq = from; seq <= to; seq++) {
    const i = store.indexOf(seq)
    if (store.type(i) === 'custom-event') {
      const input = inputType(store, i)
      if (input !== undefined) counts.set(input, (counts.get(input) ?? 0) + 1)
      if (input !== undefined) sent = input
      continue
    }
    const id = store.causeId(i)
    if (id < 0 || id === found) continue
    const type = store.names.name(id) ?? ''
    if (type !== sent) counts.set(type, (counts.get(type) ?? 0) + 1)
  }
  // A stable sort: actions as frequent as each other stay in the order the range first shows them.
  const sorted = [...counts].sort((a, b) => b[1] - a[1])
  range.actions = sorted.slice(0, max).map(([type, count]) => ({ type, count }))
  range.more = Math.max(0, sorted.length - max)
  return range
}

/** The type of the action an input note records, if the entry is one. */
function inputType(store: HistoryStore, i: number): string | undefined {
  // Only an entry whose text holds the tag can be a note: the others are not parsed.
  if (!store.raw(i).includes(`"${NOTE_TAG}"`)) return undefined
  const note = noteOf(store.event(i))
  if (note?.note !== 'input') return undefined
  const a = note.action
  const type = typeof a === 'object' && a !== null && !Array.isArray(a) ? a.type : undefined
  return typeof type === 'string' ? type : undefined
}

/** The actions of a range in a few words: `todos/add ×2, filter/set, and 3 more`. */
export function actionsText(range: InPlaceRange): string {
  const listed = range.actions.map((a) => (a.count > 1 ? `${a.type} ×${a.count}` : a.type)).join(', ')
  return range.more > 0 ? `${listed}, and ${range.more} more` : listed
}

/** How the host compares a runtime's state, in a few words after "Compare:" (the header) and in full (the runtime panel). */
export const COMPARE_WORDS: Record<CompareMode, { short: string; long: string }> = {
  verify: {
    short: 'verify when idle',
    long:
      'Patchscope takes an unchanged reference for an unchanged value, then checks its copy of the state against the ' +
      'runtime’s whenever the runtime goes idle. A slice found changed in place is compared in full from then on.'
  },
  full: {
    short: 'in full',
    long: 'Patchscope compares every change in full: always exact, slower on large states.'
  },
  trust: {
    short: 'trust references',
    long:
      'The runtime declared immutable: true, a promise that it never changes its state in place, so Patchscope takes an ' +
      'unchanged reference for an unchanged value and never checks. A change made in place would be missed.'
  }
}

/** What a finding says after its slice and paths. */
export function findingText(f: InPlaceFinding): string {
  return f.how === 'verification'
    ? `found by verification after #${f.since}, recorded as #${f.seq}`
    : 'the runtime reports changes to this slice as the same object: compared in full'
}

/** A finding's paths as pointers from the state's root, slice first: `/todos/1/done, /todos/2/done, and 3 more`. */
export function findingPaths(f: InPlaceFinding, max = 4): string {
  const root = `/${escapeToken(f.slice)}`
  const shown = f.paths.slice(0, max).map((p) => root + p)
  if (shown.length === 0) return root
  return f.paths.length > max ? `${shown.join(', ')}, and ${f.paths.length - max} more` : shown.join(', ')
}
