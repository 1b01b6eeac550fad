/**
 * The recorder's own copy of what it recorded: the encoded state every recorded change was
 * applied to, in place (nothing else holds it). Verification compares the runtime's real state
 * with it, so it must never share an object with the runtime: it holds only what the encoder
 * made.
 */
import type { Json, Slices } from '../../shared/protocol'
import { applyUpdate, inPlaceEdit } from '../../shared/state'
import type { SliceChange } from './snapshot'

export class RecordedCopy {
  #slices: Slices = {}
  readonly #edit = inPlaceEdit()

  /** Takes `slices` (encoded, and owned by the copy from now on) as what is recorded. */
  reset(slices: Slices): void {
    this.#slices = slices
  }

  /** True when the copy holds `slice`. */
  has(slice: string): boolean {
    return Object.hasOwn(this.#slices, slice)
  }

  /** The recorded value of a slice (owned by the copy: read it, never keep or change it). */
  get(slice: string): Json | undefined {
    return Object.hasOwn(this.#slices, slice) ? this.#slices[slice] : undefined
  }

  /** Applies a recorded change; its values are the copy's from now on. */
  apply(slice: string, change: SliceChange): void {
    this.#slices = applyUpdate(this.#slices, slice, change, this.#edit)
  }

  /** Stops keeping a slice (one compared in full needs no copy). */
  forget(slice: string): void {
    delete this.#slices[slice]
  }

  /** Keeps `value` (encoded, owned by the copy from now on) as a slice's recorded value. */
  set(slice: string, value: Json): void {
    this.#slices = applyUpdate(this.#slices, slice, { value }, this.#edit)
  }
}
