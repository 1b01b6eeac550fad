/**
 * One `GET /events` connection: a cursor into the history, not a queue. The stream pulls when the
 * socket has room, and each pull hands over the stored frames from the cursor on — the same
 * bytes for every client. A client that stops reading costs nothing but its cursor; when it reads
 * again it goes on, or, if its entries were dropped meanwhile, it is told of the gap.
 */
import type { Slices } from '../../shared/protocol'
import type { History } from '../recorder/history'

/** Bytes one pull hands over at most (always at least one entry). */
export const PULL_BYTES = 256 * 1024

/** Where a connection starts. */
export type Start =
  /** The current state, then live entries. */
  | { from: 'current' }
  /** The retained base, then every retained entry (with `gap` when entries the client asked for are gone). */
  | { from: 'base'; gap: boolean }
  /** Right after entry `seq`, which the client already has. */
  | { from: 'after'; seq: number }

export class SseClient {
  #next: number
  #pendingInitial: { seq: number; state: () => Slices; gap: boolean; time: () => number } | undefined
  #heartbeat: Uint8Array | undefined
  /** Events outside the history not yet sent, the latest of each type only (a status supersedes the one before). */
  #notices = new Map<string, Uint8Array>()
  #waiter: (() => void) | undefined
  #filter: Set<number> | undefined

  constructor(
    private readonly history: History,
    start: Start,
    private readonly slices: readonly string[] | undefined
  ) {
    this.#filter = slices === undefined ? undefined : new Set(slices.map((s) => history.sliceId(s)))
    if (start.from === 'after') {
      this.#next = start.seq + 1
    } else if (start.from === 'current') {
      const seq = history.lastSeq
      this.#next = seq + 1
      this.#pendingInitial = { seq, state: () => history.stateAt(seq), gap: false, time: () => history.timeAt(seq) }
    } else {
      this.#next = history.baseSeq + 1
      this.#pendingInitial = { seq: history.baseSeq, state: () => history.base(), gap: start.gap, time: () => history.baseTime }
    }
  }

  /** The stream's pull: hand over what is there, or wait for it. */
  pull(controller: ReadableStreamDefaultController<Uint8Array>): Promise<void> | undefined {
    const chunk = this.#chunk()
    if (chunk !== undefined) {
      controller.enqueue(chunk)
      return undefined
    }
    return new Promise<void>((resolve) => {
      const wait = (): void => {
        this.#waiter = () => {
          this.#waiter = undefined
          const later = this.#chunk()
          // A stream pulls again only after something was enqueued: with nothing for this client
          // yet (entries of slices it did not ask for), it must go on waiting, or it stalls for good.
          if (later === undefined) return wait()
          controller.enqueue(later)
          resolve()
        }
      }
      wait()
    })
  }

  /** New entries were recorded. */
  wake(): void {
    this.#waiter?.()
  }

  /** Sends a heartbeat if the client is idle (a client with data pending needs none). */
  heartbeat(frame: Uint8Array): void {
    if (this.#waiter === undefined) return
    this.#heartbeat = frame
    this.#waiter()
  }

  /** Sends an event outside the history (no seq): before any further entry, replacing one of its type not yet sent. */
  notice(type: string, frame: Uint8Array): void {
    this.#notices.delete(type)
    this.#notices.set(type, frame)
    this.#waiter?.()
  }

  /** The connection ended: let go of whatever waits. */
  close(): void {
    this.#waiter = undefined
  }

  #chunk(): Uint8Array | undefined {
    const h = this.history
    if (this.#pendingInitial === undefined && this.#next <= h.baseSeq) {
      // Entries this client had not read yet were folded into the base while it was away.
      this.#pendingInitial = { seq: h.baseSeq, state: () => h.base(), gap: true, time: () => h.baseTime }
      this.#next = h.baseSeq + 1
    }
    if (this.#notices.size > 0) {
      const frames = [...this.#notices.values()]
      this.#notices.clear()
      return frames.length === 1 ? frames[0] : Buffer.concat(frames)
    }
    if (this.#pendingInitial !== undefined) {
      const { seq, state, gap, time } = this.#pendingInitial
      this.#pendingInitial = undefined
      // Stamped with when that state came to be, never with when this client connected.
      return Buffer.from(initialFrame(seq, this.#pick(state()), gap, time()))
    }
    if (this.#next <= h.lastSeq) return this.#filter === undefined ? this.#frames() : this.#filtered()
    return this.#idle()
  }

  /** Consecutive stored frames: a view of the history's own bytes. */
  #frames(): Uint8Array {
    const { bytes, to } = this.history.segment(this.#next).framesWithin(this.#next, this.history.lastSeq, PULL_BYTES)
    this.#next = to + 1
    return bytes
  }

  /**
   * The frames of the slices asked for; a reset's `state.initial` is cut down to them. A stretch
   * with nothing for this client is skipped at once rather than waited on.
   */
  #filtered(): Uint8Array | undefined {
    const h = this.history
    const filter = this.#filter as Set<number>
    const parts: Uint8Array[] = []
    let size = 0
    while (this.#next <= h.lastSeq && size < PULL_BYTES) {
      const seq = this.#next++
      const seg = h.segment(seq)
      const kind = seg.kind(seq)
      if (kind === 1 && !filter.has(seg.sliceId(seq))) continue
      let part: Uint8Array = seg.frame(seq)
      if (kind === 0) {
        const e = JSON.parse(seg.data(seq)) as { slices: Slices; timestamp: number }
        part = Buffer.from(initialFrame(seq, this.#pick(e.slices), false, e.timestamp, true))
      }
      parts.push(part)
      size += part.length
    }
    return parts.length > 0 ? Buffer.concat(parts, size) : this.#idle()
  }

  #idle(): Uint8Array | undefined {
    const beat = this.#heartbeat
    this.#heartbeat = undefined
    return beat
  }

  #pick(state: Slices): Slices {
    if (this.slices === undefined) return state
    const out: Slices = {}
    for (const s of this.slices) {
      if (Object.hasOwn(state, s)) Object.defineProperty(out, s, { value: state[s], enumerable: true, writable: true, configurable: true })
    }
    return out
  }
}

/** The SSE frame of a `state.initial`. */
export function initialFrame(seq: number, slices: Slices, gap: boolean, timestamp: number, reset = false): string {
  const flags = (gap ? ',"gap":true' : '') + (reset ? ',"reset":true' : '')
  return `id: ${seq}\nevent: state.initial\ndata: {"type":"state.initial","seq":${seq},"slices":${JSON.stringify(slices)},"timestamp":${timestamp}${flags}}\n\n`
}
