/**
 * The recorder's own copy of what it recorded: the encoded state every recorded change was
 * applied to, in place (nothing else holds it). Verification compares the runtime's real state
 * with it, so it must never share an object with the runtime: it holds only what the encoder
 * made.
 */
import type { Json, Operation, Slices } from '../../shared/protocol'
import { parsePointer, toPointer } from '../../shared/pointer'
import { applyOperation, applyUpdate, inPlaceEdit, PatchError, setOwn, valueAt } from '../../shared/state'
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

  /**
   * Applies a change; its values are the copy's from now on. Patches that do not all apply leave
   * the slice as it was.
   * @returns false when the patches do not apply
   */
  apply(slice: string, change: SliceChange): boolean {
    if (!('patches' in change) || !Object.hasOwn(this.#slices, slice)) {
      this.#slices = applyUpdate(this.#slices, slice, change, this.#edit)
      return true
    }
    let doc = this.#slices[slice] as Json
    const ops = change.patches
    const undo: Operation[] = []
    try {
      for (let i = 0; i < ops.length; i++) {
        const op = ops[i] as Operation
        // An operation that fails changes nothing, so only those that applied are undone (and the
        // last one needs no undoing).
        const inverse = i < ops.length - 1 ? inverseOf(doc, op) : undefined
        doc = applyOperation(doc, op, this.#edit)
        if (inverse !== undefined) undo.push(inverse)
      }
    } catch (e) {
      if (!(e instanceof PatchError)) throw e
      for (let i = undo.length - 1; i >= 0; i--) doc = applyOperation(doc, undo[i] as Operation, this.#edit)
      setOwn(this.#slices, slice, doc)
      return false
    }
    setOwn(this.#slices, slice, doc)
    return true
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

/**
 * The operation that undoes `op` on `doc` (the recorder writes `add`, `remove` and `replace` only).
 * @throws {PatchError} when `op` cannot apply to `doc`
 */
function inverseOf(doc: Json, op: Operation): Operation {
  const tokens = parsePointer(op.path)
  if (tokens.length === 0) throw new PatchError(`${op.op} at the root is not undone here`)
  const old = valueAt(doc, tokens)
  if (op.op === 'replace') {
    if (old === undefined) throw new PatchError(`replace ${op.path}: nothing is there`)
    return { op: 'replace', path: op.path, value: old }
  }
  if (op.op === 'remove') {
    if (old === undefined) throw new PatchError(`remove ${op.path}: nothing is there`)
    return { op: 'add', path: op.path, value: old }
  }
  if (op.op === 'add') {
    const parent = valueAt(doc, tokens.slice(0, -1))
    const last = tokens[tokens.length - 1] as string
    if (Array.isArray(parent))
      return { op: 'remove', path: last === '-' ? toPointer([...tokens.slice(0, -1), String(parent.length)]) : op.path }
    return old === undefined ? { op: 'remove', path: op.path } : { op: 'replace', path: op.path, value: old }
  }
  throw new PatchError(`${op.op} is not undone here`)
}
