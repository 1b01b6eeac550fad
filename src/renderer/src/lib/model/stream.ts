/**
 * The window's end of `GET /events`: read with `fetch` (so the token travels in a header, and a
 * refused token is told apart from a dropped connection), parsed as SSE, resumed after a drop with
 * `Last-Event-ID` so that nothing is lost or repeated.
 */
import { createParser } from 'eventsource-parser'
import type { HistoryEvent } from '../../../../shared/protocol'

export type LinkStatus = 'connecting' | 'live' | 'reconnecting' | 'offline'

export interface StreamHandlers {
  /** A history event, with its JSON as received. Throwing makes the stream start over from `?since=0`. */
  onEvent(event: HistoryEvent, raw: string): void
  onStatus(status: LinkStatus, detail: string): void
}

export interface StreamOptions {
  origin: string
  token: string
  /** Waits between reconnection attempts, in ms; the last one repeats. */
  backoff?: readonly number[]
  /** With no byte for this long (heartbeats come every 15 s), the connection is taken as dead. @default 40_000 */
  stallMs?: number
  fetch?: typeof fetch
}

/** Longest the stream parses before it lets the window paint and answer input, ms. */
const SLICE_MS = 8

/** Ends the current task: `scheduler.yield` where the browser has it (Chromium 129+), else a timer. */
function yieldToWindow(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler
  return typeof scheduler?.yield === 'function' ? scheduler.yield() : new Promise((resolve) => setTimeout(resolve, 0))
}

/** Reads the events of a host, reconnecting until stopped. */
export class EventStream {
  #lastSeq: number | undefined
  #abort: AbortController | undefined
  #stopped = false
  #attempt = 0
  readonly #opts: Required<StreamOptions>

  constructor(
    options: StreamOptions,
    private readonly handlers: StreamHandlers
  ) {
    this.#opts = { backoff: [250, 1000, 2000, 5000], stallMs: 40_000, fetch: globalThis.fetch.bind(globalThis), ...options }
  }

  /** The seq of the last entry received, which a reconnection resumes after. */
  get lastSeq(): number | undefined {
    return this.#lastSeq
  }

  start(): void {
    this.#stopped = false
    void this.#run()
  }

  stop(): void {
    this.#stopped = true
    this.#abort?.abort()
  }

  /** Drops the connection and starts over with the whole retained history. */
  resync(): void {
    this.#lastSeq = undefined
    this.#abort?.abort()
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      const outcome = await this.#connect()
      if (this.#stopped) return
      if (outcome === 'refused') return
      const wait = this.#opts.backoff[Math.min(this.#attempt++, this.#opts.backoff.length - 1)] as number
      await new Promise((r) => setTimeout(r, wait))
    }
  }

  async #connect(): Promise<'dropped' | 'refused'> {
    const { origin, token, fetch: doFetch, stallMs } = this.#opts
    const resuming = this.#lastSeq !== undefined
    this.handlers.onStatus(resuming ? 'reconnecting' : 'connecting', resuming ? `resuming after entry ${this.#lastSeq}` : 'connecting')
    const abort = new AbortController()
    this.#abort = abort
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'text/event-stream' }
    if (resuming) headers['last-event-id'] = String(this.#lastSeq)
    let stall: ReturnType<typeof setTimeout> | undefined
    const alive = (): void => {
      clearTimeout(stall)
      stall = setTimeout(() => abort.abort(), stallMs)
    }
    try {
      const res = await doFetch(`${origin}/events${resuming ? '' : '?since=0'}`, { headers, signal: abort.signal })
      if (res.status === 401 || res.status === 403) {
        this.handlers.onStatus(
          'offline',
          `the host refused this window (${res.status}): it may have restarted with a new token — open the URL it printed`
        )
        return 'refused'
      }
      if (!res.ok || res.body === null) throw new Error(`the host answered ${res.status}`)
      this.#attempt = 0
      this.handlers.onStatus('live', 'live')
      const parser = createParser({
        onEvent: (m) => {
          // After a resync, the rest of the chunk being parsed belongs to the connection given up.
          if (abort.signal.aborted) return
          if (m.event === 'heartbeat' || m.event === undefined) return
          const event = JSON.parse(m.data) as HistoryEvent
          try {
            this.handlers.onEvent(event, m.data)
            this.#lastSeq = event.seq
          } catch {
            // The window's copy no longer matches the host's: start over with all of it.
            this.resync()
          }
        }
      })
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
      alive()
      let busySince = performance.now()
      for (;;) {
        const asked = performance.now()
        const { done, value } = await reader.read()
        if (done) break
        // A read that waited for the network gave the window its turn already.
        const now = performance.now()
        if (now - asked > 1) busySince = now
        alive()
        parser.feed(value)
        // Reads of bytes already received resolve at once, in the same task: loading a long
        // history would keep the window from painting until all of it is parsed. Give it a turn.
        if (performance.now() - busySince > SLICE_MS) {
          await yieldToWindow()
          busySince = performance.now()
        }
      }
    } catch (e) {
      if (this.#stopped) return 'dropped'
      const why = e instanceof Error ? e.message : String(e)
      // After a few failed attempts in a row the host is taken as gone (still retried, less often).
      if (this.#attempt >= 3) this.handlers.onStatus('offline', `the host is not answering (${why}); retrying`)
      else this.handlers.onStatus('reconnecting', `connection lost (${why}); retrying`)
      return 'dropped'
    } finally {
      clearTimeout(stall)
    }
    if (!this.#stopped) this.handlers.onStatus('reconnecting', 'the host closed the connection; retrying')
    return 'dropped'
  }
}
