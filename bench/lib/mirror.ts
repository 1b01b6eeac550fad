/**
 * A real SSE client that mirrors the state: it reads `GET /events` over its own socket, splits
 * the frames, and applies every `state.update` to its copy of the slices with fast-json-patch's
 * `applyPatch` (an implementation independent of Patchscope's). It works for Patchscope and the
 * baselines alike: both send `state.initial` and `state.update` events in the seed's shapes.
 */
import { request, type ClientRequest, type IncomingMessage } from 'node:http'
import jsonpatch, { type Operation } from 'fast-json-patch'
import type { Endpoint } from './http'

interface Waiter {
  until: (m: Mirror) => boolean
  resolve: () => void
  reject: (e: Error) => void
  timer: NodeJS.Timeout
}

interface Event {
  type: string
  seq?: number
  slices?: Record<string, unknown>
  slice?: string
  patches?: Operation[]
  value?: unknown
  removed?: true
  gap?: true
  /** Set on an update the recorder's verification found (a change made in place), not one the runtime reported. */
  detected?: unknown
}

export class Mirror {
  slices: Record<string, unknown> = {}
  /** The seq of the last entry applied (Patchscope's events carry one; the baselines' do not). */
  lastSeq = -1
  /** `state.update` events applied. */
  updates = 0
  /** Of them, updates the recorder's verification found (they carry `detected`). */
  detected = 0
  /** `state.initial` events applied, and how many of them said `gap`. */
  initials = 0
  gaps = 0
  /** The seq the mirror had reached when it was first told of a gap. */
  seqBeforeGap: number | undefined
  /** Characters of frames read. */
  chars = 0
  /** When the last frame was applied (performance.now()). */
  lastAt = 0
  #rest = ''
  #waiters = new Set<Waiter>()
  #req: ClientRequest
  #res: IncomingMessage | undefined
  #error: Error | undefined

  private constructor(req: ClientRequest) {
    this.#req = req
  }

  /** Opens `GET /events` (or `path`) and resolves once the first `state.initial` is applied. */
  static connect({ origin, token }: Endpoint, path = '/events', timeoutMs = 30_000): Promise<Mirror> {
    const req = request(new URL(path, origin), { agent: false, headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } })
    const mirror = new Mirror(req)
    req.on('error', (e) => mirror.#fail(e))
    req.on('response', (res) => {
      mirror.#res = res
      if (res.statusCode !== 200) {
        mirror.#fail(new Error(`GET ${path} answered ${res.statusCode}`))
        res.resume()
        return
      }
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => mirror.#read(chunk))
      res.on('error', (e) => mirror.#fail(e))
      res.on('end', () => mirror.#fail(new Error('the stream ended')))
    })
    req.end()
    return mirror.until((m) => m.initials > 0, timeoutMs).then(() => mirror)
  }

  /** Resolves once `until(this)` holds; rejects after `timeoutMs` or when the stream fails. */
  until(until: (m: Mirror) => boolean, timeoutMs: number): Promise<void> {
    if (this.#error !== undefined) return Promise.reject(this.#error)
    if (until(this)) return Promise.resolve()
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        until,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.#waiters.delete(waiter)
          reject(new Error(`a client waited ${timeoutMs} ms in vain (at seq ${this.lastSeq}, ${this.updates} updates)`))
        }, timeoutMs)
      }
      this.#waiters.add(waiter)
    })
  }

  /** Stops reading: the socket's buffers fill and the server is left to cope. */
  pause(): void {
    this.#res?.pause()
  }

  resume(): void {
    this.#res?.resume()
  }

  close(): void {
    this.#req.destroy()
  }

  #fail(e: Error): void {
    if (this.#error !== undefined) return
    this.#error = e
    for (const w of this.#waiters) {
      clearTimeout(w.timer)
      w.reject(e)
    }
    this.#waiters.clear()
  }

  #read(chunk: string): void {
    this.chars += chunk.length
    const text = this.#rest.length === 0 ? chunk : this.#rest + chunk
    let start = 0
    for (;;) {
      const end = text.indexOf('\n\n', start)
      if (end === -1) break
      this.#frame(text, start, end)
      start = end + 2
    }
    this.#rest = start === 0 ? text : text.slice(start)
    this.lastAt = performance.now()
    for (const w of this.#waiters) {
      if (!w.until(this)) continue
      clearTimeout(w.timer)
      this.#waiters.delete(w)
      w.resolve()
    }
  }

  #frame(text: string, start: number, end: number): void {
    let data: string | undefined
    let at = start
    while (at < end) {
      let nl = text.indexOf('\n', at)
      if (nl === -1 || nl > end) nl = end
      if (text.startsWith('data: ', at)) {
        const line = text.slice(at + 6, nl)
        data = data === undefined ? line : data + '\n' + line
      }
      at = nl + 1
    }
    if (data !== undefined) this.#apply(JSON.parse(data) as Event)
  }

  #apply(e: Event): void {
    switch (e.type) {
      case 'state.initial':
        this.slices = { ...e.slices }
        this.initials++
        if (e.gap === true && this.gaps++ === 0) this.seqBeforeGap = this.lastSeq
        break
      case 'state.update': {
        const slice = e.slice as string
        if (e.removed === true) delete this.slices[slice]
        else if (e.patches !== undefined) this.slices[slice] = jsonpatch.applyPatch(this.slices[slice], e.patches, false, true).newDocument
        else this.slices[slice] = e.value
        this.updates++
        if (e.detected !== undefined) this.detected++
        break
      }
    }
    if (typeof e.seq === 'number') this.lastSeq = e.seq
  }
}
