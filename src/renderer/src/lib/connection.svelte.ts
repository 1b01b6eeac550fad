/**
 * The window's link to the host: the event stream feeding the live session's store, the runtime's
 * status, and the commands (load, reload, export, dispatch), all over HTTP with the token. A file
 * the user imports opens as a document beside it (`documents.svelte.ts`), never through here.
 */
import type { PatchscopeApi } from '../../../shared/api'
import type { CompareMode, RuntimeInfo } from '../../../shared/protocol'
import { readDispatchResult, type DispatchAnswer } from './model/outcome'
import { errorOf, runCommand, unreachable } from './model/host-errors'
import { EventStream, type LinkStatus } from './model/stream'
import type { HistoryStore } from './model/store'

export class Connection {
  status = $state<LinkStatus>('connecting')
  detail = $state('')
  runtime = $state<RuntimeInfo>({ path: null, name: null, status: 'none' })
  /** Something the user should know that is not an error (a gap, an import). */
  notice = $state<string | undefined>()
  /** The last command's error, in full. */
  error = $state<string | undefined>()
  busy = $state(false)
  /** Told of each event outside the history the stream brings (the journal's state, the runtime's, the watches). */
  onNotice: ((type: string, data: unknown) => void) | undefined
  #stream: EventStream
  /** Runtime infos pushed so far: an answer to a request sent before the latest push is older than it. */
  #pushes = 0

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
          }
          this.changed()
        },
        onStatus: (status, detail) => {
          this.status = status
          this.detail = detail
        },
        onNotice: (type, data) => {
          // The host pushes the runtime's info the moment it changes (loaded, failed, not responding, paused, findings).
          if (type === 'runtime' && isRuntimeInfo(data)) {
            this.runtime = withoutType(data)
            this.#pushes++
          }
          this.onNotice?.(type, data)
        }
      }
    )
  }

  start(): void {
    this.#stream.start()
    void this.refreshRuntime()
  }

  stop(): void {
    this.#stream.stop()
  }

  /** A request to the host with the token. */
  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers)
    headers.set('authorization', `Bearer ${this.token}`)
    return fetch(`${this.origin}${path}`, { ...init, headers })
  }

  async refreshRuntime(): Promise<void> {
    const pushes = this.#pushes
    try {
      const res = await this.request('/runtime')
      const info = res.ok ? ((await res.json()) as RuntimeInfo) : undefined
      if (info !== undefined && pushes === this.#pushes) this.runtime = info
    } catch {
      // The stream reports the connection's state, and pushes the runtime's: a missed answer changes nothing shown.
    }
  }

  /**
   * Loads (or reloads, with the same path) a runtime module; its error is kept in full. A loaded
   * runtime leaves no notice of what was shown before behind (a recording, a gap).
   */
  async loadRuntime(path: string): Promise<boolean> {
    const ok = await this.#command(() =>
      this.request('/runtime', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path }) })
    )
    if (ok) this.notice = undefined
    return ok
  }

  async reloadRuntime(): Promise<boolean> {
    const ok = await this.#command(() =>
      this.request('/runtime', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reload: true }) })
    )
    if (ok) this.notice = undefined
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

  /**
   * The retained history as a session file, asked for with the token in a header (never in a URL);
   * undefined when refused (`error` says why). Redacted with the host's policy unless `redact` is false.
   */
  async exportSession({ redact = true }: { redact?: boolean } = {}): Promise<Response | undefined> {
    let res: Response | undefined
    const ok = await this.#command(async () => (res = await this.request(redact ? '/history' : '/history?redact=false')))
    return ok ? res : undefined
  }

  async #command(send: () => Promise<Response>): Promise<boolean> {
    const res = await runCommand(this, send)
    await this.refreshRuntime()
    return res !== undefined
  }
}

/** The stream's `runtime` event is a `RuntimeInfo` (with its event type); anything else is not taken. */
function isRuntimeInfo(data: unknown): data is RuntimeInfo & { type?: string } {
  if (typeof data !== 'object' || data === null) return false
  const { status, path } = data as { status?: unknown; path?: unknown }
  return typeof status === 'string' && (path === null || typeof path === 'string')
}

function withoutType(data: RuntimeInfo & { type?: string }): RuntimeInfo {
  const { type: _type, ...info } = data
  return info
}

/**
 * The word the link's pill shows: "live" only while the live session is shown and a runtime (not a
 * recording the host was given) feeds it, so "offline" and "live" are never shown at once.
 */
export function linkWord(status: LinkStatus, runtime: RuntimeInfo['status'], showingLive: boolean): string {
  if (status !== 'live') return status
  return showingLive && runtime !== 'session' ? 'live' : 'connected'
}
