/**
 * The Watches view's state: the watches and breaks the host pushes (the stream's `watches` event),
 * the watch being typed (checked as it is typed), the hits of each watch opened, and the entries
 * hit (a bounded page of each watch's newest hits, fetched again when its count changes), which the
 * timeline marks and the scrubber ticks.
 */
import type { Breaks, WatchesInfo, WatchHitInfo, WatchInfo } from '../../../shared/watches'
import { NO_BREAKS } from '../../../shared/watches'
import { SvelteMap } from 'svelte/reactivity'
import { checkWatch, markIndex, MARKED_HITS, readHitsPage, readWatchesInfo, tickFractions, type WatchCheck } from './model/watches'
import { errorOf, runCommand } from './model/host-errors'
import type { HistoryStore } from './model/store'

/** The hits of one opened watch, newest first, page after page. */
export interface HitList {
  hits: WatchHitInfo[]
  total: number
  unlisted: number
  /** `before` for the next page; undefined when every listed hit is here. */
  next: number | undefined
  loading: boolean
  error: string | undefined
}

export interface WatchesDeps {
  /** A request to the host with the token. */
  request: (path: string, init?: RequestInit) => Promise<Response>
  store: HistoryStore
  /** The timeline's rows: the row that shows a store index, how many (read with the version). */
  rows: { version: number; rowCount: number; rowShowing(index: number): number }
  /** Shows a hit: its entry selected, its path opened. */
  showChange: (seq: number, pointer: string) => void
}

/** Hits asked for a page of an opened watch. */
const PAGE = 50

export class Watches {
  info = $state.raw<WatchesInfo>({ watches: [], breaks: NO_BREAKS })
  /** The watch being typed, and whether it is to pause. */
  draft = $state('')
  pause = $state(false)
  /** The host's answer to the last command that it refused (or that could not reach it). */
  error = $state<string | undefined>()
  busy = $state(false)
  /** The opened watches' hits, by watch id. */
  lists = $state<Record<string, HitList>>({})
  readonly check: WatchCheck = $derived(checkWatch(this.draft))
  /** What is wrong with the draft, once something is typed. */
  readonly problem = $derived(this.draft.trim() !== '' && !this.check.ok ? this.check : undefined)
  /** Each watch's hit seqs, newest first (at most `MARKED_HITS`). */
  readonly #seqs = new SvelteMap<string, readonly number[]>()
  /** The count each watch's seqs were fetched for (bookkeeping: nothing shown reads it). */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- not state: read only by the fetches
  readonly #marked = new Map<string, number>()
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- not state: read only by the fetches
  readonly #fetching = new Set<string>()
  readonly #deps: WatchesDeps

  constructor(deps: WatchesDeps) {
    this.#deps = deps
  }

  /** Seq → the ids of the watches that hit it. */
  readonly marks: Map<number, string[]> = $derived(
    markIndex(
      this.info.watches.map((w) => w.id),
      this.#seqs
    )
  )

  /** Where the scrubber ticks, as fractions of its track. */
  readonly ticks: number[] = $derived.by(() => {
    const { store, rows } = this.#deps
    void rows.version
    return tickFractions(
      this.marks.keys(),
      (seq) => {
        const i = store.indexOf(seq)
        const r = i < 0 ? -1 : rows.rowShowing(i)
        return r >= 0 ? r : undefined
      },
      rows.rowCount
    )
  })

  /** The texts of the watches that hit entry `seq` (none: empty). */
  marksAt(seq: number): string[] {
    const ids = this.marks.get(seq)
    if (ids === undefined) return []
    return ids.map((id) => this.info.watches.find((w) => w.id === id)?.text ?? id)
  }

  /**
   * The texts of the watches that hit any entry from seq `from` to `to` (a unit's row, grouped by
   * action), each once; none: empty. Reads whichever is fewer: the seqs of the range, or the marks.
   */
  marksIn(from: number, to: number): string[] {
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a local, returned as an array
    const ids = new Set<string>()
    if (to - from < this.marks.size) for (let seq = from; seq <= to; seq++) for (const id of this.marks.get(seq) ?? []) ids.add(id)
    else for (const [seq, at] of this.marks) if (seq >= from && seq <= to) for (const id of at) ids.add(id)
    return [...ids].map((id) => this.info.watches.find((w) => w.id === id)?.text ?? id)
  }

  watch(id: string): WatchInfo | undefined {
    return this.info.watches.find((w) => w.id === id)
  }

  /** The stream's `watches` event (or `GET /watches`): counts, scans, breaks; marks and opened lists follow the counts. */
  changed(data: unknown): void {
    const info = readWatchesInfo(data)
    if (info === undefined) return
    this.info = info
    for (const id of [...this.#seqs.keys(), ...Object.keys(this.lists)]) {
      if (info.watches.some((w) => w.id === id)) continue
      this.#seqs.delete(id)
      this.#marked.delete(id)
      delete this.lists[id]
    }
    for (const w of info.watches) {
      if (this.#marked.get(w.id) === w.hits) continue
      void this.#mark(w.id)
      if (this.lists[w.id] !== undefined) void this.#page(w.id, undefined)
    }
  }

  async refresh(): Promise<void> {
    await this.#command(async () => {
      const res = await this.#deps.request('/watches')
      if (res.ok) this.changed(await res.json())
      return res
    })
  }

  /** Adds the draft (never sent while it does not parse); true when the host took it. */
  async add(): Promise<boolean> {
    if (!this.check.ok) return false
    const body = JSON.stringify({ text: this.draft, pause: this.pause })
    const ok = await this.#command(() => this.#deps.request('/watches', { method: 'POST', headers: JSON_TYPE, body }))
    if (ok) {
      this.draft = ''
      this.pause = false
    }
    return ok
  }

  remove(id: string): Promise<boolean> {
    return this.#command(() => this.#deps.request(`/watches/${encodeURIComponent(id)}`, { method: 'DELETE' }))
  }

  cancel(id: string): Promise<boolean> {
    return this.#command(() => this.#deps.request(`/watches/${encodeURIComponent(id)}/cancel`, { method: 'POST' }))
  }

  setBreaks(breaks: Breaks): Promise<boolean> {
    this.info = { ...this.info, breaks }
    return this.#command(() => this.#deps.request('/breaks', { method: 'PUT', headers: JSON_TYPE, body: JSON.stringify(breaks) }))
  }

  /** Opens a watch's hits (its newest page), or closes them. */
  toggle(id: string): void {
    if (this.lists[id] !== undefined) {
      delete this.lists[id]
      return
    }
    this.lists[id] = { hits: [], total: 0, unlisted: 0, next: undefined, loading: true, error: undefined }
    void this.#page(id, undefined)
  }

  /** The next page of an opened watch's hits. */
  more(id: string): void {
    const list = this.lists[id]
    if (list === undefined || list.next === undefined || list.loading) return
    list.loading = true
    void this.#page(id, list.next)
  }

  showHit(hit: WatchHitInfo): void {
    this.#deps.showChange(hit.seq, hit.path)
  }

  /** True when the store still holds the hit's entry (older ones are folded into the base). */
  holds(seq: number): boolean {
    return this.#deps.store.indexOf(seq) >= 0
  }

  async #hits(id: string, before: number | undefined, limit: number): Promise<ReturnType<typeof readHitsPage>> {
    const query = `limit=${limit}${before === undefined ? '' : `&before=${before}`}`
    const res = await this.#deps.request(`/watches/${encodeURIComponent(id)}/hits?${query}`)
    if (!res.ok) throw new Error(await errorOf(res))
    return readHitsPage(await res.json())
  }

  /** Fetches a page of an opened watch (from the newest when `before` is undefined, replacing what was listed). */
  async #page(id: string, before: number | undefined): Promise<void> {
    try {
      const page = await this.#hits(id, before, PAGE)
      const list = this.lists[id]
      if (list === undefined) return
      list.hits = before === undefined ? page.hits : [...list.hits, ...page.hits]
      list.total = page.total
      list.unlisted = page.unlisted
      list.next = page.next
      list.error = undefined
    } catch (e) {
      const list = this.lists[id]
      if (list !== undefined) list.error = e instanceof Error ? e.message : String(e)
    } finally {
      const list = this.lists[id]
      if (list !== undefined) list.loading = false
    }
  }

  /** Fetches a watch's newest hit seqs for the marks; one request a watch at a time, again if the count moved meanwhile. */
  async #mark(id: string): Promise<void> {
    if (this.#fetching.has(id)) return
    this.#fetching.add(id)
    try {
      for (;;) {
        const count = this.watch(id)?.hits
        if (count === undefined) return
        this.#marked.set(id, count)
        let seqs: number[] = []
        if (count > 0) {
          try {
            seqs = (await this.#hits(id, undefined, MARKED_HITS)).hits.map((h) => h.seq)
          } catch {
            // A watch removed meanwhile answers 404; the next `watches` event drops it.
            return
          }
        }
        if (this.watch(id) === undefined) return
        this.#seqs.set(id, seqs)
        if (this.watch(id)?.hits === count) return
      }
    } finally {
      this.#fetching.delete(id)
    }
  }

  async #command(send: () => Promise<Response>): Promise<boolean> {
    return (await runCommand(this, send)) !== undefined
  }
}

const JSON_TYPE = { 'content-type': 'application/json' }
