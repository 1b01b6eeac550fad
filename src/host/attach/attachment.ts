/**
 * One attachment: a remote event stream read over HTTP (Server-Sent Events), its protocol detected
 * from its first messages, each message handed to that protocol's translation, and the connection
 * made again with backoff when it is lost — asking the source to resume where the protocol allows.
 * It is opened in two steps: `Attachment.open` makes the first request and refuses, with the
 * reason, a source that does not answer with an event stream (`AttachRefused`: nothing is read nor
 * recorded); `start` then reads that same response. It reports its state (`info`) each time it
 * changes. The headers it sends are never shown nor logged; the URL only as `shownUrl` gives it.
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
  /** How long `open` waits for the source's first answer (its status and headers). @default 10_000 */
  probeTimeoutMs?: number
}

/**
 * The source did not answer the first request with an event stream (refused, unreachable, not a
 * stream, silent): the attachment is not made. The message names the problem and what to check.
 */
export class AttachRefused extends Error {
  override name = 'AttachRefused'
}

/** The connection cannot go on (the source refused, or is not an event stream): no retry. */
class Fatal extends Error {
  override name = 'Fatal'
}

/** What one connection came to. */
type Outcome = { fatal: string; status?: number; type?: string } | { lost: string; live: boolean; status?: number }

/** A request answered with an event stream, to read. */
interface Answered {
  body: ReadableStream<Uint8Array>
}

export class Attachment {
  readonly #target: AttachTarget
  readonly #sink: AttachSink
  readonly #options: Required<Pick<AttachmentOptions, 'onChange' | 'log' | 'detectWithin'>> & { firstMs: number; maxMs: number }
  readonly #abort: AbortController
  /** The response `open` got, until `start` reads it. */
  #first: Answered | undefined
  #done: Promise<void> = Promise.resolve()
  #stopped = false
  #state: AttachState
  #error: string | undefined
  #retryInMs: number | undefined
  #connections: number
  #translator: Translator | undefined
  /** The id of the last message that had one: where a resumable source is asked to go on from. */
  #lastId: string | undefined
  #undecided = 0

  private constructor({ target, sink, onChange, log, backoff, detectWithin }: AttachmentOptions, abort: AbortController, first: Answered) {
    this.#target = target
    this.#sink = sink
    this.#options = {
      onChange,
      log: log ?? ((text) => process.stderr.write(text)),
      detectWithin: detectWithin ?? 50,
      firstMs: backoff?.firstMs ?? 500,
      maxMs: backoff?.maxMs ?? 30_000
    }
    this.#abort = abort
    this.#first = first
    this.#connections = 1
    this.#state = 'live'
  }

  /**
   * Makes the first request and keeps its response unread until `start`: the source answered it
   * with an event stream. Nothing is recorded before `start`.
   * @throws {AttachRefused} when it answered otherwise, could not be reached, or did not answer within `probeTimeoutMs`
   */
  static async open(options: AttachmentOptions): Promise<Attachment> {
    const { target, probeTimeoutMs = 10_000 } = options
    const abort = new AbortController()
    let silent = false
    const timer = setTimeout(() => {
      silent = true
      abort.abort()
    }, probeTimeoutMs)
    let answer: Answered | Outcome
    try {
      answer = await request(target, undefined, abort.signal)
    } finally {
      clearTimeout(timer)
    }
    if ('body' in answer) return new Attachment(options, abort, answer)
    // Cut by the timer before any answer (a late error body is still said as that answer).
    const problem =
      silent && 'lost' in answer && answer.status === undefined
        ? `the source did not answer within ${seconds(probeTimeoutMs)} — check the URL, and that the app is running`
        : advice(answer, target)
    throw new AttachRefused(`cannot attach to ${shownUrl(target.url)}: ${problem} (nothing was changed)`)
  }

  /** Begins reading the response `open` got (once); from here on the attachment records into its sink. */
  start(): void {
    const first = this.#first
    if (first === undefined) return
    this.#first = undefined
    this.#done = this.#run(first.body)
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

  /** Ends the attachment (started or not: its response is let go); nothing is recorded once this is called. */
  async stop(): Promise<void> {
    this.#stopped = true
    this.#first = undefined
    this.#abort.abort()
    await this.#done
  }

  #set(state: AttachState, error?: string, retryInMs?: number): void {
    this.#state = state
    this.#error = error
    this.#retryInMs = retryInMs
    this.#options.onChange()
  }

  async #run(first: ReadableStream<Uint8Array>): Promise<void> {
    let wait = this.#options.firstMs
    let outcome = await this.#read(first)
    for (;;) {
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
      outcome = await this.#connect()
    }
  }

  /** A connection after one was lost. */
  async #connect(): Promise<Outcome> {
    this.#connections++
    const resuming = this.#translator?.resumable === true && this.#lastId !== undefined
    const answer = await request(this.#target, resuming ? this.#lastId : undefined, this.#abort.signal)
    if (!('body' in answer)) return answer
    this.#set('live')
    if (this.#translator !== undefined) this.#translator.reconnected(resuming)
    return this.#read(answer.body)
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

/**
 * One request for the stream (`lastId`: ask the source to resume after it): its body when it
 * answered with an event stream, else what the connection came to.
 */
async function request(target: AttachTarget, lastId: string | undefined, signal: AbortSignal): Promise<Answered | Outcome> {
  const headers: Record<string, string> = { ...target.headers, accept: 'text/event-stream' }
  if (lastId !== undefined) headers['last-event-id'] = lastId
  let res: Response
  try {
    res = await fetch(target.url, { headers, signal })
  } catch (e) {
    return { lost: reason(e), live: false }
  }
  if (!res.ok) {
    const detail = await excerpt(res)
    const what = `the source answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''}${detail}`
    // Refused for good (a wrong URL, missing auth) unless it asks to come back later.
    return res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429
      ? { fatal: what, status: res.status }
      : { lost: what, live: false, status: res.status }
  }
  const type = res.headers.get('content-type') ?? ''
  if (!type.toLowerCase().startsWith('text/event-stream') || res.body === null) {
    await res.body?.cancel()
    return { fatal: `the source answered ${type === '' ? 'no content type' : type}, not an event stream (text/event-stream)`, type }
  }
  return { body: res.body }
}

/** Why the first request did not give a stream, with what to check. */
function advice(outcome: Outcome, target: AttachTarget): string {
  const names = Object.keys(target.headers)
  if ('fatal' in outcome) {
    if (outcome.status === 401 || outcome.status === 403)
      return names.length > 0
        ? `${outcome.fatal} — check the header${names.length > 1 ? 's' : ''} ${names.join(', ')} (its credentials)`
        : `${outcome.fatal} — it wants credentials: add a header, e.g. Authorization: Bearer …`
    if (outcome.status === 404) return `${outcome.fatal} — check the URL's path (the app's events route)`
    if (outcome.status === 405)
      return `${outcome.fatal} — the URL must answer a GET with the stream (an endpoint that starts a run from a POST is not supported)`
    if (outcome.type !== undefined) return `${outcome.fatal} — check that the URL is the app's events route`
    return outcome.fatal
  }
  if (outcome.status !== undefined) return `${outcome.lost} — try again once the source is up`
  return `it could not be reached (${outcome.lost}) — check the URL, and that the app is running`
}

/** A time in words. */
function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`
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
