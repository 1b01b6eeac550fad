/**
 * Verification: the full comparison of a slice's real value, as the runtime holds it now, with
 * the recorder's own copy of what it recorded (encoded JSON). It finds what trusting references
 * missed: a value changed in place, under a reference the differ took as unchanged.
 *
 * It walks the value as `encode` would and allocates nothing while they agree; where they differ
 * it gives RFC 6902 operations that turn the copy into the value's encoding (index by index for
 * arrays, then additions at or removals from the end, as the differ does).
 */
import { escapeToken } from '../../shared/pointer'
import type { Json, JsonObject, Operation } from '../../shared/protocol'
import { deepEqual } from '../../shared/state'
import { encode, isAtomic, MAX_DEPTH, needsWrap, read, truncated, viaToJSON, type Ancestors } from './encode'
import type { SliceChange } from './snapshot'

/**
 * What turns `copy` (the recorded slice) into the encoding of `value`, or undefined when they
 * already agree.
 * @example
 * const todo = { done: false }
 * const copy = encode({ todos: [todo] })
 * todo.done = true
 * verifySlice(copy, { todos: [todo] }) // { patches: [{ op: 'replace', path: '/todos/0/done', value: true }] }
 */
export function verifySlice(copy: Json, value: unknown): SliceChange | undefined {
  const walk = new Walk()
  walk.visit(copy, value, '')
  if (walk.root !== undefined) return { value: walk.root }
  return walk.ops.length > 0 ? { patches: walk.ops } : undefined
}

class Walk {
  readonly ops: Operation[] = []
  /** Set when the slice's whole value differs in kind (sent as `value`, not as patches). */
  root: Json | undefined
  readonly ancestors: Ancestors = new Map()

  replace(pointer: string, value: Json): void {
    if (pointer === '') this.root = value
    else this.ops.push({ op: 'replace', path: pointer, value })
  }

  /** Compares an encoded value with the copy as a whole. */
  whole(copy: Json, encoded: Json, pointer: string): void {
    if (!deepEqual(copy, encoded)) this.replace(pointer, encoded)
  }

  visit(copy: Json, value: unknown, pointer: string): void {
    if (typeof value !== 'object' || value === null) {
      // Strings, booleans, finite numbers and null are their own encoding (-0 is 0 on the wire, and here).
      if (
        typeof value === 'string' ||
        typeof value === 'boolean' ||
        value === null ||
        (typeof value === 'number' && Number.isFinite(value))
      ) {
        if (copy !== value) this.replace(pointer, value)
        return
      }
      this.whole(copy, encode(value), pointer)
      return
    }
    const cycle = this.ancestors.get(value)
    if (cycle !== undefined) return this.whole(copy, { $ref: cycle }, pointer)
    if (this.ancestors.size >= MAX_DEPTH) return this.whole(copy, truncated(), pointer)
    if (isAtomic(value)) return this.whole(copy, encode(value, pointer, this.ancestors), pointer)
    if (Array.isArray(value)) {
      if (!Array.isArray(copy)) return this.replace(pointer, encode(value, pointer, this.ancestors))
      this.ancestors.set(value, pointer)
      try {
        this.visitArray(copy, value, pointer)
      } finally {
        this.ancestors.delete(value)
      }
      return
    }
    this.ancestors.set(value, pointer)
    try {
      const via = viaToJSON(value)
      if (via !== undefined) return this.visit(copy, via.value, pointer)
      const keys = Object.keys(value)
      if (needsWrap(keys) || copy === null || typeof copy !== 'object' || Array.isArray(copy)) {
        // encode() would take the object, still among the ancestors, for a cycle to itself.
        this.ancestors.delete(value)
        return this.whole(copy, encode(value, pointer, this.ancestors), pointer)
      }
      this.visitObject(copy, value, keys, pointer)
    } finally {
      this.ancestors.delete(value)
    }
  }

  private visitArray(copy: Json[], value: unknown[], pointer: string): void {
    const n = value.length
    const m = copy.length
    const common = n < m ? n : m
    for (let i = 0; i < common; i++) {
      const x = read(value, i)
      const c = copy[i] as Json
      // The common case, a primitive or a string that did not change, costs a comparison.
      if (x === c && typeof x !== 'object') continue
      this.visit(c, x, pointer + '/' + i)
    }
    for (let i = m - 1; i >= n; i--) this.ops.push({ op: 'remove', path: pointer + '/' + i })
    for (let i = m; i < n; i++) {
      const at = pointer + '/' + i
      this.ops.push({ op: 'add', path: at, value: encode(read(value, i), at, this.ancestors) })
    }
  }

  private visitObject(copy: JsonObject, value: object, keys: readonly string[], pointer: string): void {
    let matched = 0
    for (const key of keys) {
      const x = read(value, key)
      if (!Object.hasOwn(copy, key)) {
        const at = pointer + '/' + escapeToken(key)
        this.ops.push({ op: 'add', path: at, value: encode(x, at, this.ancestors) })
        continue
      }
      matched++
      const c = copy[key] as Json
      if (x === c && typeof x !== 'object') continue
      this.visit(c, x, pointer + '/' + escapeToken(key))
    }
    if (matched === Object.keys(copy).length) return
    const present = new Set(keys)
    for (const key of Object.keys(copy)) if (!present.has(key)) this.ops.push({ op: 'remove', path: pointer + '/' + escapeToken(key) })
  }
}
