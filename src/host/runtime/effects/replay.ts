/**
 * Replay: the recorded clock, randomness and responses fed back to a fresh runtime, and its timers
 * made virtual (./virtual-time.ts). The script is cut at each input: the values a segment recorded
 * are consumed, in order and kind by kind, by the reads the runtime makes in that segment, and its
 * events (timers firing, responses arriving) happen in the recorded order, each once the runtime
 * is idle. A runtime that reads more than was recorded gets the last clock value again and
 * randomness from a generator seeded by the segment, so a replay is always deterministic; what
 * did not match is reported (`ReplayIssue`), and the replay goes on.
 */
import type { Effect, EffectKind, FetchResponse, ReplayScript } from '../../../shared/effects'
import type { Json } from '../../../shared/protocol'
import type { ReplayIssue } from '../../../shared/replay'
import { describeRequest, type EffectSource, type TimerCallback, type TimerKind } from './globals'
import { nextTurn } from './real'
import { VirtualTimers } from './virtual-time'

type ValueKind = Extract<EffectKind, 'now' | 'perf' | 'hrtime' | 'random' | 'int' | 'uuid' | 'bytes'>
const VALUE_KINDS: readonly ValueKind[] = ['now', 'perf', 'hrtime', 'random', 'int', 'uuid', 'bytes']
const isValue = (e: Effect): e is Extract<Effect, { k: ValueKind }> => (VALUE_KINDS as readonly string[]).includes(e.k)
const READS: Record<ValueKind, string> = {
  now: 'read the clock (Date)',
  perf: 'read performance.now()',
  hrtime: 'read process.hrtime()',
  random: 'called Math.random()',
  int: "called node:crypto's randomInt()",
  uuid: 'called crypto.randomUUID()',
  bytes: 'read random bytes (crypto.getRandomValues(), randomBytes(), randomFill())'
}
/** Issues reported at most: a replay that diverged early would otherwise report each read after. */
export const MAX_ISSUES = 200

type Request = Extract<Effect, { k: 'fetch' }>
interface Pending {
  resolve: (r: Response) => void
  reject: (e: unknown) => void
  /** The call's arguments, for a resume that sends it for real (`handOverFetches`). */
  input: unknown
  init: unknown
}

export class EffectPlayer implements EffectSource {
  readonly checkCallers = false
  readonly timers = new VirtualTimers()
  #segment = 0
  #queues = new Map<ValueKind, Effect[]>()
  #missing = new Map<ValueKind, number>()
  /** Reads already served of the effect at the head of each queue (a `now` read `n` times in a row). */
  #served = new Map<ValueKind, number>()
  #lastNow = 0
  #lastPerf = 0
  #lastHrtime: readonly [number, number] = [0, 0]
  #seed = 0
  #issues = 0
  readonly #requests = new Map<number, Request>()
  readonly #responses = new Map<number, FetchResponse>()
  readonly #used = new Set<number>()
  readonly #delivered = new Set<number>()
  readonly #waiting = new Map<number, Pending>()
  #fetches = 0

  /**
   * @param resume a resume's script, which ends at the point resumed at: a request it recorded
   *   without a response (the response came after that point) waits, to be sent for real when the
   *   runtime goes live (`handOverFetches`), instead of failing as a request without one
   */
  constructor(
    private readonly script: ReplayScript,
    private readonly report: (issue: ReplayIssue) => void,
    private readonly resume = false
  ) {
    for (const segment of script.segments) {
      for (const e of segment.effects) {
        if (e.k === 'fetch') this.#requests.set(e.id, e)
        else if (e.k === 'response') this.#responses.set(e.id, e)
      }
    }
    this.#begin(0)
  }

  #issue(kind: ReplayIssue['kind'], message: string): void {
    if (++this.#issues <= MAX_ISSUES) this.report({ kind, input: this.#segment, message })
  }

  #begin(segment: number): void {
    this.#segment = segment
    this.#queues = new Map(VALUE_KINDS.map((k) => [k, []]))
    for (const e of this.script.segments[segment]?.effects ?? []) {
      if (isValue(e)) this.#queues.get(e.k)?.push(e)
    }
    this.#missing = new Map()
    this.#served = new Map()
    this.#seed = (segment + 1) * 0x9e3779b9
  }

  /** Says what the segment read more or less often than it recorded. */
  #end(): void {
    for (const kind of VALUE_KINDS) {
      const missing = this.#missing.get(kind) ?? 0
      const left = (this.#queues.get(kind) ?? []).reduce((sum, e) => sum + timesOf(e), 0) - (this.#served.get(kind) ?? 0)
      if (missing > 0) this.#issue('effects', `the runtime ${READS[kind]} ${missing} more time${missing === 1 ? '' : 's'} than recorded`)
      else if (left > 0) this.#issue('effects', `the runtime ${READS[kind]} ${left} fewer time${left === 1 ? '' : 's'} than recorded`)
    }
  }

  #next<K extends ValueKind>(kind: K): Extract<Effect, { k: K }> | undefined {
    const queue = this.#queues.get(kind)
    const e = queue?.[0] as Extract<Effect, { k: K }> | undefined
    if (e === undefined) {
      this.#missing.set(kind, (this.#missing.get(kind) ?? 0) + 1)
      return undefined
    }
    const served = (this.#served.get(kind) ?? 0) + 1
    if (served >= timesOf(e)) {
      queue?.shift()
      this.#served.set(kind, 0)
    } else this.#served.set(kind, served)
    return e
  }

  /** mulberry32, seeded by the segment: what a read past the recording gets. */
  #generated(): number {
    let t = (this.#seed = (this.#seed + 0x6d2b79f5) | 0)
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  now(): number {
    return (this.#lastNow = this.#next('now')?.v ?? this.#lastNow)
  }

  perf(): number {
    return (this.#lastPerf = this.#next('perf')?.v ?? this.#lastPerf)
  }

  /** A read past the recording gets the last reading again: virtual time stands still between recorded readings. */
  hrtime(): readonly [number, number] {
    return (this.#lastHrtime = this.#next('hrtime')?.v ?? this.#lastHrtime)
  }

  random(): number {
    return this.#next('random')?.v ?? this.#generated()
  }

  int(_drawn: number, min: number, max: number): number {
    const e = this.#next('int')
    if (e !== undefined && e.v >= min && e.v < max) return e.v
    if (e !== undefined)
      this.#issue('effects', `randomInt() asked for a whole number from ${min} to below ${max}, the recording has ${e.v}`)
    return min + Math.floor(this.#generated() * (max - min))
  }

  uuid(): string {
    const e = this.#next('uuid')
    if (e !== undefined) return e.v
    const hex = Array.from({ length: 32 }, () => Math.floor(this.#generated() * 16).toString(16)).join('')
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`
  }

  bytes(bytes: Uint8Array): void {
    const e = this.#next('bytes')
    const recorded = e === undefined ? undefined : Buffer.from(e.v, 'base64')
    if (recorded !== undefined && recorded.length === bytes.length) return bytes.set(recorded)
    if (recorded !== undefined)
      this.#issue('effects', `the runtime asked for ${bytes.length} random bytes, the recording has ${recorded.length} there`)
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(this.#generated() * 256)
  }

  timer(kind: TimerKind, callback: TimerCallback, ms: number, args: unknown[]): unknown {
    return this.timers.create(kind, callback, args, ms)
  }

  clear(handle: unknown): boolean {
    return this.timers.clear(handle)
  }

  /** Requests the runtime made so far (each numbered so, as the recording numbered them). */
  get fetches(): number {
    return this.#fetches
  }

  fetch(input: unknown, init: unknown): Promise<Response> {
    const asked = describeRequest(input, init)
    const n = ++this.#fetches
    const same = (r: Request | undefined): r is Request =>
      r !== undefined && !this.#used.has(r.id) && r.method === asked.method && r.url === asked.url && r.body === asked.body
    const byNumber = this.#requests.get(n)
    const match = same(byNumber) ? byNumber : [...this.#requests.values()].find(same)
    if (match === undefined || (!this.#responses.has(match.id) && !this.resume)) {
      const what = `${asked.method} ${asked.url}`
      this.#issue('no-response', `the recording has no response for ${what}`)
      return Promise.reject(new TypeError(`fetch failed: Patchscope's replay has no recorded response for ${what}`))
    }
    this.#used.add(match.id)
    return new Promise((resolve, reject) => {
      const pending = { resolve, reject, input, init }
      if (this.#delivered.has(match.id)) this.#settle(match.id, pending)
      else this.#waiting.set(match.id, pending)
    })
  }

  #settle(id: number, pending: Pending): void {
    const r = this.#responses.get(id)
    if (r === undefined) return
    if ('error' in r) return pending.reject(new TypeError(r.error))
    const body = r.base64 === true ? Buffer.from(r.body, 'base64') : r.body
    const empty = r.status === 204 || r.status === 205 || r.status === 304
    const response = new Response(empty ? null : body, { status: r.status, statusText: r.statusText, headers: r.headers })
    const url = this.#requests.get(id)?.url
    if (url !== undefined) Object.defineProperty(response, 'url', { value: url })
    pending.resolve(response)
  }

  /**
   * A resume going live: each request still waiting for its response (the recording received it
   * after the point resumed at, or not at all) is sent for real with `send`, under the number the
   * recording gave it, in the order they were made; the runtime's promise settles with the real
   * answer. Returns how many were sent.
   */
  handOverFetches(send: (input: unknown, init: unknown, id: number) => Promise<Response>): number {
    const waiting = [...this.#waiting.entries()].sort(([a], [b]) => a - b)
    this.#waiting.clear()
    for (const [id, pending] of waiting) send(pending.input, pending.init, id).then(pending.resolve, pending.reject)
    return waiting.length
  }

  /**
   * Runs the script: dispatches each input with `dispatch` (not waiting for it: it may wait for
   * timers), and fires the recorded events in order, each once the runtime is idle. `progress`
   * hears of each segment done.
   */
  async drive(dispatch: (action: Json, input: number) => void, progress: (done: number, total: number) => void): Promise<void> {
    const segments = this.script.segments
    for (let i = 0; i < segments.length; i++) {
      if (i > 0) {
        this.#end()
        this.#begin(i)
        dispatch(segments[i]?.action ?? null, i)
      }
      await idle()
      for (const e of segments[i]?.effects ?? []) {
        if (e.k === 'fire') {
          if (!(await this.timers.fire(e.id)))
            this.#issue('timer', `timer ${e.id} fired in the recording, but is not pending in the replay`)
        } else if (e.k === 'response') {
          this.#delivered.add(e.id)
          const pending = this.#waiting.get(e.id)
          this.#waiting.delete(e.id)
          if (pending !== undefined) this.#settle(e.id, pending)
        } else continue
        await idle()
      }
      progress(i + 1, segments.length)
    }
    this.#end()
  }
}

/** The runtime is idle: what ran queued nothing that runs without a timer or a response (two turns, for work a turn queues in the next). */
async function idle(): Promise<void> {
  await nextTurn()
  await nextTurn()
}

/** How many reads an effect stands for. */
function timesOf(e: Effect): number {
  return e.k === 'now' ? (e.n ?? 1) : 1
}
