/**
 * The window's link to the host: the event stream feeding the store, the runtime's status, and
 * the commands (load, reload, import, export, dispatch), all over HTTP with the token.
 */
import type { PatchscopeApi } from '../../../shared/api'
import type { CompareMode, ErrorBody, RuntimeInfo } from '../../../shared/protocol'
import { readIntegrity, type SessionIntegrity } from '../../../shared/session-end'
import { readDispatchResult, type DispatchAnswer } from './model/outcome'
import { EventStream, type LinkStatus } from './model/stream'
import type { HistoryStore } from './model/store'

/** How often the runtime's status is asked for. */
const RUNTIME_POLL_MS = 2000

export class Connection {
  status = $state<LinkStatus>('connecting')
  detail = $state('')
  runtime = $state<RuntimeInfo>({ path: null, name: null, status: 'none' })
  /** Something the user should know that is not an error (a gap, an import). */
  notice = $state<string | undefined>()
  /** The last command's error, in full. */
  error = $state<string | undefined>()
  busy = $state(false)
  /** Told of each event outside the history the stream brings (the journal's state). */
  onNotice: ((type: string, data: unknown) => void) | undefined
  #stream: EventStream
  #poll: ReturnType<typeof setInterval> | undefined

  constructor(
    readonly origin: string,
    private readonly token: string,
    private readonly store: HistoryStore,
    private readonly changed: () => void,
    readonly api: PatchscopeApi | undefined
  ) {
    this.#stream = new EventStream(
      { origin, token },
      {
        onEvent: (event, raw) => {
          if (event.type === 'state.initial' && event.reset !== true) {
            store.reset(event, raw)
            if (event.gap === true)
              this.notice = 'Some entries were dropped by the host while this window was away; the timeline starts again from what it kept.'
          } else {
            store.ingest(event, raw)
            // A load, or a slice found changed in place: the runtime's info (its findings) changed too.
            if (event.type === 'state.initial' || (event.type === 'state.update' && event.detected !== undefined))
              void this.refreshRuntime()
          }
          this.changed()
        },
        onStatus: (status, detail) => {
          this.status = status
          this.detail = detail
        },
        onNotice: (type, data) => this.onNotice?.(type, data)
      }
    )
  }

  start(): void {
    this.#stream.start()
    void this.refreshRuntime()
    this.#poll = setInterval(() => void this.refreshRuntime(), RUNTIME_POLL_MS)
  }

  stop(): void {
    this.#stream.stop()
    clearInterval(this.#poll)
  }

  /** A request to the host with the token. */
  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers)
    headers.set('authorization', `Bearer ${this.token}`)
    return fetch(`${this.origin}${path}`, { ...init, headers })
  }

  async refreshRuntime(): Promise<void> {
    try {
      const res = await this.request('/runtime')
      if (res.ok) this.runtime = (await res.json()) as RuntimeInfo
    } catch {
      // The stream reports the connection's state; a missed poll changes nothing shown.
    }
  }

  /** Loads (or reloads, with the same path) a runtime module; its error is kept in full. */
  loadRuntime(path: string): Promise<boolean> {
    return this.#command(() =>
      this.request('/runtime', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path }) })
    )
  }

  reloadRuntime(): Promise<boolean> {
    return this.#command(() =>
      this.request('/runtime', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reload: true }) })
    )
  }

  /**
   * Imports a session file; the history is replaced and marked offline. The notice says whether
   * the file was complete, and if not what it holds (cut short, changed after it was written).
   */
  async importSession(file: Blob): Promise<boolean> {
    let integrity: SessionIntegrity = { complete: true }
    const ok = await this.#command(async () => {
      const res = await this.request('/history', { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: file })
      if (res.ok) integrity = readIntegrity(await res.clone().json())
      return res
    })
    if (ok) this.notice = importNotice(integrity)
    return ok
  }

  /**
   * Sends an action to the runtime: an object, or JSON text sent as it is (so that the host reads
   * exactly what the user typed). Answers the host's answer or its error, for the caller to show
   * where it was asked (`error` is left alone).
   */
  async dispatch(action: { type: string } | string): Promise<DispatchAnswer> {
    let res: Response
    try {
      res = await this.request('/actions', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: typeof action === 'string' ? action : JSON.stringify(action)
      })
    } catch (e) {
      return { ok: false, status: 0, message: unreachable(e) }
    }
    if (!res.ok) return { ok: false, status: res.status, message: await errorOf(res) }
    try {
      return { ok: true, status: res.status, result: readDispatchResult(await res.json()) }
    } catch (e) {
      return { ok: false, status: res.status, message: e instanceof Error ? e.message : String(e) }
    }
  }

  /**
   * Compares the runtime's state this way from now on (`full`: every change in full; `verify`: the
   * default). Answers the host's error for the caller to show where it was asked, else undefined.
   */
  async setCompare(mode: Exclude<CompareMode, 'trust'>): Promise<string | undefined> {
    try {
      const res = await this.request('/runtime/compare', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ mode })
      })
      if (!res.ok) return await errorOf(res)
      this.runtime = (await res.json()) as RuntimeInfo
      return undefined
    } catch (e) {
      return unreachable(e)
    }
  }

  /** The retained history as a session file, asked for with the token in a header (never in a URL); undefined when refused (`error` says why). */
  async exportSession(): Promise<Response | undefined> {
    let res: Response | undefined
    const ok = await this.#command(async () => (res = await this.request('/history')))
    return ok ? res : undefined
  }

  async #command(send: () => Promise<Response>): Promise<boolean> {
    this.busy = true
    this.error = undefined
    try {
      const res = await send()
      if (!res.ok) {
        this.error = await errorOf(res)
        return false
      }
      return true
    } catch (e) {
      this.error = unreachable(e)
      return false
    } finally {
      this.busy = false
      await this.refreshRuntime()
    }
  }
}

/** What the window says after an import: a file not complete is said so, plainly, with what it holds. */
export function importNotice(integrity: SessionIntegrity): string {
  const offline = 'this is a recording, not a live runtime.'
  if (integrity.complete) return `Imported session: ${offline}`
  return `Imported session, ${integrity.statement}. This is a recording, not a live runtime.`
}

/** The message of a refused request: the host's own (`{ error: { message } }`), else its status. */
async function errorOf(res: Response): Promise<string> {
  const body = (await res.json().catch(() => undefined)) as ErrorBody | undefined
  return body?.error?.message ?? `the host answered ${res.status}`
}

function unreachable(e: unknown): string {
  return `the host could not be reached: ${e instanceof Error ? e.message : String(e)}`
}
