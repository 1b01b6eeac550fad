/**
 * A Server-Sent Events client for tests: connects with `fetch`, parses frames as the SSE spec
 * says, keeps every event it received, and lets a test wait until one matches (never a sleep).
 */
import type { ServerEvent } from '../../src/shared/protocol'

/** One parsed frame: its `id:`, `event:` and the JSON of its `data:`. */
export interface SseFrame {
  id: string | undefined
  event: string
  data: string
}

/** A received event, with the SSE fields it came in. */
export type Received = ServerEvent & { readonly frame: SseFrame }

export interface ConnectOptions {
  headers?: Record<string, string>
  /** How long `waitFor` waits before failing the test. @default 10_000 */
  timeoutMs?: number
}

interface Waiter {
  from: number
  match: (e: Received) => boolean
  resolve: (e: Received) => void
  reject: (e: Error) => void
}

export class SseTestClient {
  /** Every event received so far, in order. */
  readonly events: Received[] = []
  readonly #abort: AbortController
  readonly #waiters = new Set<Waiter>()
  readonly #timeoutMs: number
  #ended: Error | undefined
  #closed = false
  readonly done: Promise<void>

  private constructor(
    readonly response: Response,
    timeoutMs: number,
    abort: AbortController
  ) {
    this.#abort = abort
    this.#timeoutMs = timeoutMs
    this.done = this.#read()
  }

  /**
   * Opens a stream. Resolves once the response headers arrived; a non-2xx answer is not a stream,
   * so it rejects with the status and body.
   */
  static async connect(url: string, { headers = {}, timeoutMs = 10_000 }: ConnectOptions = {}): Promise<SseTestClient> {
    const abort = new AbortController()
    const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal })
    if (!response.ok) {
      throw new Error(`GET ${url} answered ${response.status}: ${await response.text()}`)
    }
    return new SseTestClient(response, timeoutMs, abort)
  }

  /** Recorded entries only (no heartbeats, no other events outside the history). */
  get entries(): Extract<Received, { seq: number }>[] {
    return this.events.filter((e): e is Extract<Received, { seq: number }> => e.type !== 'heartbeat' && e.frame.id !== undefined)
  }

  /** The last `id:` received, as an EventSource keeps it for `Last-Event-ID` (heartbeats carry none). */
  get lastEventId(): string | undefined {
    for (let i = this.events.length - 1; i >= 0; i--) {
      const id = (this.events[i] as Received).frame.id
      if (id !== undefined) return id
    }
    return undefined
  }

  /** The seq of the last entry received, or undefined before the first. */
  get lastSeq(): number | undefined {
    const entries = this.entries
    return entries.length === 0 ? undefined : (entries[entries.length - 1] as { seq: number }).seq
  }

  /**
   * The first event from index `from` on that matches; waits for it if it has not come yet.
   * Fails after the client's timeout, saying what was received.
   */
  waitFor<T extends Received = Received>(match: (e: Received) => boolean, from = 0): Promise<T> {
    for (let i = from; i < this.events.length; i++) {
      const e = this.events[i] as Received
      if (match(e)) return Promise.resolve(e as T)
    }
    if (this.#ended !== undefined) return Promise.reject(this.#ended)
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter = {
        from,
        match,
        resolve: (e) => {
          clearTimeout(timer)
          resolve(e as T)
        },
        reject: (e) => {
          clearTimeout(timer)
          reject(e)
        }
      }
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter)
        const seen = this.events.map((e) => `${e.type}${'seq' in e ? `#${e.seq}` : ''}`).join(', ')
        reject(new Error(`no matching event within ${this.#timeoutMs} ms; received: ${seen || 'nothing'}`))
      }, this.#timeoutMs)
      this.#waiters.add(waiter)
    })
  }

  /** Waits until the entry with this seq (or a later one) has arrived. */
  waitForSeq(seq: number): Promise<Received> {
    return this.waitFor((e) => 'seq' in e && e.seq >= seq)
  }

  /** Waits until `count` events have arrived in all, and gives them. */
  async waitForCount(count: number): Promise<Received[]> {
    await this.waitFor(() => this.events.length >= count)
    return this.events.slice(0, count)
  }

  /** Ends the connection. */
  async close(): Promise<void> {
    this.#closed = true
    this.#abort.abort()
    await this.done
  }

  async #read(): Promise<void> {
    const body = this.response.body
    if (body === null) return
    const decoder = new TextDecoder()
    let buffer = ''
    try {
      for await (const chunk of body) {
        buffer += decoder.decode(chunk, { stream: true })
        let at: number
        while ((at = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, at)
          buffer = buffer.slice(at + 2)
          const frame = parseFrame(block)
          if (frame !== undefined) this.#push(frame)
        }
      }
      this.#end(new Error('the stream ended'))
    } catch (e) {
      this.#end(this.#closed ? new Error('the client closed the stream') : (e as Error))
    }
  }

  #push(frame: SseFrame): void {
    const event = Object.assign(JSON.parse(frame.data) as ServerEvent, { frame }) as Received
    const index = this.events.push(event) - 1
    for (const waiter of this.#waiters) {
      if (index >= waiter.from && waiter.match(event)) {
        this.#waiters.delete(waiter)
        waiter.resolve(event)
      }
    }
  }

  #end(error: Error): void {
    this.#ended = error
    for (const waiter of this.#waiters) waiter.reject(error)
    this.#waiters.clear()
  }
}

/** Parses one SSE block (the lines between blank lines); comments-only blocks give undefined. */
export function parseFrame(block: string): SseFrame | undefined {
  let id: string | undefined
  let event = 'message'
  const data: string[] = []
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue
    const colon = line.indexOf(':')
    const field = colon === -1 ? line : line.slice(0, colon)
    let value = colon === -1 ? '' : line.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'id') id = value
    else if (field === 'event') event = value
    else if (field === 'data') data.push(value)
  }
  if (data.length === 0) return undefined
  return { id, event, data: data.join('\n') }
}
