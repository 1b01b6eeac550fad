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
  /** An event outside the history (no seq, no `id:`: the journal's state, say), by its SSE event name. */
  onNotice?(type: string, data: unknown): void
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
const SLICE_MS = 12
/** Characters parsed at a time (a few hundred entries at most). */
const FEED_CHARS = 32 * 1024

/** What the window offers for pacing; under Node (the model's tests) only some of it exists. */
const host = globalThis as unknown as {
  MessageChannel?: new () => { port1: Port; port2: Port }
  requestAnimationFrame?: (run: () => void) => unknown
  document?: { visibilityState: string }
}
interface Port {
  onmessage: (() => void) | null
  postMessage(message: null): void
  close(): void
}

/** Ends the current task: a message to itself (a timer would wait 4 ms once nested). */
function nextTask(): Promise<void> {
  const Channel = host.MessageChannel
  if (Channel === undefined) return new Promise((resolve) => setTimeout(resolve, 0))
  return new Promise((resolve) => {
    const { port1, port2 } = new Channel()
    port1.onmessage = () => {
      port1.close()
      resolve()
    }
    port2.postMessage(null)
  })
}

/**
 * Resumes once the window has painted a frame. Ending the task is not enough: Chromium runs a
 * task that is ready (a message, `scheduler.yield`) before a frame that is due, for up to 100 ms.
 * A hidden window paints no frame, so it only ends the task; a frame that does not come within
 * 100 ms is not waited for.
 */
function yieldToWindow(): Promise<void> {
  const frame = host.requestAnimationFrame
  if (frame === undefined || host.document === undefined || host.document.visibilityState === 'hidden') return nextTask()
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 100)
    frame(() => {
      clearTimeout(timer)
      void nextTask().then(resolve)
    })
  })
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
          if (m.id === undefined) {
            // Outside the history (DESIGN.md, Extensions): a type the window does not know is ignored.
            try {
              this.handlers.onNotice?.(m.event, JSON.parse(m.data))
            } catch {
              // Not JSON: nothing the window can show.
            }
            return
          }
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
        // Reads of bytes already received resolve at once, in the same task, and a read can hold
        // megabytes: loading a long history would keep the window from painting until all of it
        // is parsed. It is parsed a piece at a time, and the window gets a turn every few ms.
        for (let at = 0; at < value.length; at += FEED_CHARS) {
          parser.feed(at === 0 && value.length <= FEED_CHARS ? value : value.slice(at, at + FEED_CHARS))
          if (performance.now() - busySince > SLICE_MS) {
            await yieldToWindow()
            busySince = performance.now()
          }
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
