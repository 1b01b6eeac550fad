/**
 * The host's watches: each recorded entry is matched against them as the history is told of it,
 * and a new watch gets the hits of the whole retained history from a scan in the background.
 *
 * Cheap by construction: an entry that is no change, or a change of a slice no watch names, is
 * skipped on its stored slice number; a change's patches are parsed once for every watch, and the
 * states before and after it are asked of the history only for a watch whose path they touch.
 * Hits follow the history: those of entries it drops are dropped, and a replaced history (an
 * import) is scanned afresh.
 */
import type { SavedWatch } from '../../shared/protocol'
import { formatWatch, matchChange, parseWatch, touches, type Watch } from '../../shared/watch'
import { NO_BREAKS, type Breaks, type WatchesInfo, type WatchHitsPage, type WatchInfo } from '../../shared/watches'
import type { History } from '../recorder/history'
import { changesOf, SliceNames } from './entry-changes'
import { HitLog } from './hit-log'
import { Scan } from './scan'

/** What the runtime's thread needs to pause on its own: the pausing watches and the breaks. */
export interface PauseSpec {
  watches: { id: string; text: string }[]
  breaks: Breaks
}

export interface WatchRegistryOptions {
  history: History
  /** The pausing watches or the breaks changed: the runtime's thread is to be told. */
  onPauses?: (spec: PauseSpec) => void
  /** Hits listed a watch (the newest); older ones are counted. @default 10_000 */
  hitsPerWatch?: number
  /** Milliseconds of work a scan does at a time. @default 4 */
  scanSliceMs?: number
  /** What went wrong while matching (a history entry that cannot be read). @default writes to stderr */
  log?: (text: string) => void
}

interface Entry {
  id: string
  watch: Watch
  text: string
  pause: boolean
  createdAt: number
  hits: HitLog
  scan: Scan
}

/** Watches a registry keeps at most. */
export const MAX_WATCHES = 100

/** No watch with this id. */
export class UnknownWatch extends Error {
  override name = 'UnknownWatch'
}

export class WatchRegistry {
  readonly #history: History
  readonly #options: WatchRegistryOptions
  readonly #watches = new Map<string, Entry>()
  readonly #names = new SliceNames()
  readonly #listeners = new Set<() => void>()
  #breaks: Breaks = { ...NO_BREAKS, actionTypes: [] }
  #nextId = 1
  /** The next live entry to match. */
  #next: number
  #baseSeq: number
  #generation: number
  readonly #unsubscribe: () => void

  constructor(options: WatchRegistryOptions) {
    this.#options = options
    this.#history = options.history
    this.#next = this.#history.lastSeq + 1
    this.#baseSeq = this.#history.baseSeq
    this.#generation = this.#history.generation
    this.#unsubscribe = this.#history.subscribe(() => this.#recorded())
  }

  /**
   * Adds a watch; its hits in the retained history are looked for in the background.
   * @throws {WatchSyntaxError} naming what is wrong and its column
   * @throws {RangeError} past `MAX_WATCHES`
   */
  add(text: string, pause = false): WatchInfo {
    const watch = parseWatch(text)
    if (this.#watches.size >= MAX_WATCHES) throw new RangeError(`there are ${MAX_WATCHES} watches already: remove one first`)
    const id = `w${this.#nextId++}`
    const entry: Entry = {
      id,
      watch,
      text: formatWatch(watch),
      pause,
      createdAt: Date.now(),
      hits: new HitLog(this.#options.hitsPerWatch ?? 10_000),
      scan: this.#scan(id, this.#next - 1)
    }
    this.#watches.set(id, entry)
    if (pause) this.#pausesChanged()
    this.#changed()
    return this.#info(entry)
  }

  /** @throws {UnknownWatch} */
  remove(id: string): void {
    const entry = this.#get(id)
    entry.scan.cancel()
    this.#watches.delete(id)
    if (entry.pause) this.#pausesChanged()
    this.#changed()
  }

  /** Stops a watch's scan where it is. @throws {UnknownWatch} */
  cancelScan(id: string): WatchInfo {
    const entry = this.#get(id)
    if (entry.scan.cancel()) this.#changed()
    return this.#info(entry)
  }

  /** @throws {UnknownWatch} */
  get(id: string): WatchInfo {
    return this.#info(this.#get(id))
  }

  /** Every watch, oldest first, and the breaks (`GET /watches`). */
  info(): WatchesInfo {
    return { watches: [...this.#watches.values()].map((e) => this.#info(e)), breaks: this.breaks }
  }

  /** A watch's listed hits of entries before `before`, newest first (`GET /watches/:id/hits`). @throws {UnknownWatch} */
  hits(id: string, { before, limit = 100 }: { before?: number; limit?: number } = {}): WatchHitsPage {
    const log = this.#get(id).hits
    const hits = log.page(before, limit)
    const last = hits[hits.length - 1]
    const more = last !== undefined && log.page(last.seq, 1).length > 0
    return {
      hits: hits.map(({ seq, path, before: b, after: a }) => ({
        seq,
        path,
        ...(b !== undefined ? { before: b } : {}),
        ...(a !== undefined ? { after: a } : {})
      })),
      total: log.total,
      unlisted: log.unlisted,
      ...(more ? { next: last.seq } : {})
    }
  }

  get breaks(): Breaks {
    return { ...this.#breaks, actionTypes: [...this.#breaks.actionTypes] }
  }

  setBreaks(breaks: Breaks): void {
    this.#breaks = { ...breaks, actionTypes: [...new Set(breaks.actionTypes)] }
    this.#pausesChanged()
    this.#changed()
  }

  /** What the runtime's thread pauses on. */
  pauseSpec(): PauseSpec {
    const watches = [...this.#watches.values()].filter((e) => e.pause).map((e) => ({ id: e.id, text: e.text }))
    return { watches, breaks: this.breaks }
  }

  /** The watches as a session file keeps them. */
  saved(): SavedWatch[] {
    return [...this.#watches.values()].map((e) => ({ text: e.text, pause: e.pause }))
  }

  /** Adds the watches a session file kept, but for those already here (same text) and those that no longer parse. */
  restore(saved: readonly SavedWatch[]): void {
    const have = new Set([...this.#watches.values()].map((e) => e.text))
    for (const { text, pause } of saved) {
      try {
        const canonical = formatWatch(parseWatch(text))
        if (have.has(canonical)) continue
        this.add(canonical, pause)
        have.add(canonical)
      } catch (e) {
        this.#log(`[patchscope] a watch of the session file was not restored: ${JSON.stringify(text)}: ${(e as Error).message}\n`)
      }
    }
  }

  /** Calls `listener` when a watch, its hit count, its scan or the breaks change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** Stops every scan and stops following the history. */
  close(): void {
    this.#unsubscribe()
    for (const e of this.#watches.values()) e.scan.cancel()
  }

  #get(id: string): Entry {
    const entry = this.#watches.get(id)
    if (entry === undefined) throw new UnknownWatch(`no watch "${id}" (it may have been removed)`)
    return entry
  }

  #info(e: Entry): WatchInfo {
    return { id: e.id, text: e.text, pause: e.pause, hits: e.hits.total, scan: e.scan.progress, createdAt: e.createdAt }
  }

  /** Scans the retained entries up to `to` for watch `id`'s hits. */
  #scan(id: string, to: number): Scan {
    const generation = this.#history.generation
    return new Scan({
      from: this.#history.baseSeq + 1,
      to,
      floor: () => this.#history.baseSeq + 1,
      step: (seq) => {
        const entry = this.#watches.get(id)
        if (entry === undefined || this.#history.generation !== generation) return
        this.#match(seq, [entry], false)
      },
      onProgress: () => this.#changed(),
      ...(this.#options.scanSliceMs !== undefined ? { sliceMs: this.#options.scanSliceMs } : {})
    })
  }

  /** The history was told of new entries (or was replaced). */
  #recorded(): void {
    const history = this.#history
    if (history.generation !== this.#generation) return this.#replaced()
    if (history.baseSeq !== this.#baseSeq) {
      this.#baseSeq = history.baseSeq
      for (const e of this.#watches.values()) e.hits.dropThrough(this.#baseSeq)
    }
    const last = history.lastSeq
    if (this.#next <= this.#baseSeq) this.#next = this.#baseSeq + 1
    if (this.#next > last) return
    const watches = [...this.#watches.values()]
    if (watches.length > 0) {
      let hit = false
      for (let seq = this.#next; seq <= last; seq++) hit = this.#match(seq, watches, true) || hit
      if (hit) this.#changed()
    }
    this.#next = last + 1
  }

  /** Every hit was of entries that are gone: each watch starts over on the new history. */
  #replaced(): void {
    const history = this.#history
    this.#generation = history.generation
    this.#baseSeq = history.baseSeq
    this.#next = history.lastSeq + 1
    this.#names.clear()
    for (const e of this.#watches.values()) {
      e.scan.cancel()
      e.hits = new HitLog(this.#options.hitsPerWatch ?? 10_000)
      e.scan = this.#scan(e.id, history.lastSeq)
    }
    this.#changed()
  }

  /** Matches entry `seq` against `watches`; true when one hit. */
  #match(seq: number, watches: readonly Entry[], live: boolean): boolean {
    let any = false
    try {
      const changes = changesOf(this.#history, seq, this.#names, (slice) => watches.some((e) => namesSlice(e.watch, slice)))
      for (const change of changes) {
        for (const e of watches) {
          if (!touches(e.watch, change.slice, change.patches)) continue
          for (const { path, before, after } of matchChange(e.watch, change)) {
            const hit = { seq, path, before, after }
            if (live) e.hits.addLive(hit)
            else e.hits.addScanned(hit)
            any = true
          }
        }
      }
    } catch (e) {
      // One entry that cannot be read costs its hits, never the recording or the scan.
      this.#log(`[patchscope] entry ${seq} could not be matched against the watches: ${(e as Error).message}\n`)
    }
    return any
  }

  #pausesChanged(): void {
    this.#options.onPauses?.(this.pauseSpec())
  }

  #changed(): void {
    for (const listener of this.#listeners) listener()
  }

  #log(text: string): void {
    ;(this.#options.log ?? ((t: string) => process.stderr.write(t)))(text)
  }
}

function namesSlice(watch: Watch, slice: string): boolean {
  const [first] = watch.path
  return first !== undefined && (first.kind === 'any' || (first.kind === 'key' && first.key === slice))
}

/** Creates the registry of a host's watches (see `WatchRegistry`). */
export function createWatchRegistry(options: WatchRegistryOptions): WatchRegistry {
  return new WatchRegistry(options)
}
