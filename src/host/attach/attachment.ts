/**
 * One attachment: a remote event stream read over HTTP (Server-Sent Events), its protocol detected
 * from its first messages, each message handed to that protocol's translation, and the connection
 * made again with backoff when it is lost — asking the source to resume where the protocol allows.
 * It reports its state (`info`) each time it changes. The headers it sends are never shown nor
 * logged; the URL only as `shownUrl` gives it.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { createParser, type EventSourceMessage } from 'eventsource-parser'
import type { AttachInfo, AttachState } from '../../shared/protocol'
import { createTranslator, detectProtocol } from './detect'
import { shownUrl, type AttachTarget } from './target'
import type { AttachSink, Translator } from './translator'

export interface AttachmentOptions {
  target: AttachTarget
  sink: AttachSink
  /** `info` changed. */
  onChange: () => void
  /** What the attachment reports (a lost connection, giving up). @default writes to stderr */
  log?: (text: string) => void
  /** The wait before the first reconnect, doubled at each failed one up to `maxMs`. @default { firstMs: 500, maxMs: 30_000 } */
  backoff?: { firstMs?: number; maxMs?: number }
  /** Messages read without telling the protocol before giving up. @default 50 */
  detectWithin?: number
}

/** The connection cannot go on (the source refused, or is not an event stream): no retry. */
class Fatal extends Error {
  override name = 'Fatal'
}

/** What one connection came to. */
type Outcome = { fatal: string } | { lost: string; live: boolean }

export class Attachment {
  readonly #target: AttachTarget
  readonly #sink: AttachSink
  readonly #options: Required<Pick<AttachmentOptions, 'onChange' | 'log' | 'detectWithin'>> & { firstMs: number; maxMs: number }
  readonly #abort = new AbortController()
  readonly #done: Promise<void>
  #stopped = false
  #state: AttachState = 'connecting'
  #error: string | undefined
  #retryInMs: number | undefined
  #connections = 0
  #translator: Translator | undefined
  /** The id of the last message that had one: where a resumable source is asked to go on from. */
  #lastId: string | undefined
  #undecided = 0

  constructor({ target, sink, onChange, log, backoff, detectWithin }: AttachmentOptions) {
    this.#target = target
    this.#sink = sink
    this.#options = {
      onChange,
      log: log ?? ((text) => process.stderr.write(text)),
      detectWithin: detectWithin ?? 50,
      firstMs: backoff?.firstMs ?? 500,
      maxMs: backoff?.maxMs ?? 30_000
    }
    this.#done = this.#run()
  }

  /** The URL as it may be shown. */
  get url(): string {
    return shownUrl(this.#target.url)
  }

  /** What `GET /runtime` shows of it. */
  get info(): AttachInfo {
    return {
      url: this.url,
      protocol: this.#translator?.protocol ?? null,
      state: this.#state,
      headers: Object.keys(this.#target.headers),
      connections: this.#connections,
      ...(this.#retryInMs !== undefined ? { retryInMs: this.#retryInMs } : {}),
      ...(this.#error !== undefined ? { error: this.#error } : {})
    }
  }

  /** Ends the attachment; nothing is recorded once this is called. */
  async stop(): Promise<void> {
    this.#stopped = true
    this.#abort.abort()
    await this.#done
  }

  #set(state: AttachState, error?: string, retryInMs?: number): void {
    this.#state = state
    this.#error = error
    this.#retryInMs = retryInMs
    this.#options.onChange()
  }

  async #run(): Promise<void> {
    let wait = this.#options.firstMs
    while (!this.#stopped) {
      const outcome = await this.#connect()
      if (this.#stopped) return
      if ('fatal' in outcome) {
        this.#options.log(`[patchscope] attached to ${this.url}: gave up: ${outcome.fatal}\n`)
        this.#set('failed', outcome.fatal)
        return
      }
      // A connection that was read from starts the backoff again: the source was up.
      if (outcome.live) wait = this.#options.firstMs
      if (outcome.live && this.#translator !== undefined) this.#sink.note('lost', `the connection was lost: ${outcome.lost}`)
      this.#options.log(`[patchscope] attached to ${this.url}: ${outcome.lost}; reconnecting in ${wait} ms\n`)
      this.#set('reconnecting', outcome.lost, wait)
      try {
        await sleep(wait, undefined, { signal: this.#abort.signal })
      } catch {
        return // stopped while waiting
      }
      wait = Math.min(wait * 2, this.#options.maxMs)
      this.#set('connecting', this.#error)
    }
  }

  async #connect(): Promise<Outcome> {
    this.#connections++
    const resuming = this.#translator?.resumable === true && this.#lastId !== undefined
    const headers: Record<string, string> = { ...this.#target.headers, accept: 'text/event-stream' }
    if (resuming) headers['last-event-id'] = this.#lastId as string
    let res: Response
    try {
      res = await fetch(this.#target.url, { headers, signal: this.#abort.signal })
    } catch (e) {
      return { lost: reason(e), live: false }
    }
    if (!res.ok) {
      const detail = await excerpt(res)
      const what = `the source answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''}${detail}`
      // Refused for good (a wrong URL, missing auth) unless it asks to come back later.
      return res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429
        ? { fatal: what }
        : { lost: what, live: false }
    }
    const type = res.headers.get('content-type') ?? ''
    if (!type.toLowerCase().startsWith('text/event-stream') || res.body === null) {
      await res.body?.cancel()
      return { fatal: `the source answered ${type === '' ? 'no content type' : type}, not an event stream (text/event-stream)` }
    }
    this.#set('live')
    if (this.#translator !== undefined) this.#translator.reconnected(resuming)
    return this.#read(res.body)
  }

  async #read(body: ReadableStream<Uint8Array>): Promise<Outcome> {
    let fatal: Fatal | undefined
    const parser = createParser({
      onEvent: (message) => {
        if (this.#stopped || fatal !== undefined) return
        try {
          this.#message(message)
        } catch (e) {
          if (!(e instanceof Fatal)) throw e
          fatal = e
        }
      }
    })
    const reader = body.getReader()
    const decoder = new TextDecoder()
    try {
      for (;;) {
        const { done, value } = await reader.read()
        if (done) return { lost: 'the source ended the stream', live: true }
        parser.feed(decoder.decode(value, { stream: true }))
        if (fatal !== undefined) {
          await reader.cancel()
          return { fatal: fatal.message }
        }
      }
    } catch (e) {
      return { lost: reason(e), live: true }
    }
  }

  #message({ event, id, data }: EventSourceMessage): void {
    if (id !== undefined && id !== '') this.#lastId = id
    let json: unknown
    try {
      json = JSON.parse(data)
    } catch {
      json = undefined // not JSON: neither protocol sends such a message, and it is skipped
    }
    if (this.#translator === undefined) {
      const protocol = detectProtocol(event, json)
      if (protocol === undefined) {
        if (++this.#undecided >= this.#options.detectWithin)
          throw new Fatal(`its first ${this.#undecided} events are neither the seed's events route nor AG-UI`)
        return
      }
      this.#translator = createTranslator(protocol, this.#sink)
      this.#options.onChange()
    }
    this.#translator.message({ event, id, data: json })
  }
}

/** Why a request or a read failed, in words (Node's fetch hides the system error in `cause`). */
function reason(e: unknown): string {
  const cause = e instanceof Error && e.cause instanceof Error ? e.cause : e
  return cause instanceof Error ? cause.message : String(cause)
}

/** The start of an error answer's body, to say why (its JSON `error.message` when it has one). */
async function excerpt(res: Response): Promise<string> {
  let text: string
  try {
    text = (await res.text()).trim()
  } catch {
    return '' // the body is only a detail of the error already said
  }
  try {
    const m = (JSON.parse(text) as { error?: { message?: unknown } }).error?.message
    if (typeof m === 'string') text = m
  } catch {
    // not JSON: the text itself is said
  }
  return text === '' ? '' : `: ${text.length > 200 ? `${text.slice(0, 200)}…` : text}`
}
