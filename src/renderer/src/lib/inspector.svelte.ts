/**
 * The right-hand side: which view is open, and what each one shows for the selected entry —
 * the entry itself, the state after it, the history of a path, the diff to a pinned entry.
 */
import type { HistoryEvent, Json, Slices } from '../../../shared/protocol'
import { parsePointer } from '../../../shared/pointer'
import { valueAt } from '../../../shared/state'
import { diffStates, type Change } from './model/diff'
import { inPlaceRange, type InPlaceRange } from './model/in-place'
import { pathHistory, type PathHistory } from './model/path-history'
import type { HistoryStore } from './model/store'
import type { Timeline } from './timeline.svelte'

export type Tab = 'entry' | 'state' | 'path' | 'diff' | 'executions' | 'watches'

export const TABS: readonly { id: Tab; label: string }[] = [
  { id: 'entry', label: 'Entry' },
  { id: 'state', label: 'State' },
  { id: 'path', label: 'Path history' },
  { id: 'diff', label: 'Diff' },
  { id: 'executions', label: 'Executions' },
  { id: 'watches', label: 'Watches' }
]

export class Inspector {
  tab = $state<Tab>('entry')
  /** The path whose history is shown: the slice, then the tokens inside it. */
  path = $state<string[] | undefined>()
  /**
   * The seq of the entry the diff starts from (the selected entry is where it ends). A seq, not an
   * index: once the store starts over (a gap, a resync) an index would name another entry.
   */
  diffFrom = $state<number | undefined>()
  /** Show the state as JSON text rather than as a tree. */
  asJson = $state(false)

  constructor(
    private readonly store: HistoryStore,
    private readonly timeline: Timeline
  ) {}

  /** The selected entry, or undefined. */
  readonly event: HistoryEvent | undefined = $derived.by(() => {
    void this.timeline.version
    const i = this.timeline.selected
    return i >= 0 && i < this.store.length ? this.store.event(i) : undefined
  })

  /** The state right after the selected entry. */
  readonly state: Slices | undefined = $derived.by(() => {
    void this.timeline.version
    const i = this.timeline.selected
    return i >= 0 && i < this.store.length ? this.store.stateAt(i) : undefined
  })

  /** The selected update's slice before and after it. */
  readonly slice: { before: Json | undefined; after: Json | undefined } | undefined = $derived.by(() => {
    const e = this.event
    const i = this.timeline.selected
    if (e === undefined || e.type !== 'state.update' || i < 1) return undefined
    return { before: valueAt(this.store.stateAt(i - 1), [e.slice]), after: valueAt(this.store.stateAt(i), [e.slice]) }
  })

  /** For an update verification found changed in place, where to look for the change. */
  readonly inPlace: InPlaceRange | undefined = $derived.by(() => {
    const e = this.event
    return e?.type === 'state.update' ? inPlaceRange(this.store, e) : undefined
  })

  readonly history: PathHistory | undefined = $derived.by(() => {
    void this.timeline.version
    const path = this.path
    if (path === undefined || this.store.length === 0) return undefined
    return pathHistory(this.store, path)
  })

  readonly diff: { changes: Change[]; truncated: boolean } | undefined = $derived.by(() => {
    void this.timeline.version
    const from = this.diffFrom === undefined ? -1 : this.store.indexOf(this.diffFrom)
    const to = this.timeline.selected
    if (from < 0 || to < 0) return undefined
    const [a, b] = from <= to ? [from, to] : [to, from]
    return diffStates(this.store.stateAt(a), this.store.stateAt(b))
  })

  /** Opens the history of a path (from the state tree). */
  showPath(path: string[]): void {
    this.path = path
    this.tab = 'path'
  }

  /** True when the store holds the entry with this seq (older ones may have been folded into the base). */
  holds(seq: number): boolean {
    void this.timeline.version
    return this.store.indexOf(seq) >= 0
  }

  /** Selects the entry with this seq, if held, and shows it. */
  showEntry(seq: number): void {
    const i = this.store.indexOf(seq)
    if (i < 0) return
    this.timeline.select(i)
    this.tab = 'entry'
  }

  /** Selects the entry with this seq, if held, and opens the history of the path (a JSON Pointer) there: a watch's hit. */
  showChange(seq: number, pointer: string): void {
    const i = this.store.indexOf(seq)
    if (i < 0) return
    this.timeline.select(i)
    this.path = parsePointer(pointer)
    this.tab = 'path'
  }

  /** Pins the selected entry as the start of a diff. */
  pinDiff(): void {
    if (this.timeline.selected >= 0) this.diffFrom = this.store.seqAt(this.timeline.selected)
    this.tab = 'diff'
  }
}
