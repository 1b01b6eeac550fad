/**
 * The timeline's state: which entries show (the filter), which one is selected, and whether the
 * selection follows the newest entry. Rows are the entries that pass the filter, in order.
 */
import { isActive, matcher, NO_FILTER, type Filter } from './model/filter'
import type { HistoryStore } from './model/store'
import { Units } from './model/units'

/** Where the choice of grouping by action is remembered. */
const GROUPED_KEY = 'patchscope.groupByAction'

/** The window's localStorage; none under Node (the model's tests). */
const storage = (): { getItem(key: string): string | null; setItem(key: string, value: string): void } | undefined =>
  (globalThis as { localStorage?: { getItem(key: string): string | null; setItem(key: string, value: string): void } }).localStorage

function storedGrouped(): boolean {
  try {
    return storage()?.getItem(GROUPED_KEY) !== 'flat'
  } catch {
    return true
  }
}

/** The window's timers; under Node (the model's tests) there are no frames, and a timeout stands in. */
const timers: { requestAnimationFrame?: (run: () => void) => unknown; setTimeout: (run: () => void, ms: number) => unknown } = globalThis

/** The parts of the filter typed into a text box. */
export type Typed = Pick<Filter, 'text' | 'action' | 'path'>

export class Timeline {
  /** Bumped whenever the store or the rows change; read it to recompute. */
  version = $state(0)
  /** The selected entry, as a store index (-1: none). */
  selected = $state(-1)
  /**
   * Grouped by action, true when the selection is an entry's own row beneath its expanded unit, not
   * the unit's row: the last entry of a unit and the unit share their state, not their rows.
   */
  #onChild = $state(false)
  /** True while the selection moves to each new entry. */
  following = $state(true)
  filter = $state<Filter>(NO_FILTER)
  filterError = $state<string | undefined>()
  /**
   * What is typed in the filter's text boxes (search, action type, path), applied after a pause in
   * the typing; set again from the filter whenever it is set (Esc, a chip, Clear all).
   */
  typed = $state<Typed>({ text: '', action: '', path: '' })
  rowCount = $state(0)
  /**
   * True: one row per dispatched action (a unit, see model/units.ts), expandable into its entries;
   * false: one row per entry. Remembered in localStorage.
   */
  grouped = $state(storedGrouped())
  /** The history cut into actions as units. */
  readonly units: Units
  /** Store indexes of the rows when filtered; undefined when every entry is a row. */
  #rows: number[] | undefined
  /**
   * Grouped rows, in order, each a number that sorts as the rows do: `2 × start` for a group's own
   * row, `2 × index + 1` for an entry of an expanded unit, shown beneath it.
   */
  #keys: number[] = []
  /** Expanded units, by group. */
  // Read only while rows are taken; views follow `version`, bumped after each change of it.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #expanded = new Set<number>()
  /** The group of the last entry grouped rows were taken for. */
  #group = 0
  #scanned = 0
  #test: ((i: number) => boolean) | undefined
  #scheduled = false
  #typing: ReturnType<typeof setTimeout> | undefined
  /** The store's generation and base seq when the rows were last taken in. */
  #generation: number
  #baseSeq: number

  constructor(private readonly store: HistoryStore) {
    this.units = new Units(store)
    this.#generation = store.generation
    this.#baseSeq = store.baseSeq
  }

  /** The store changed: take the new entries in, once per frame at most. */
  changed(): void {
    if (this.#scheduled) return
    this.#scheduled = true
    const run = (): void => {
      this.#scheduled = false
      this.#refresh()
    }
    if (timers.requestAnimationFrame !== undefined) timers.requestAnimationFrame(run)
    else timers.setTimeout(run, 0)
  }

  /**
   * A text box of the filter changed: the filter follows once the typing pauses (each change of a
   * search costs a scan of the history).
   */
  type(part: keyof Typed, value: string, pauseMs = 150): void {
    this.typed[part] = value
    clearTimeout(this.#typing)
    this.#typing = setTimeout(() => {
      this.#typing = undefined
      this.setFilter({ ...this.filter, ...this.typed })
    }, pauseMs)
  }

  /** Empties the search, what was typed into it and not yet applied too (Esc). */
  clearSearch(): void {
    if (this.filter.text !== '' || this.typed.text !== '') this.setFilter({ ...this.filter, text: '' })
  }

  setFilter(filter: Filter): void {
    // What was typed and not yet applied is part of what this filter replaces.
    clearTimeout(this.#typing)
    this.#typing = undefined
    this.typed = { text: filter.text, action: filter.action, path: filter.path }
    this.filter = filter
    try {
      this.#test = isActive(filter) ? matcher(this.store, filter) : undefined
      this.filterError = undefined
    } catch (e) {
      this.#test = undefined
      this.filterError = e instanceof Error ? e.message : String(e)
    }
    this.#rows = this.#test === undefined ? undefined : []
    this.#scanned = 0
    this.#regroup()
    this.#refresh()
  }

  /** Groups by action (true) or shows every entry (false); remembered. */
  setGrouped(grouped: boolean): void {
    this.grouped = grouped
    try {
      storage()?.setItem(GROUPED_KEY, grouped ? 'units' : 'flat')
    } catch {
      // Storage refused (a private window): the choice lasts until the window closes.
    }
    this.#regroup()
    this.#refresh()
    if (grouped && this.selected >= 0) this.#reveal(this.selected)
  }

  /** The unit a row shows (its own row, not one of its entries), or -1. */
  unitAt(r: number): number {
    if (!this.grouped) return -1
    const key = this.#keys[r] as number
    if (key % 2 === 1) return -1
    const g = this.units.groupOf(key / 2)
    return this.units.isUnit(g) ? g : -1
  }

  /** True for a row that shows one entry of an expanded unit. */
  isChild(r: number): boolean {
    return this.grouped && (this.#keys[r] as number) % 2 === 1
  }

  expanded(group: number): boolean {
    return this.#expanded.has(group)
  }

  /**
   * Expands a unit into its entries, or folds it again. A selection inside a unit that folds moves
   * to the unit's row (the state after the whole action), so the row and the selection agree.
   */
  toggle(group: number): void {
    if (!this.units.isUnit(group)) return
    if (this.#expanded.delete(group)) {
      if (this.selected >= 0 && this.units.groupOf(this.selected) === group) {
        this.selected = this.units.end(group)
        this.#onChild = false
      }
    } else this.#expanded.add(group)
    this.#regroup()
    this.#refresh()
  }

  /** The row of the selection (-1: none), the entry's own row when it is one of an expanded unit's. */
  get selectedRow(): number {
    if (this.selected < 0) return -1
    if (this.grouped && this.#onChild) {
      const r = this.#find(2 * this.selected + 1)
      if (r >= 0 && this.#keys[r] === 2 * this.selected + 1) return r
    }
    return this.rowOf(this.selected)
  }

  /**
   * The unit selected as a whole (its own row: the state after its last entry), or -1 when the
   * selection is one entry (flat rows, an entry of an expanded unit, a row of its own).
   */
  get selectedUnit(): number {
    if (!this.grouped || this.#onChild || this.selected < 0) return -1
    const g = this.units.groupOf(this.selected)
    return g >= 0 && this.units.isUnit(g) && this.units.end(g) === this.selected ? g : -1
  }

  /** Expands or folds the unit the selection is in (Enter). */
  toggleSelected(): void {
    if (this.grouped && this.selected >= 0) this.toggle(this.units.groupOf(this.selected))
  }

  /** The store index shown in row `r`: for a unit, its last entry (the state after the whole action). */
  indexAt(r: number): number {
    if (this.grouped) {
      const key = this.#keys[r] as number
      return key % 2 === 1 ? (key - 1) / 2 : this.units.end(this.units.groupOf(key / 2))
    }
    return this.#rows === undefined ? r : (this.#rows[r] as number)
  }

  /**
   * The row that shows a store index: its own row, or grouped by action the row of its folded unit
   * (which is marked for it); -1 when the filter hides it.
   */
  rowShowing(index: number): number {
    const r = this.rowOf(index)
    if (r < 0 || this.indexAt(r) === index) return r
    if (!this.grouped) return -1
    const g = this.units.groupOf(index)
    return g >= 0 && !this.#expanded.has(g) && this.unitAt(r) === g ? r : -1
  }

  /** The row of a store index, or of the nearest row before it (-1 if none). */
  rowOf(index: number): number {
    if (this.grouped) {
      const g = this.units.groupOf(index)
      if (g < 0) return this.#keys.length - 1
      // The last entry of an expanded unit is the unit's own row: its state is the unit's.
      const child = this.#expanded.has(g) && index !== this.units.end(g) ? this.#find(2 * index + 1) : -1
      return child >= 0 && this.#keys[child] === 2 * index + 1 ? child : this.#find(2 * this.units.start(g))
    }
    if (this.#rows === undefined) return Math.min(index, this.rowCount - 1)
    let lo = 0
    let hi = this.#rows.length - 1
    let found = -1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      if ((this.#rows[mid] as number) <= index) {
        found = mid
        lo = mid + 1
      } else hi = mid - 1
    }
    return found
  }

  /** The last grouped row whose key is at most `key`, or -1. */
  #find(key: number): number {
    let lo = 0
    let hi = this.#keys.length - 1
    let found = -1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      if ((this.#keys[mid] as number) <= key) {
        found = mid
        lo = mid + 1
      } else hi = mid - 1
    }
    return found
  }

  /** Grouped rows are taken again from the first entry (the filter, the grouping or an expansion changed). */
  #regroup(): void {
    this.#keys = []
    this.#ownKey = -1
    this.#group = 0
    this.#groupedUpTo = 0
  }

  /** Entries grouped rows were taken for. */
  #groupedUpTo = 0
  /** The key of the last group's own row taken. */
  #ownKey = -1

  /** Takes grouped rows for the entries from `#groupedUpTo` on: O(new entries). */
  #takeGrouped(n: number): void {
    const units = this.units
    units.update()
    for (let i = this.#groupedUpTo; i < n; i++) {
      while (this.#group + 1 < units.count && units.start(this.#group + 1) <= i) this.#group++
      if (this.#test !== undefined && !this.#test(i)) continue
      const g = this.#group
      const own = 2 * units.start(g)
      if (own !== this.#ownKey) {
        // A group that begins before rows already taken (effects notes belong to the entry after them): take all again.
        if (this.#keys.length > 0 && (this.#keys[this.#keys.length - 1] as number) > own) {
          this.#regroup()
          return this.#takeGrouped(n)
        }
        this.#keys.push(own)
        this.#ownKey = own
      }
      if (this.#expanded.has(g)) this.#keys.push(2 * i + 1)
    }
    this.#groupedUpTo = n
  }

  /**
   * Selects an entry (from another view: a path's history, an execution, a watch's hit); selecting
   * the newest row follows the new ones from then on. Grouped by action, an entry inside a unit
   * other than its last is shown on its own row: its unit expands.
   */
  select(index: number): void {
    // Not following while the rows are taken again for an expansion: the selection is this one.
    this.following = false
    this.selected = index
    this.#onChild = false
    if (this.grouped && index >= 0) this.#reveal(index)
    this.following =
      index >= 0 &&
      this.rowCount > 0 &&
      index === this.indexAt(this.rowCount - 1) &&
      (!this.grouped || this.selectedRow === this.rowCount - 1)
  }

  /** Selects what row `r` shows: a unit as a whole, or one entry (the timeline's click, the scrubber). */
  selectRow(r: number): void {
    if (r < 0 || r >= this.rowCount) return
    this.selected = this.indexAt(r)
    this.#onChild = this.isChild(r)
    this.following = r === this.rowCount - 1
  }

  /** Moves the selection by `delta` rows. */
  step(delta: number): void {
    if (this.rowCount === 0) return
    let row = this.selected < 0 ? this.rowCount - 1 : this.selectedRow
    // An entry the filter hides sits between its row and the next: one step back is its own row.
    if (this.selected >= 0 && delta < 0 && (row < 0 || this.indexAt(row) !== this.selected)) row++
    this.selectRow(Math.max(0, Math.min(this.rowCount - 1, row + delta)))
  }

  first(): void {
    if (this.rowCount > 0) this.selectRow(0)
  }

  /** Selects the newest row and follows from now on. */
  last(): void {
    if (this.rowCount === 0) return
    this.selectRow(this.rowCount - 1)
    this.following = true
  }

  /** Expands the unit an entry is in when the entry is not its last (whose state is the unit's own row). */
  #reveal(index: number): void {
    const g = this.units.groupOf(index)
    if (g < 0 || !this.units.isUnit(g) || index === this.units.end(g)) return
    this.#onChild = true
    if (this.#expanded.has(g)) return
    this.#expanded.add(g)
    this.#regroup()
    this.#refresh()
  }

  #refresh(): void {
    const n = this.store.length
    if (this.store.generation !== this.#generation) {
      // The store started over (a gap or a resync), maybe longer than before: every entry is new.
      this.#generation = this.store.generation
      this.#scanned = 0
      if (this.#rows !== undefined) this.#rows = []
      this.#expanded.clear()
      this.#regroup()
      // Seqs name entries across connections: keep the selected one where the new history holds it.
      if (this.selected >= 0) this.selected = this.store.indexOf(this.#baseSeq + this.selected)
    }
    this.#baseSeq = this.store.baseSeq
    if (this.#rows !== undefined && this.#test !== undefined) {
      for (let i = this.#scanned; i < n; i++) if (this.#test(i)) this.#rows.push(i)
    }
    this.#scanned = n
    if (this.grouped) this.#takeGrouped(n)
    this.rowCount = this.grouped ? this.#keys.length : this.#rows === undefined ? n : this.#rows.length
    if (this.selected >= n) this.selected = -1
    if (this.following && this.rowCount > 0) {
      this.selected = this.indexAt(this.rowCount - 1)
      this.#onChild = this.isChild(this.rowCount - 1)
    }
    this.version++
  }
}
