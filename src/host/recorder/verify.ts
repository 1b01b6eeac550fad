/**
 * Verification: the full comparison of a slice's real value, as the runtime holds it now, with
 * the recorder's own copy of what it recorded (encoded JSON). It finds what trusting references
 * missed: a value changed in place, under a reference the differ took as unchanged.
 *
 * It walks the value as `encode` would and allocates little while they agree; where they differ
 * it gives RFC 6902 operations that turn the copy into the value's encoding. Arrays are compared
 * as the differ compares them: index by index while the length is the same, else leaving alone
 * the elements they still begin and end with, so one element removed or inserted is one `remove`
 * or `add` at its index.
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
  walk.visit(copy, value)
  if (walk.root !== undefined) return { value: walk.root }
  return walk.ops.length > 0 ? { patches: walk.ops } : undefined
}

/**
 * Thrown by a comparison that only asks whether a value agrees with its copy (`Walk.agrees`), at the
 * first operation it would make. Not an Error: throwing it captures no stack.
 */
const DIFFERS: unique symbol = Symbol('differs')

/**
 * One comparison. Positions are kept as a stack of tokens (and the objects above the position as
 * a stack, for cycles), and a pointer is only made for what differs: walking 50,000 unchanged
 * messages makes no string and touches no map.
 */
class Walk {
  readonly ops: Operation[] = []
  /** Set when the slice's whole value differs in kind (sent as `value`, not as patches). */
  root: Json | undefined
  /** The tokens from the slice to the position being compared. */
  readonly tokens: string[] = []
  /** The objects above the position, outermost first, and how many tokens lead to each. */
  readonly objects: object[] = []
  readonly depths: number[] = []
  /** Set while a comparison only asks whether a value agrees with its copy: the first operation throws `DIFFERS`. */
  private dry = false

  pointer(depth = this.tokens.length): string {
    let out = ''
    for (let i = 0; i < depth; i++) out += '/' + escapeToken(this.tokens[i] as string)
    return out
  }

  /** The encoding of a value at the position, as `encode` gives it there. */
  encoded(value: unknown): Json {
    const ancestors: Ancestors = new Map()
    for (let i = 0; i < this.objects.length; i++) ancestors.set(this.objects[i] as object, this.pointer(this.depths[i]))
    return encode(value, this.pointer(), ancestors)
  }

  /** Called before an operation is made (and its value encoded): a dry comparison stops there. */
  private record(): void {
    if (this.dry) throw DIFFERS
  }

  replace(value: Json): void {
    this.record()
    if (this.tokens.length === 0) this.root = value
    else this.ops.push({ op: 'replace', path: this.pointer(), value })
  }

  /** Compares an encoded value with the copy as a whole. */
  whole(copy: Json, encoded: Json): void {
    if (!deepEqual(copy, encoded)) this.replace(encoded)
  }

  /** Compares the value at the position with its copy. */
  visit(copy: Json, value: unknown): void {
    if (typeof value !== 'object' || value === null) {
      // Strings, booleans, finite numbers and null are their own encoding (-0 is 0 on the wire, and here).
      if (
        typeof value === 'string' ||
        typeof value === 'boolean' ||
        value === null ||
        (typeof value === 'number' && Number.isFinite(value))
      ) {
        if (copy !== value) this.replace(value)
        return
      }
      this.whole(copy, encode(value))
      return
    }
    const cycle = this.objects.indexOf(value)
    if (cycle !== -1) return this.whole(copy, { $ref: this.pointer(this.depths[cycle]) })
    if (this.objects.length >= MAX_DEPTH) return this.whole(copy, truncated())
    if (isAtomic(value)) return this.whole(copy, this.encoded(value))
    if (Array.isArray(value)) {
      if (!Array.isArray(copy)) {
        this.record()
        return this.replace(this.encoded(value))
      }
      this.enter(value)
      try {
        this.visitArray(copy, value)
      } finally {
        this.leave()
      }
      return
    }
    this.enter(value)
    try {
      const via = viaToJSON(value)
      if (via !== undefined) return this.visit(copy, via.value)
      const keys = Object.keys(value)
      if (needsWrap(keys) || copy === null || typeof copy !== 'object' || Array.isArray(copy)) {
        // encode() would take the object, still among those above, for a cycle to itself.
        this.leave()
        try {
          this.whole(copy, this.encoded(value))
        } finally {
          this.enter(value)
        }
        return
      }
      this.visitObject(copy, value, keys)
    } finally {
      this.leave()
    }
  }

  private enter(value: object): void {
    this.objects.push(value)
    this.depths.push(this.tokens.length)
  }

  private leave(): void {
    this.objects.pop()
    this.depths.pop()
  }

  /** Compares a child: its token is pushed while it is compared. */
  private child(copy: Json, value: unknown, token: string): void {
    this.tokens.push(token)
    try {
      this.visit(copy, value)
    } finally {
      this.tokens.pop()
    }
  }

  /**
   * Whether the child at `token` agrees with its copy, making no operation (what was compared is
   * left as it was: the comparison changes nothing).
   */
  private agrees(copy: Json, value: unknown, token: string): boolean {
    const dry = this.dry
    this.dry = true
    try {
      this.child(copy, value, token)
      return true
    } catch (e) {
      if (e === DIFFERS) return false
      throw e
    } finally {
      this.dry = dry
    }
  }

  /** Adds a child the copy does not have. */
  private add(value: unknown, token: string): void {
    this.record()
    this.tokens.push(token)
    try {
      this.ops.push({ op: 'add', path: this.pointer(), value: this.encoded(value) })
    } finally {
      this.tokens.pop()
    }
  }

  /**
   * Index by index while the length is the same. Otherwise the elements both still begin with,
   * then those both still end with (compared where they are now), agree and are left alone;
   * between them, index by index, then the extra elements removed (the last first) or added.
   */
  private visitArray(copy: Json[], value: unknown[]): void {
    const n = value.length
    const m = copy.length
    if (n !== m) this.record()
    const common = n < m ? n : m
    let p = 0
    let s = 0
    if (n !== m) {
      for (; p < common; p++) {
        const x = read(value, p)
        const c = copy[p] as Json
        if (x === c && typeof x !== 'object') continue
        if (!this.agrees(c, x, String(p))) break
      }
      while (s < common - p) {
        const x = read(value, n - 1 - s)
        const c = copy[m - 1 - s] as Json
        if (!(x === c && typeof x !== 'object') && !this.agrees(c, x, String(n - 1 - s))) break
        s++
      }
    }
    const end = common - s
    for (let i = p; i < end; i++) {
      const x = read(value, i)
      const c = copy[i] as Json
      // The common case, a primitive or a string that did not change, costs a comparison.
      if (x === c && typeof x !== 'object') continue
      this.child(c, x, String(i))
    }
    if (m > n) {
      const at = this.pointer()
      for (let i = m - s - 1; i >= end; i--) this.ops.push({ op: 'remove', path: at + '/' + i })
    }
    for (let i = end; i < n - s; i++) this.add(read(value, i), String(i))
  }

  private visitObject(copy: JsonObject, value: object, keys: readonly string[]): void {
    let matched = 0
    for (const key of keys) {
      const x = read(value, key)
      if (!Object.hasOwn(copy, key)) {
        this.add(x, key)
        continue
      }
      matched++
      const c = copy[key] as Json
      if (x === c && typeof x !== 'object') continue
      this.child(c, x, key)
    }
    if (matched === Object.keys(copy).length) return
    this.record()
    const present = new Set(keys)
    const at = this.pointer()
    for (const key of Object.keys(copy)) if (!present.has(key)) this.ops.push({ op: 'remove', path: at + '/' + escapeToken(key) })
  }
}
