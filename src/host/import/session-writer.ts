/**
 * Writes the lines of an ordinary Patchscope session file (DESIGN.md, Session file) for a
 * converted foreign file: the header, a `state.initial`, then entries numbered from 1, each line
 * as Patchscope writes it (`type` and `seq` first), and the closing line when the foreign file was
 * read whole. States are given as raw values, slice by slice: `SliceMirror` keeps the encoded copy
 * of each slice and turns the next value into patches with the recorder's own verifier.
 */
import type { Cause, HistoryEvent, Json, SessionHeader, Slices } from '../../shared/protocol'
import { SESSION_FORMAT } from '../../shared/protocol'
import { applyPatch, inPlaceEdit, setOwn } from '../../shared/state'
import { encode } from '../recorder/encode'
import { newSessionDigest } from '../recorder/session-file'
import type { SliceChange } from '../recorder/snapshot'
import { verifySlice } from '../recorder/verify'

type Entry = HistoryEvent extends infer E ? (E extends { seq: number } ? Omit<E, 'seq'> : never) : never

/** The lines of one session file, in order. */
export class SessionWriter {
  readonly #lines: string[] = []
  readonly #digest = newSessionDigest()
  #seq = 0
  #started = false

  /** @param name the runtime's name in the header: what the window calls the session */
  constructor(name: string, createdAt: number) {
    const header: SessionHeader = {
      format: SESSION_FORMAT,
      // Version 1: a converted file holds no inputs and effects recorded by Patchscope, so it cannot be replayed.
      version: 1,
      runtime: { path: null, name },
      createdAt: new Date(createdAt).toISOString()
    }
    const line = JSON.stringify(header)
    this.#digest.addHeader(line)
    this.#lines.push(line)
  }

  /** The base every later entry applies to; given once, first. */
  initial(slices: Slices, timestamp: number): void {
    if (this.#started) throw new Error('a session file has one state.initial, before its other entries')
    this.#started = true
    this.#add({ type: 'state.initial', slices, timestamp }, 0)
  }

  update(slice: string, change: SliceChange, cause: Cause, timestamp: number): void {
    this.#add({ type: 'state.update', slice, ...change, cause, timestamp })
  }

  status(status: string, executionId: string, timestamp: number, turnId?: string, error?: string): void {
    this.#add({
      type: 'execution.status',
      status,
      executionId,
      ...(turnId === undefined ? {} : { turnId }),
      ...(error === undefined ? {} : { error }),
      timestamp
    })
  }

  custom(data: Json, timestamp: number): void {
    this.#add({ type: 'custom-event', data, timestamp })
  }

  /** Entries written after the `state.initial`. */
  get entries(): number {
    return this.#seq
  }

  /**
   * The lines, without newlines. `close`: end with the closing line (the count and digest of the
   * lines before it), for a foreign file read whole; leave it out for one that was cut short, which
   * then imports as cut short.
   */
  finish(close: boolean): string[] {
    if (!this.#started) throw new Error('a session file needs its state.initial')
    return close ? [...this.#lines, this.#digest.closingLine()] : [...this.#lines]
  }

  #add(entry: Entry, seq = ++this.#seq): void {
    if (!this.#started) throw new Error('the state.initial of a session file comes before its other entries')
    const { type, ...rest } = entry
    const line = JSON.stringify({ type, seq, ...rest })
    this.#digest.addEvent(line)
    this.#lines.push(line)
  }
}

/**
 * The encoded copy of each slice, as a reader of the file will hold it, and the changes that turn
 * it into the next raw state (values JSON cannot carry encoded as on the wire, arrays trimmed at
 * both ends: the recorder's verifier, `verifySlice`).
 */
export class SliceMirror {
  readonly #copy: Slices = {}
  readonly #edit = inPlaceEdit()

  /** The encoded slices as they are now (shared: a caller copies what it keeps). */
  get slices(): Slices {
    return this.#copy
  }

  /** Takes `state` as the base, encoded slice by slice, and gives it. */
  reset(state: Readonly<Record<string, unknown>>): Slices {
    for (const key of Object.keys(this.#copy)) delete this.#copy[key]
    for (const key of Object.keys(state)) setOwn(this.#copy, key, encode(state[key]))
    return { ...this.#copy }
  }

  /**
   * The changes, slice by slice, that turn the copy into `state`, applied to the copy. Only the
   * slices named in `only` are compared when it is given (a key missing from `state` is removed).
   */
  changes(state: Readonly<Record<string, unknown>>, only?: Iterable<string>): [string, SliceChange][] {
    const out: [string, SliceChange][] = []
    const keys = only === undefined ? new Set([...Object.keys(this.#copy), ...Object.keys(state)]) : new Set(only)
    for (const key of keys) {
      const change = this.#change(key, state)
      if (change !== undefined) out.push([key, change])
    }
    return out
  }

  #change(key: string, state: Readonly<Record<string, unknown>>): SliceChange | undefined {
    const had = Object.hasOwn(this.#copy, key)
    if (!Object.hasOwn(state, key)) {
      if (!had) return undefined
      delete this.#copy[key]
      return { removed: true }
    }
    if (!had) {
      const value = encode(state[key])
      setOwn(this.#copy, key, value)
      return { value: structuredClone(value) }
    }
    const change = verifySlice(this.#copy[key] as Json, state[key])
    if (change === undefined) return undefined
    if ('value' in change) setOwn(this.#copy, key, structuredClone(change.value))
    else if ('patches' in change) setOwn(this.#copy, key, applyPatch(this.#copy[key] as Json, structuredClone(change.patches), this.#edit))
    return change
  }
}
