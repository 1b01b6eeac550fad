/**
 * Recording: the real clock, randomness, timers and network, with what each gave the runtime
 * logged in order. The log is taken by the outbox just before it writes the next entry (and when
 * it sends a batch), so each `effects` note sits exactly where its effects happened.
 */
import type { Effect } from '../../../shared/effects'
import { describeRequest, type EffectSource, type TimerCallback, type TimerKind } from './globals'
import { real } from './real'

/** Effects logged before the outbox is asked to write them without waiting for the next entry. */
export const EFFECTS_PER_NOTE = 4096

/** Timers and fetches a recording numbers after: none for a loaded runtime; a resume's, those its replay made. */
export interface Numbering {
  timers: number
  fetches: number
}

export class EffectLog implements EffectSource {
  #pending: Effect[] = []
  #timers: number
  #fetches: number
  /** Whether a request was sent for real (a resume's replay sent none). */
  #sent = false

  /**
   * @param full called when the log holds `EFFECTS_PER_NOTE` effects: the outbox writes them now
   * @param after a resume going live: the timers and fetches its replay made, which the recording numbers on from
   */
  constructor(
    private readonly full: () => void = () => undefined,
    after: Numbering = { timers: 0, fetches: 0 }
  ) {
    this.#timers = after.timers
    this.#fetches = after.fetches
  }

  /**
   * Node's own code calls the wrapped globals only for `fetch` (undici's timers, its clock reads, also
   * when a body ends long after the response): once the runtime has fetched, each call is checked
   * for Node's own (a stack frame, ~10 µs); a runtime that never fetches pays nothing for it.
   */
  get checkCallers(): boolean {
    return this.#sent
  }

  /** The effects logged since the last call, or undefined for none. */
  take(): Effect[] | undefined {
    if (this.#pending.length === 0) return undefined
    const taken = this.#pending
    this.#pending = []
    return taken
  }

  #log(effect: Effect): void {
    if (this.#pending.push(effect) >= EFFECTS_PER_NOTE) this.full()
  }

  now(): number {
    const v = real.dateNow()
    // The same millisecond read again right after is counted, not logged again: a loop polling the
    // clock would otherwise log millions of reads.
    const last = this.#pending[this.#pending.length - 1]
    if (last?.k === 'now' && last.v === v) last.n = (last.n ?? 1) + 1
    else this.#log({ k: 'now', v })
    return v
  }

  perf(): number {
    const v = real.perfNow()
    this.#log({ k: 'perf', v })
    return v
  }

  hrtime(): readonly [number, number] {
    const v = real.hrtime()
    this.#log({ k: 'hrtime', v })
    return v
  }

  int(drawn: number): number {
    this.#log({ k: 'int', v: drawn })
    return drawn
  }

  random(): number {
    const v = real.random()
    this.#log({ k: 'random', v })
    return v
  }

  uuid(): string {
    const v = real.randomUUID()
    this.#log({ k: 'uuid', v })
    return v
  }

  bytes(bytes: Uint8Array): void {
    this.#log({ k: 'bytes', v: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64') })
  }

  /**
   * A real timer, numbered after the last, whose firings are logged.
   * @param handed the number of a timer a resume's replay made and hands over (it keeps it, as a replay of the branch names it)
   */
  timer(kind: TimerKind, callback: TimerCallback, ms: number, args: unknown[], handed?: number): unknown {
    const id = handed ?? ++this.#timers
    const fire = { k: 'fire', id } as const
    const run = (): void => {
      this.#log(fire)
      callback(...args)
    }
    return kind === 'timeout' ? real.setTimeout(run, ms) : kind === 'interval' ? real.setInterval(run, ms) : real.setImmediate(run)
  }

  clear(): boolean {
    // Recorded timers are real ones: the real `clear…` clears them.
    return false
  }

  /**
   * A real request, numbered after the last, logged with its response.
   * @param handed the number of a request a resume's replay made and hands over: sent for real under
   *   that number, with its response logged (the request itself was recorded where the runtime made it)
   */
  async fetch(input: unknown, init: unknown, handed?: number): Promise<Response> {
    const id = handed ?? ++this.#fetches
    if (handed === undefined) this.#log({ k: 'fetch', id, ...describeRequest(input, init) })
    this.#sent = true
    let response: Response
    let body: Uint8Array
    try {
      response = await real.fetch(input as never, init as never)
      // The whole body, before the runtime sees the response: a replay hands it over at once.
      body = new Uint8Array(await response.clone().arrayBuffer())
    } catch (e) {
      this.#log({ k: 'response', id, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) })
      throw e
    }
    const text = utf8(body)
    this.#log({
      k: 'response',
      id,
      status: response.status,
      statusText: response.statusText,
      headers: [...response.headers],
      ...(text !== undefined ? { body: text } : { body: Buffer.from(body).toString('base64'), base64: true as const })
    })
    return response
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true })

/** The bytes as text when they are UTF-8 (the common case, readable in the file), else undefined. */
function utf8(bytes: Uint8Array): string | undefined {
  try {
    return decoder.decode(bytes)
  } catch {
    // Not UTF-8: the body is kept as base64 instead.
    return undefined
  }
}
