/**
 * The hits of one watch. The newest `limit` are listed with their values; older ones are only
 * counted (by entry, so that the count follows the history when it drops its oldest entries).
 *
 * A watch is evaluated in two runs that meet at the entry it was added after: the scan of the
 * retained history (older entries, in order) and the live entries (newer ones, in order). Each run
 * has a store of its own, both in seq order; the listed hits are the newest of both together.
 */
import type { Json } from '../../shared/protocol'

/** One hit, as kept: its values are those of the history's states (shared, never changed). */
export interface StoredHit {
  seq: number
  path: string
  before: Json | undefined
  after: Json | undefined
}

/** Hits in seq order: the newest listed, the older ones counted by entry. */
class HitStore {
  #listed: StoredHit[] = []
  #head = 0
  /** Counted hits: pairs of (seq, how many), in seq order. */
  #runs: number[] = []
  #runHead = 0
  #unlisted = 0

  get listed(): number {
    return this.#listed.length - this.#head
  }

  get unlisted(): number {
    return this.#unlisted
  }

  /** The listed hits, oldest first. */
  *each(): Generator<StoredHit> {
    for (let i = this.#head; i < this.#listed.length; i++) yield this.#listed[i] as StoredHit
  }

  /** The listed hit `i` from the newest (0). */
  fromNewest(i: number): StoredHit | undefined {
    return this.#listed[this.#listed.length - 1 - i]
  }

  push(hit: StoredHit): void {
    this.#listed.push(hit)
  }

  /** Moves the oldest listed hit to the counted ones. */
  unlistOldest(): void {
    const hit = this.#listed[this.#head++] as StoredHit
    this.count(hit.seq)
    if (this.#head > 1024 && this.#head * 2 > this.#listed.length) {
      this.#listed = this.#listed.slice(this.#head)
      this.#head = 0
    }
  }

  /** Counts a hit at `seq` without listing it (it must be at or after every counted one). */
  count(seq: number): void {
    const last = this.#runs.length - 2
    if (last >= this.#runHead && this.#runs[last] === seq) this.#runs[last + 1] = (this.#runs[last + 1] as number) + 1
    else this.#runs.push(seq, 1)
    this.#unlisted++
  }

  /** Forgets every hit at or before `seq` (entries the history dropped). */
  dropThrough(seq: number): void {
    while (this.#runHead < this.#runs.length && (this.#runs[this.#runHead] as number) <= seq) {
      this.#unlisted -= this.#runs[this.#runHead + 1] as number
      this.#runHead += 2
    }
    if (this.#runHead > 2048 && this.#runHead * 2 > this.#runs.length) {
      this.#runs = this.#runs.slice(this.#runHead)
      this.#runHead = 0
    }
    while (this.#head < this.#listed.length && (this.#listed[this.#head] as StoredHit).seq <= seq) this.#head++
  }
}

/** The hits of one watch: the scan's (older) and the live ones (newer), at most `limit` listed together. */
export class HitLog {
  readonly #older = new HitStore()
  readonly #newer = new HitStore()

  constructor(private readonly limit: number) {}

  /** Hits in the retained history. */
  get total(): number {
    return this.#older.listed + this.#older.unlisted + this.#newer.listed + this.#newer.unlisted
  }

  /** Hits counted but no longer listed. */
  get unlisted(): number {
    return this.#older.unlisted + this.#newer.unlisted
  }

  /** A hit of a live entry (after every hit so far). */
  addLive(hit: StoredHit): void {
    this.#newer.push(hit)
    if (this.#older.listed + this.#newer.listed <= this.limit) return
    if (this.#older.listed > 0) this.#older.unlistOldest()
    else this.#newer.unlistOldest()
  }

  /** A hit found by the scan (after every scanned hit so far, before every live one). */
  addScanned(hit: StoredHit): void {
    if (this.#newer.listed >= this.limit) return this.#older.count(hit.seq)
    this.#older.push(hit)
    if (this.#older.listed + this.#newer.listed > this.limit) this.#older.unlistOldest()
  }

  /** Forgets the hits of entries at or before `seq`. */
  dropThrough(seq: number): void {
    this.#older.dropThrough(seq)
    this.#newer.dropThrough(seq)
  }

  /**
   * Listed hits of entries before `before` (all when undefined), newest first: at least `limit`
   * when there are as many, and never part of an entry's hits (a page ends with an entry's last).
   */
  page(before: number | undefined, limit: number): StoredHit[] {
    const out: StoredHit[] = []
    for (const store of [this.#newer, this.#older]) {
      for (let i = 0; i < store.listed; i++) {
        const hit = store.fromNewest(i) as StoredHit
        if (before !== undefined && hit.seq >= before) continue
        if (out.length >= limit && (out[out.length - 1] as StoredHit).seq !== hit.seq) return out
        out.push(hit)
      }
    }
    return out
  }

  /** Every listed hit, oldest first. */
  *each(): Generator<StoredHit> {
    yield* this.#older.each()
    yield* this.#newer.each()
  }
}
