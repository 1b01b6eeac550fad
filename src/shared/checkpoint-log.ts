/**
 * The states a history keeps so that the state at any entry is a short replay: checkpoints (the
 * state right after some entries), the head (the newest state computed) and a cursor (the last
 * state computed away from the head, so that stepping through old entries costs one entry a step).
 * The host's history (entries by seq) and the window's model (by index) both sit on it: each
 * applies its own entries (`EntrySource`), the log decides where a replay starts and what it keeps.
 * States are persistent (see `state.ts`): nothing handed out is ever changed.
 */
import type { Slices } from './protocol'
import { newEdit, type ChunkOptions, type Owned } from './state'

/** What the owner of a log does for it. */
export interface EntrySource {
  /** Applies entry `at` to `state` (changing in place only what `owned` holds) and returns the result. */
  applyEntry(state: Slices, at: number, owned: Owned): Slices
}

export interface CheckpointLogOptions {
  entries: EntrySource
  /** The state right after entry `baseAt`: the first checkpoint. @default {} */
  base?: Slices
  /** @default 0 */
  baseAt?: number
  /** How the edits of replays store long arrays (see `newEdit`). @default false */
  chunkArrays?: boolean | ChunkOptions
}

/** A state the log knows, and the entry it is the state right after. */
interface Known {
  readonly at: number
  readonly state: Slices
}

/**
 * The known states of one owner's entries; it reads no entry itself, asking the owner to apply them.
 * @example
 * const raw: string[] = []
 * const log = new CheckpointLog({
 *   entries: { applyEntry: (state, at, owned) => applyEvent(state, JSON.parse(raw[at]), owned) },
 *   baseAt: -1
 * })
 * for (const line of lines) {
 *   raw.push(line)
 *   log.append()
 *   if (log.last % 512 === 0) log.checkpoint(log.last)
 * }
 * log.stateAt(700) // the checkpoint at 512, then entries 513..700
 */
export class CheckpointLog {
  readonly #entries: EntrySource
  readonly #chunkArrays: boolean | ChunkOptions
  /** In order of `at`; the first is the base. */
  #checkpoints: Known[]
  #last: number
  /** The newest state computed; `edit`, while it is set, may change it in place (see `advance`). */
  #head: { at: number; state: Slices; edit: Owned | undefined }
  #cursor: Known | undefined

  constructor({ entries, base = {}, baseAt = 0, chunkArrays = false }: CheckpointLogOptions) {
    this.#entries = entries
    this.#chunkArrays = chunkArrays
    this.#checkpoints = [{ at: baseAt, state: base }]
    this.#last = baseAt
    this.#head = { at: baseAt, state: base, edit: undefined }
  }

  /** The entry the base is the state right after (the entries start at the next one). */
  get baseAt(): number {
    return (this.#checkpoints[0] as Known).at
  }

  /** The state right after `baseAt`. */
  get base(): Slices {
    return (this.#checkpoints[0] as Known).state
  }

  /** The newest entry (`baseAt` when there is none). */
  get last(): number {
    return this.#last
  }

  /** Counts an entry the owner recorded without applying it: replays will apply it when asked. */
  append(): number {
    return ++this.#last
  }

  /**
   * Counts the next entry and applies it to the head with `apply`, in place where the head is the
   * log's own (nothing holds it since it was last handed out): a history that is read less often
   * than it grows copies little. An entry that throws is not counted, and the head stays as it was.
   */
  advance(apply: (state: Slices, owned: Owned) => Slices): number {
    if (this.#head.at !== this.#last) this.#rebuildHead(true)
    const inPlace = this.#head.edit !== undefined
    const owned = this.#head.edit ?? this.#newEdit()
    let state: Slices
    try {
      state = apply(this.#head.state, owned)
    } catch (e) {
      // Changed in place, the head may hold part of the entry: it is computed again without it.
      if (inPlace) this.#rebuildHead(false)
      throw e
    }
    const head = this.#head
    head.state = state
    head.edit = owned
    return (head.at = ++this.#last)
  }

  /** Keeps the state right after entry `at` (after every other checkpoint) as a checkpoint. */
  checkpoint(at: number): void {
    const newest = this.#checkpoints[this.#checkpoints.length - 1] as Known
    if (at <= newest.at) throw new RangeError(`a checkpoint at ${at} must come after the newest one, at ${newest.at}`)
    this.#checkpoints.push({ at, state: this.stateAt(at) })
  }

  /**
   * Takes `state` as the state right after the newest entry, from an owner that built it: replays
   * then start from it. The owner must never change `state` afterwards.
   */
  offerHead(state: Slices): void {
    this.#head = { at: this.#last, state, edit: undefined }
  }

  /**
   * The state right after entry `at`, replayed from the latest known state at or before it. The
   * result is shared with the log and must not be changed.
   * @throws {RangeError} when `at` is not between `baseAt` and `last`
   */
  stateAt(at: number): Slices {
    if (!Number.isSafeInteger(at) || at < this.baseAt || at > this.#last) {
      throw new RangeError(`no state at ${at}: the log holds ${this.baseAt}..${this.#last}`)
    }
    if (at === this.#head.at) {
      // Handed out, the head must no longer change in place: the next `advance` copies what it changes.
      this.#head.edit = undefined
      return this.#head.state
    }
    const from = this.#nearest(at, true)
    if (from.at === at) return from.state
    const state = this.#replay(from, at, this.#newEdit())
    // A replay from the head moves it forward; any other away from the newest entry is the cursor.
    if (at === this.#last || from === this.#head) this.#head = { at, state, edit: undefined }
    else this.#cursor = { at, state }
    return state
  }

  /** Forgets every state before `at`, where a checkpoint must be: it becomes the base. */
  dropBefore(at: number): void {
    const k = this.#checkpoints.findIndex((c) => c.at === at)
    if (k < 0) throw new RangeError(`no checkpoint at ${at} to keep as the base`)
    this.#checkpoints.splice(0, k)
    if (this.#cursor !== undefined && this.#cursor.at < at) this.#cursor = undefined
    if (this.#head.at < at) this.#head = { at, state: this.base, edit: undefined }
  }

  /** Forgets every state and starts again from `base`, the state right after entry `baseAt`. */
  restart(base: Slices, baseAt: number): void {
    this.#checkpoints = [{ at: baseAt, state: base }]
    this.#last = baseAt
    this.#head = { at: baseAt, state: base, edit: undefined }
    this.#cursor = undefined
  }

  /** Takes over the states `other` keeps (its owner's entries changed hands too); `other` must not be used afterwards. */
  adopt(other: CheckpointLog): void {
    this.#checkpoints = other.#checkpoints
    this.#last = other.#last
    this.#head = other.#head
    this.#cursor = other.#cursor
  }

  #newEdit(): Owned {
    return newEdit({ chunkArrays: this.#chunkArrays })
  }

  /** The latest known state at or before `at`: a checkpoint, the cursor, or the head if `withHead`. */
  #nearest(at: number, withHead: boolean): Known {
    const cps = this.#checkpoints
    let lo = 0
    let hi = cps.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if ((cps[mid] as Known).at <= at) lo = mid
      else hi = mid - 1
    }
    let from = cps[lo] as Known
    if (withHead && this.#head.at <= at && this.#head.at > from.at) from = this.#head
    const c = this.#cursor
    return c !== undefined && c.at <= at && c.at > from.at ? c : from
  }

  #replay(from: Known, to: number, owned: Owned): Slices {
    let state = from.state
    for (let i = from.at + 1; i <= to; i++) state = this.#entries.applyEntry(state, i, owned)
    return state
  }

  /**
   * Computes the head at `last` again into a state the log owns, from the latest known state
   * before it: the head's own if `fromHead` (it is behind), else a checkpoint's or the cursor's
   * (the head may be half-changed).
   */
  #rebuildHead(fromHead: boolean): void {
    const owned = this.#newEdit()
    this.#head = { at: this.#last, state: this.#replay(this.#nearest(this.#last, fromHead), this.#last, owned), edit: owned }
  }
}
