/**
 * The bodies of the watch routes (`/watches`, `/breaks`) and of the stream's `watches` event: what
 * the host keeps of each watch, its hits, and the built-in breaks. The language itself is in
 * `./watch`.
 */
import type { Json } from './protocol'

/** How far the scan of the retained history for a new watch's hits has gone. */
export interface WatchScan {
  /** `scanning` until every entry retained when the watch was added has been looked at (or `cancelled`). */
  state: 'scanning' | 'done' | 'cancelled'
  /** Entries looked at. */
  done: number
  /** Entries to look at. */
  total: number
}

/** A watch as `GET /watches` lists it. */
export interface WatchInfo {
  id: string
  /** Its canonical text (`formatWatch`). */
  text: string
  /** The runtime pauses when a live change hits it. */
  pause: boolean
  /** Hits in the retained history (listed or not: see `WatchHitsPage.unlisted`). */
  hits: number
  scan: WatchScan
  /** When it was added (ms since the epoch). */
  createdAt: number
}

/** The built-in breaks: the runtime pauses on these as on a pausing watch. */
export interface Breaks {
  /** An entry caused by an action of one of these types. */
  actionTypes: string[]
  /** An `execution.status` entry with the status `failed`. */
  failedExecution: boolean
  /** A runtime error (the `runtime-error` note of the timeline). */
  runtimeError: boolean
}

/** No breaks. */
export const NO_BREAKS: Readonly<Breaks> = Object.freeze({ actionTypes: [], failedExecution: false, runtimeError: false })

/** `GET /watches`, and the data of the stream's `watches` event. */
export interface WatchesInfo {
  watches: WatchInfo[]
  breaks: Breaks
}

/** One hit: at entry `seq`, the value at `path` went from `before` to `after` (absent: there was none). */
export interface WatchHitInfo {
  seq: number
  path: string
  before?: Json
  after?: Json
}

/** `GET /watches/:id/hits`: newest first. */
export interface WatchHitsPage {
  hits: WatchHitInfo[]
  /** Hits of the watch in the retained history. */
  total: number
  /** Of those, the oldest ones no longer listed (only the newest are kept with their values). */
  unlisted: number
  /** `?before=` for the next page, when there are more listed hits. */
  next?: number
}
