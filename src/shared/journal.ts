/**
 * The journal and the sessions of earlier runs, as `GET /sessions` gives them and the window shows
 * them (see src/host/journal/).
 */

/** One session file in the journal's folder. */
export interface SessionSummary {
  /** Its file name in the folder: the id of `GET /sessions/:id` and `POST /sessions/:id/open`. */
  id: string
  /** The runtime it recorded, from its header. */
  runtime: { path: string | null; name: string | null }
  /** When it began (its header's `createdAt`). */
  createdAt: string
  /** When it was last written. */
  modifiedAt: string
  bytes: number
  /** Events it holds (its closing line's count; else its complete lines). */
  events: number
  /**
   * `complete`: closed cleanly, with its closing line; `ended unexpectedly`: no closing line and no
   * host writing it (a crash, a kill); `recording`: this host's journal; `recording elsewhere`:
   * another running host's.
   */
  state: 'complete' | 'ended unexpectedly' | 'recording' | 'recording elsewhere'
}

/** What the journal is doing. */
export interface JournalStatus {
  /**
   * `writing` (all well), `failing` (the last write failed and is tried again), `stopped` (gave
   * up: the session is only in memory), `closed`, or `off` (`--no-save`).
   */
  state: 'writing' | 'failing' | 'stopped' | 'closed' | 'off'
  /** The file being written, an id of `GET /sessions`. */
  id: string | null
  /** The folder of the journals (null when off). */
  dir: string | null
  /** Why the last write failed, or why the journal stopped. */
  error?: string
}

/** `GET /sessions`. */
export interface SessionsInfo {
  journal: JournalStatus
  sessions: SessionSummary[]
}
