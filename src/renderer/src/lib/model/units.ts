/**
 * Actions as units: the history cut into groups of consecutive entries, each either one
 * dispatched action with everything it changed (its input note, its updates in every slice, its
 * dispatch note) or one entry of its own (a status, a custom event, a base, an update found in
 * place). Groups cover every entry, in order, so a group is a range of store indexes.
 *
 * How an entry joins (src/shared/notes.ts for the notes):
 * - an input note (an action sent from outside) starts a unit of its action;
 * - an update joins the open unit when its cause has the unit's action type, else starts a unit;
 * - an update found in place (by verification) joins the open input unit that has changed nothing
 *   yet: the host found it as that dispatch settled (or while it awaited) and so wrote no "no change"
 *   note — it is what the action did. Found anywhere else (after a unit that changed something,
 *   where a later check of an idle runtime looks the same), it is a group of its own;
 * - a dispatch note joins the open unit of its cause's type (marking it no change, threw or
 *   rejected, and closing it), else is a unit of its own; a `changed` note closes the open unit of
 *   its type once that unit changed something (two identical actions in a row are so two units;
 *   the note of the first, written as the second starts, joins the second's input unit);
 * - an effects note (what the runtime's thread could not know in advance, written just before the
 *   entry it is for) belongs to the group of the entry after it: it starts no group and closes none;
 * - anything else (a status, a custom event, a base, an update found in place that no unit takes)
 *   is a group of its own and closes the open unit.
 * A thunk's plain actions are each a unit. Grouping is incremental: `update` looks at the new
 * entries only.
 */
import { noteOf, type DispatchNote } from '../../../../shared/notes'
import type { HistoryEvent, HistoryEventType } from '../../../../shared/protocol'

/** What the grouping reads of the history (the window's `HistoryStore` is one). */
export interface UnitSource {
  readonly length: number
  readonly generation: number
  type(index: number): HistoryEventType
  causeType(index: number): string | undefined
  inPlaceSince(index: number): number | undefined
  raw(index: number): string
  event(index: number): HistoryEvent
}

export type Outcome = Exclude<DispatchNote['outcome'], 'changed'>

export class Units {
  /** The first store index of each group. */
  #start: number[] = []
  /** The action type of a unit; undefined for a group of one entry. */
  #type: (string | undefined)[] = []
  /** Updates of each unit, those found in place included. */
  #changes: number[] = []
  /** Updates found in place that a unit took in (see the header), by group. */
  #inPlace = new Map<number, number>()
  #outcome = new Map<number, Outcome>()
  #error = new Map<number, string>()
  /** Units started by an input note (an action sent from outside). */
  #input = new Set<number>()
  /** The last group still takes entries of its action. */
  #open = false
  /** The first of the effects notes just read, which belong to the group the next entry starts (-1: none). */
  #pending = -1
  #scanned = 0
  #generation = -1

  constructor(private readonly source: UnitSource) {}

  /** Groups so far. */
  get count(): number {
    return this.#start.length
  }

  /** Takes in the entries recorded since the last call (all of them after the history started over). */
  update(): void {
    const s = this.source
    if (s.generation !== this.#generation || s.length < this.#scanned) this.#clear()
    for (let i = this.#scanned; i < s.length; i++) this.#take(i)
    this.#scanned = s.length
  }

  start(group: number): number {
    return this.#start[group] as number
  }

  /** The last store index of a group (the newest group grows as entries come). */
  end(group: number): number {
    return group + 1 < this.#start.length ? (this.#start[group + 1] as number) - 1 : this.#scanned - 1
  }

  /** The group an entry is in, or -1. */
  groupOf(index: number): number {
    let lo = 0
    let hi = this.#start.length - 1
    let found = -1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      if ((this.#start[mid] as number) <= index) {
        found = mid
        lo = mid + 1
      } else hi = mid - 1
    }
    return index < this.#scanned ? found : -1
  }

  /** The action type of a unit, or undefined for a group of one entry. */
  action(group: number): string | undefined {
    return this.#type[group]
  }

  isUnit(group: number): boolean {
    return this.#type[group] !== undefined
  }

  /** The updates a unit made, those found in place included. */
  changes(group: number): number {
    return this.#changes[group] ?? 0
  }

  /** How many of a unit's updates were found in place (the action changed its state without replacing it). */
  inPlace(group: number): number {
    return this.#inPlace.get(group) ?? 0
  }

  /** Why a unit changed nothing of its own: its dispatch changed nothing, threw or rejected. */
  outcome(group: number): Outcome | undefined {
    const o = this.#outcome.get(group)
    // A store reports no change when it sees no new object; a slice compared in full may still have changed.
    return o === 'no change' && this.changes(group) > 0 ? undefined : o
  }

  /** What a unit's dispatch threw or rejected with. */
  error(group: number): string | undefined {
    return this.#error.get(group)
  }

  /** True when the unit's action was sent from outside the runtime (the window, the HTTP API). */
  isInput(group: number): boolean {
    return this.#input.has(group)
  }

  #clear(): void {
    this.#start = []
    this.#type = []
    this.#changes = []
    this.#inPlace.clear()
    this.#outcome.clear()
    this.#error.clear()
    this.#input.clear()
    this.#open = false
    this.#pending = -1
    this.#scanned = 0
    this.#generation = this.source.generation
  }

  #group(index: number, type: string | undefined, open: boolean): number {
    this.#start.push(this.#pending >= 0 ? this.#pending : index)
    this.#pending = -1
    this.#type.push(type)
    this.#changes.push(0)
    this.#open = open
    return this.#start.length - 1
  }

  /** The open unit, if its action has this type. */
  #openOf(type: string): number {
    const last = this.#start.length - 1
    return this.#open && this.#type[last] === type ? last : -1
  }

  /** The open input unit that has changed nothing of its own yet, nor ended: it takes updates found in place. */
  #openForFound(): number {
    const last = this.#start.length - 1
    if (!this.#open || !this.#input.has(last) || this.#outcome.has(last)) return -1
    return (this.#changes[last] as number) === this.inPlace(last) ? last : -1
  }

  #take(i: number): void {
    const s = this.source
    const t = s.type(i)
    if (t === 'state.update') {
      const found = s.inPlaceSince(i) !== undefined
      let g: number
      if (found) {
        g = this.#openForFound()
        if (g < 0) {
          this.#group(i, undefined, false)
          return
        }
        this.#inPlace.set(g, this.inPlace(g) + 1)
        this.#pending = -1
      } else {
        const type = s.causeType(i) ?? ''
        g = this.#openOf(type)
        if (g < 0) g = this.#group(i, type, true)
        else this.#pending = -1
      }
      this.#changes[g] = (this.#changes[g] as number) + 1
      return
    }
    // Only an entry whose text holds the tag can be a note: the others are not parsed.
    const note = t === 'custom-event' && s.raw(i).includes('"$patchscope"') ? noteOf(s.event(i)) : undefined
    if (note?.note === 'effects') {
      if (this.#pending < 0) this.#pending = i
      return
    }
    if (note?.note === 'input') {
      const action = note.action
      const type = typeof action === 'object' && action !== null && !Array.isArray(action) ? action.type : undefined
      const g = this.#group(i, typeof type === 'string' ? type : String(type), true)
      this.#input.add(g)
      return
    }
    if (note?.note === 'dispatch' && typeof note.cause?.type === 'string') {
      const open = this.#openOf(note.cause.type)
      if (note.outcome === 'changed') {
        // An input unit that changed nothing yet is the next dispatch: the note is its predecessor's.
        if (open >= 0) {
          if ((this.#changes[open] as number) > 0) this.#open = false
          this.#pending = -1
        } else this.#group(i, undefined, false)
        return
      }
      const g = open >= 0 && !this.#outcome.has(open) ? open : this.#group(i, note.cause.type, false)
      this.#open = false
      this.#pending = -1
      // A unit whose dispatch changed something and then failed keeps its changes and says it failed.
      this.#outcome.set(g, note.outcome)
      if (typeof note.error === 'string') this.#error.set(g, note.error)
      return
    }
    this.#group(i, undefined, false)
  }
}

const changesWord = (n: number): string => `${n} change${n === 1 ? '' : 's'}`

/**
 * What a unit's row says it did: `no change`, `threw — TypeError: x after 2 changes`, `3 changes`,
 * or, when what it changed was found in place (the action changed its state without replacing it),
 * `changed in place` (`2 changes, 1 in place` beside changes of its own).
 * @example unitSummary(units, 4) // 'changed in place'
 */
export function unitSummary(units: Units, group: number): string {
  const outcome = units.outcome(group)
  if (outcome === 'no change') return 'no change'
  const changes = units.changes(group)
  const inPlace = units.inPlace(group)
  const onlyInPlace = inPlace > 0 && inPlace === changes
  const changed = onlyInPlace ? 'changed in place' : inPlace > 0 ? `${changesWord(changes)}, ${inPlace} in place` : changesWord(changes)
  if (outcome === undefined) return changed
  const error = units.error(group)
  const after = changes === 0 ? '' : ` after ${onlyInPlace ? 'changing in place' : changed}`
  return `${outcome}${error ? ` — ${error}` : ''}${after}`
}
