/**
 * The sessions of earlier runs, kept by the host's journal: the list (`GET /sessions`), the offer
 * of one that ended unexpectedly when the window starts, opening one (as a document beside the
 * live session: a recording, not the live runtime), downloading one, and the journal's own state
 * (pushed on the event stream, so a full disk is said at once).
 */
import type { JournalStatus, SessionsInfo, SessionSummary } from '../../../shared/journal'
import { saveResponse } from './download'
import { errorOf, runCommand, unreachable } from './model/host-errors'

/** What the sessions need of the connection (a fake in tests). */
export interface SessionsHost {
  request(path: string, init?: RequestInit): Promise<Response>
  /** Opens a session file as a document beside the live session; false when it was refused (the documents say why). */
  openDocument(file: Blob, name: string): Promise<boolean>
}

/** Where the window remembers the recoveries it offered and the user dismissed. */
const DISMISSED_KEY = 'patchscope.dismissedRecoveries'

export class Sessions {
  journal = $state<JournalStatus | undefined>()
  list = $state<SessionSummary[]>([])
  /** True once the list was read at least once. */
  loaded = $state(false)
  /** Why the list could not be read, or a session not opened. */
  error = $state<string | undefined>()
  busy = $state(false)
  #dismissed = $state<string[]>(readDismissed())

  constructor(private readonly host: SessionsHost) {}

  /** Sessions that ended unexpectedly (a crash, a kill) and were not dismissed: offered when the window starts. */
  readonly recoverable: SessionSummary[] = $derived.by(() =>
    this.list.filter((s) => s.state === 'ended unexpectedly' && !this.#dismissed.includes(s.id))
  )

  /** Reads the list (and the journal's state) again. */
  async refresh(): Promise<void> {
    try {
      const res = await this.host.request('/sessions')
      if (!res.ok) {
        this.error = await errorOf(res)
        return
      }
      const info = (await res.json()) as SessionsInfo
      this.journal = info.journal
      this.list = info.sessions
      this.loaded = true
      this.error = undefined
    } catch (e) {
      this.error = unreachable(e)
    }
  }

  /** The journal's state, as the stream pushes it. */
  journalChanged(status: JournalStatus): void {
    this.journal = status
  }

  /**
   * Opens a session as a document beside the live session: its file is read from the host and
   * opened as an imported one is. The live runtime and its history go on untouched.
   */
  async open(summary: SessionSummary): Promise<boolean> {
    const res = await runCommand(this, () => this.host.request(`/sessions/${encodeURIComponent(summary.id)}`))
    if (res === undefined) return false
    this.busy = true
    try {
      const opened = await this.host.openDocument(await res.blob(), summary.id)
      if (opened) this.dismiss(summary.id)
      return opened
    } catch (e) {
      this.error = unreachable(e)
      return false
    } finally {
      this.busy = false
    }
  }

  /** Saves a session's file through the browser (fetched with the token in a header, never in a URL). */
  async download(summary: SessionSummary): Promise<void> {
    this.error = undefined
    try {
      const res = await this.host.request(`/sessions/${encodeURIComponent(summary.id)}`)
      if (!res.ok) {
        this.error = await errorOf(res)
        return
      }
      await saveResponse(res, summary.id)
    } catch (e) {
      this.error = unreachable(e)
    }
  }

  /** Stops offering a session that ended unexpectedly (it stays in the list). */
  dismiss(id: string): void {
    if (this.#dismissed.includes(id)) return
    this.#dismissed = [...this.#dismissed, id].slice(-200)
    try {
      localStorage.setItem(DISMISSED_KEY, JSON.stringify(this.#dismissed))
    } catch {
      // Storage refused (a private window): offered again next time, nothing else is lost.
    }
  }
}

function readDismissed(): string[] {
  try {
    const raw: unknown = JSON.parse(globalThis.localStorage?.getItem(DISMISSED_KEY) ?? '[]')
    return Array.isArray(raw) ? raw.filter((x): x is string => typeof x === 'string') : []
  } catch {
    return []
  }
}
