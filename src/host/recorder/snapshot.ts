/**
 * The recorder's own copy of each slice, and the diff of a slice's new value against it.
 *
 * The snapshot keeps, for every position of the state, what was there last time (a "kid"):
 * - a primitive, compared by value;
 * - a *sealed* object: one the slice's compare policy takes as unchanged while its reference is,
 *   so the object itself is the snapshot, and the same reference at the same position means no
 *   change (an array of 50,000 unchanged elements costs one reference comparison each);
 * - a `Node` for anything else (objects and arrays keep their own copy of their children; dates,
 *   maps and other tagged values keep their encoded JSON; an object with `toJSON` keeps the kid of
 *   its result, which is diffed like any other value), compared in full every time.
 *
 * Which objects are sealed is the slice's `ComparePolicy` (see `policies.ts`): `TRUST` seals every
 * object as it is seen (the default, verified afterwards against the recorder's copy, and what a
 * runtime declaring `immutable: true` asks for); `FULL` seals only deeply frozen objects of data
 * properties (Immer, Redux Toolkit), and compares everything else in full.
 *
 * Patches are RFC 6902, relative to the slice, with the same effect as fast-json-patch's `compare`
 * on the encoded values. An array that keeps its length is compared index by index. One that
 * grows or shrinks is compared as people change arrays: the elements it still begins and ends
 * with are left alone, and what lies between is compared index by index, then elements are added
 * or removed there, so removing one element is one `remove` at its index and inserting one is one
 * `add`, not a `replace` of every later element (see `diffArray`).
 */
import { escapeToken } from '../../shared/pointer'
import type { Json, Operation } from '../../shared/protocol'
import { encode, isAtomic, needsWrap, read, viaToJSON, type Ancestors, MAX_DEPTH, truncated } from './encode'
import { fullPolicy, trustPolicy, type ComparePolicy } from './policies'

/** How a slice changed: patches, a whole new value, or its removal. */
export type SliceChange = { patches: Operation[] } | { value: Json } | { removed: true }

abstract class Node {
  constructor(public raw: object) {}
}

class ArrayNode extends Node {
  constructor(
    raw: unknown[],
    public kids: Kid[]
  ) {
    super(raw)
  }
}

class ObjectNode extends Node {
  constructor(
    raw: object,
    public kids: Map<string, Kid>
  ) {
    super(raw)
  }
}

/** A value encoded whole (a date, a map, a cycle…), compared by its encoded JSON. */
class AtomNode extends Node {
  constructor(
    raw: object,
    public json: string
  ) {
    super(raw)
  }
}

/**
 * An object with `toJSON` (a class instance of many libraries): what its result was last time.
 * Never sealed, since such an object may give another result the next time even when frozen.
 */
class ViaNode extends Node {
  constructor(
    raw: object,
    public inner: Kid
  ) {
    super(raw)
  }
}

/** What a position held last time: a primitive, a sealed object, or a Node. */
type Kid = unknown

const ABSENT: unique symbol = Symbol('absent')
/**
 * Thrown by a visit that only asks whether a value is unchanged (`Diff.unchanged`), at the first
 * operation it would record. Not an Error: throwing it captures no stack.
 */
const DIFFERS: unique symbol = Symbol('differs')
/** Entries up to which an object of primitives is walked again rather than remembered (see `remember`). */
const SMALL_LEAF = 16
const TRUNCATED_JSON = JSON.stringify(truncated())

/** Primitive equality as the encoding sees it (NaN equals NaN; symbols and functions by their encoding). */
function primEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  const ta = typeof a
  if (ta !== typeof b) return false
  if (ta === 'number') return Number.isNaN(a) && Number.isNaN(b)
  if (ta === 'symbol') return (a as symbol).description === (b as symbol).description
  if (ta === 'function') return (a as { name: string }).name === (b as { name: string }).name
  return false
}

function isObject(v: unknown): v is object {
  return typeof v === 'object' && v !== null
}

/** Every kid but a Node is immutable. */
function isSealedKid(kid: Kid): boolean {
  return !(kid instanceof Node)
}

/** A copy of the runtime's own array (a sealed kid); an index getter that throws is read as its error. */
function copyOf(array: readonly unknown[]): Kid[] {
  try {
    return array.slice()
  } catch {
    // An index getter threw: each element through the guarded read.
    const out = new Array<Kid>(array.length)
    for (let i = 0; i < array.length; i++) out[i] = read(array, i)
    return out
  }
}

function hasObjectElement(array: readonly unknown[]): boolean {
  for (let i = 0; i < array.length; i++) if (isObject(read(array, i))) return true
  return false
}

class Diff {
  readonly ops: Operation[] = []
  /** Set when the slice's root itself was replaced (sent as `value`, not as patches). */
  rootValue: Json | typeof ABSENT = ABSENT

  readonly sealed: WeakSet<object>
  /** Set while a visit only asks whether a value is unchanged: the first operation throws `DIFFERS`. */
  private dry = false

  constructor(
    /** Which objects are taken as unchanged while their reference is. */
    readonly policy: ComparePolicy,
    /** Empty between diffs (each level removes itself), so one map serves every diff of a snapshot. */
    readonly ancestors: Ancestors
  ) {
    this.sealed = policy.sealed
  }

  replace(pointer: string, value: Json, existed: boolean): void {
    this.record()
    if (pointer === '') this.rootValue = value
    else this.ops.push({ op: existed ? 'replace' : 'add', path: pointer, value })
  }

  /** Called before an operation is made (and its value encoded): a dry visit stops there. */
  private record(): void {
    if (this.dry) throw DIFFERS
  }

  /**
   * What `visit` gives for `next` at `pointer` when it encodes as `prev` did, recording nothing;
   * ABSENT when it does not. What it walked of `prev` that was unchanged may be updated (as
   * `visit` does), never what changed, so `prev` still stands for the value it stood for.
   */
  private unchanged(prev: Kid, next: unknown, pointer: string): Kid | typeof ABSENT {
    const dry = this.dry
    this.dry = true
    try {
      return this.visit(prev, next, pointer)
    } catch (e) {
      if (e === DIFFERS) return ABSENT
      throw e
    } finally {
      this.dry = dry
    }
  }

  /** The kid for a value not seen at this position before. */
  kidOf(value: unknown, pointer: string): Kid {
    if (!isObject(value)) return value
    if (this.sealed.has(value)) return value
    const cycle = this.ancestors.get(value)
    if (cycle !== undefined) return new AtomNode(value, JSON.stringify({ $ref: cycle }))
    if (this.ancestors.size >= MAX_DEPTH) return new AtomNode(value, TRUNCATED_JSON)
    if (isAtomic(value)) {
      const json = JSON.stringify(encode(value, pointer, this.ancestors))
      // A trusted date or map is not changed in place either; its cycles stay positional.
      if (this.policy.keepsWholeValues && !json.includes('"$ref"')) {
        this.sealed.add(value)
        return value
      }
      return new AtomNode(value, json)
    }
    this.ancestors.set(value, pointer)
    try {
      const via = viaToJSON(value)
      if (via !== undefined) return new ViaNode(value, this.kidOf(via.value, pointer))
      if (Array.isArray(value)) {
        const kids: Kid[] = new Array<Kid>(value.length)
        let sealed = this.policy.mayFreeze(value)
        let inner = false
        for (let i = 0; i < value.length; i++) {
          const kid = this.kidOf(read(value, i), pointer + '/' + i)
          kids[i] = kid
          if (isObject(kid)) inner = true
          if (sealed && !isSealedKid(kid)) sealed = false
        }
        if (!sealed) return new ArrayNode(value, kids)
        this.remember(value, kids.length, inner)
        return value
      }
      const keys = Object.keys(value)
      if (needsWrap(keys)) {
        // encode() would take the object, still among the ancestors, for a cycle to itself.
        this.ancestors.delete(value)
        return new AtomNode(value, JSON.stringify(encode(value, pointer, this.ancestors)))
      }
      const kids = new Map<string, Kid>()
      let sealed = this.policy.mayFreeze(value)
      let inner = false
      for (const key of keys) {
        const kid = this.kidOf(read(value, key), pointer + '/' + escapeToken(key))
        kids.set(key, kid)
        if (isObject(kid)) inner = true
        if (sealed && !isSealedKid(kid)) sealed = false
      }
      if (!sealed || !this.policy.sealsObject(value, keys)) return new ObjectNode(value, kids)
      this.remember(value, keys.length, inner)
      return value
    } finally {
      this.ancestors.delete(value)
    }
  }

  /**
   * Remembers a sealed object, so that meeting it at another position costs no walk. A small object
   * of primitives is not worth it: a WeakSet entry costs more (~300 ns) than walking it again.
   */
  private remember(value: object, size: number, inner: boolean): void {
    if (inner || size > SMALL_LEAF) this.sealed.add(value)
  }

  /** Compares what a position held (`prev`) with what it holds now, recording operations; returns the new kid. */
  visit(prev: Kid, next: unknown, pointer: string): Kid {
    if (prev === next) return prev
    if (isObject(next) && this.ancestors.size >= MAX_DEPTH && !this.ancestors.has(next)) {
      if (prev instanceof AtomNode && prev.json === TRUNCATED_JSON) return prev
      this.replace(pointer, truncated(), true)
      return new AtomNode(next, TRUNCATED_JSON)
    }
    const cycle = isObject(next) ? this.ancestors.get(next) : undefined
    const atomic = isObject(next) && cycle === undefined && isAtomic(next)
    if (isObject(next) && cycle === undefined && !atomic && !this.sealed.has(next)) {
      const via = viaToJSON(next)
      if (via !== undefined) return this.visitVia(prev, next, via.value, pointer)
    }
    // What an object with toJSON gave last time is what the new value is compared with.
    if (prev instanceof ViaNode) prev = prev.inner
    if (!isObject(next)) {
      if (!isObject(prev) && primEqual(prev, next)) return next
      this.record()
      this.replace(pointer, encode(next), true)
      return next
    }
    const keys = cycle !== undefined || atomic || Array.isArray(next) ? undefined : Object.keys(next)
    // An object wrapped in $object is compared whole, as tagged values are.
    if (cycle !== undefined || atomic || (keys !== undefined && needsWrap(keys))) {
      const value: Json = cycle !== undefined ? { $ref: cycle } : encode(next, pointer, this.ancestors)
      const json = JSON.stringify(value)
      if (prev instanceof AtomNode && prev.json === json) {
        prev.raw = next
        return prev
      }
      // A trusted runtime's date or map was kept as itself: an equal new one is no change.
      if (isObject(prev) && !(prev instanceof Node) && isAtomic(prev) && JSON.stringify(encode(prev, pointer, this.ancestors)) === json) {
        return this.kidOf(next, pointer)
      }
      this.replace(pointer, value, true)
      return cycle === undefined && this.policy.keepsWholeValues ? this.kidOf(next, pointer) : new AtomNode(next, json)
    }
    if (Array.isArray(next)) {
      if (prev instanceof ArrayNode || (Array.isArray(prev) && !(prev instanceof Node))) return this.diffArray(prev, next, pointer)
    } else if (
      keys !== undefined &&
      (prev instanceof ObjectNode ||
        // A trusted date, map or regexp is kept as itself: it is a whole value, not an object to diff.
        (isObject(prev) && !(prev instanceof Node) && !Array.isArray(prev) && !(this.policy.keepsWholeValues && isAtomic(prev))))
    ) {
      return this.diffObject(prev, next, keys, pointer)
    }
    return this.replaceWith(next, pointer)
  }

  /** An object with `toJSON` is diffed as its result, at its own position. */
  private visitVia(prev: Kid, next: object, result: unknown, pointer: string): Kid {
    this.ancestors.set(next, pointer)
    try {
      const inner = this.visit(prev instanceof ViaNode ? prev.inner : prev, result, pointer)
      if (prev instanceof ViaNode) {
        prev.raw = next
        prev.inner = inner
        return prev
      }
      return new ViaNode(next, inner)
    } finally {
      this.ancestors.delete(next)
    }
  }

  private replaceWith(next: object, pointer: string): Kid {
    this.record()
    this.replace(pointer, encode(next, pointer, this.ancestors), true)
    return this.kidOf(next, pointer)
  }

  /**
   * An array as people change it. While its length stays the same, index by index. Otherwise the
   * elements it still begins with (the prefix) and ends with (the suffix, which may have moved)
   * are left alone: the prefix is scanned by reference first, as an unchanged array is, then the
   * suffix from the end; an element whose reference differs is still unchanged when a dry visit
   * finds it encodes as before (an equal copy, a node compared in full). Between them, the
   * elements both arrays have are visited index by index, then the extra ones are removed (the
   * last first) or added, each at its own index. Appending, or replacing the last element, costs
   * what it did before: the prefix scan reaches the end, and nothing is left to trim.
   */
  private diffArray(prev: ArrayNode | unknown[], next: unknown[], pointer: string): Kid {
    const prevKids: readonly Kid[] = prev instanceof ArrayNode ? prev.kids : prev
    const n = next.length
    const m = prevKids.length
    // A dry visit asks whether anything changed: a new length is a change.
    if (n !== m) this.record()
    const common = n < m ? n : m
    /** The kids that changed without moving, by index (each its own, or one of the suffix by its previous index). */
    let changedAt: number[] | undefined
    let changedKids: Kid[] | undefined
    let added: Kid[] | undefined
    let sealed = true
    this.ancestors.set(next, pointer)
    try {
      // The hot loop: for sealed children and primitives, a reference comparison is the whole
      // check, with nothing captured or allocated. Elements are read directly; an index getter
      // that throws ends the scan there, and that element goes through the guarded read.
      let p = common
      let i = 0
      while (i < common) {
        let at = i
        try {
          while (at < common && next[at] === prevKids[at]) at++
        } catch {
          // `at` is the element whose getter threw.
        }
        if (at >= common) break
        i = at + 1
        // The previous array may be the runtime's own (sealed), with the same throwing getter.
        const k = read(prevKids, at)
        const x = read(next, at)
        if (x === k) continue
        const kid = n === m ? this.visit(k, x, pointer + '/' + at) : this.unchanged(k, x, pointer + '/' + at)
        if (kid === ABSENT) {
          p = at
          break
        }
        if (!isSealedKid(kid)) sealed = false
        if (kid === k) continue
        ;(changedAt ??= []).push(at)
        ;(changedKids ??= []).push(kid)
      }
      // The suffix: only when the length changed before the end (else `p` is `common`).
      let s = 0
      const limit = common - p
      while (s < limit) {
        try {
          while (s < limit && next[n - 1 - s] === prevKids[m - 1 - s]) s++
        } catch {
          // Element `s` from the end is the one whose getter threw.
        }
        if (s >= limit) break
        const from = m - 1 - s
        const k = read(prevKids, from)
        const x = read(next, n - 1 - s)
        if (x !== k) {
          // Compared where it is now: a cycle's pointer moves with it.
          const kid = this.unchanged(k, x, pointer + '/' + (n - 1 - s))
          if (kid === ABSENT) break
          if (!isSealedKid(kid)) sealed = false
          if (kid !== k) {
            ;(changedAt ??= []).push(from)
            ;(changedKids ??= []).push(kid)
          }
        }
        s++
      }
      // Between them: index by index, then the elements only one of the arrays has.
      const end = common - s
      for (let at = p; at < end; at++) {
        const k = read(prevKids, at)
        const x = read(next, at)
        if (x === k) continue
        const kid = this.visit(k, x, pointer + '/' + at)
        if (!isSealedKid(kid)) sealed = false
        if (kid === k) continue
        ;(changedAt ??= []).push(at)
        ;(changedKids ??= []).push(kid)
      }
      for (let at = m - s - 1; at >= end; at--) this.ops.push({ op: 'remove', path: pointer + '/' + at })
      for (let at = end; at < n - s; at++) {
        const value = read(next, at)
        const path = pointer + '/' + at
        this.ops.push({ op: 'add', path, value: encode(value, path, this.ancestors) })
        const kid = this.kidOf(value, path)
        ;(added ??= []).push(kid)
        if (!isSealedKid(kid)) sealed = false
      }
      if (sealed && this.policy.mayFreeze(next)) {
        this.remember(next, n, n <= SMALL_LEAF && hasObjectElement(next))
        return next
      }
      let kids = prev instanceof ArrayNode ? prev.kids : copyOf(prevKids)
      if (changedAt !== undefined && changedKids !== undefined) {
        for (let j = 0; j < changedAt.length; j++) kids[changedAt[j] as number] = changedKids[j]
      }
      if (m > n) {
        if (s === 0) kids.length = n
        else kids.splice(end, m - n)
      } else if (added !== undefined) {
        if (s === 0) for (const kid of added) kids.push(kid)
        else kids = kids.slice(0, end).concat(added, kids.slice(end))
      }
      if (prev instanceof ArrayNode) {
        prev.kids = kids
        prev.raw = next
        return prev
      }
      return new ArrayNode(next, kids)
    } finally {
      this.ancestors.delete(next)
    }
  }

  private diffObject(prev: ObjectNode | object, next: object, keys: string[], pointer: string): Kid {
    const prevKids = prev instanceof ObjectNode ? prev.kids : undefined
    const prevRaw = prev as Record<string, unknown>
    // Allocates nothing while every value is the one seen last time (most objects on a change's
    // path have one changed key): what changed is collected only once something has.
    let changed: Map<string, Kid> | undefined
    let matched = 0
    let sealed = true
    this.ancestors.set(next, pointer)
    try {
      let inner = false
      for (const key of keys) {
        const value = read(next, key)
        if (isObject(value)) inner = true
        let k: Kid
        if (prevKids !== undefined) {
          k = prevKids.get(key)
          if (k === undefined && !prevKids.has(key)) k = ABSENT
        } else {
          k = Object.hasOwn(prevRaw, key) ? read(prevRaw, key) : ABSENT
        }
        if (k === ABSENT) {
          this.record()
          const at = pointer + '/' + escapeToken(key)
          this.ops.push({ op: 'add', path: at, value: encode(value, at, this.ancestors) })
          const kid = this.kidOf(value, at)
          ;(changed ??= new Map()).set(key, kid)
          if (!isSealedKid(kid)) sealed = false
          continue
        }
        matched++
        if (k === value) continue
        const kid = this.visit(k, value, pointer + '/' + escapeToken(key))
        if (!isSealedKid(kid)) sealed = false
        if (kid !== k) (changed ??= new Map()).set(key, kid)
      }
      let removed: string[] | undefined
      const prevCount = prevKids !== undefined ? prevKids.size : -1
      if (prevCount === -1 ? matched < Object.keys(prevRaw).length : matched < prevCount) {
        this.record()
        const present = new Set(keys)
        for (const key of prevKids !== undefined ? prevKids.keys() : Object.keys(prevRaw)) {
          if (present.has(key)) continue
          ;(removed ??= []).push(key)
          this.ops.push({ op: 'remove', path: pointer + '/' + escapeToken(key) })
        }
      }
      if (sealed && this.policy.mayFreeze(next) && this.policy.sealsObject(next, keys)) {
        this.remember(next, keys.length, inner)
        return next
      }
      const kids = prevKids ?? new Map<string, Kid>(Object.keys(prevRaw).map((key) => [key, read(prevRaw, key)]))
      if (removed !== undefined) for (const key of removed) kids.delete(key)
      if (changed !== undefined) for (const [key, kid] of changed) kids.set(key, kid)
      if (prev instanceof ObjectNode) {
        prev.raw = next
        return prev
      }
      return new ObjectNode(next, kids)
    } finally {
      this.ancestors.delete(next)
    }
  }
}

/** The name of a compare policy (see `policies.ts`). */
export type PolicyName = ComparePolicy['name']

/**
 * The recorder's snapshot of every slice. `update` diffs a slice's new value against it and
 * remembers the new value; the snapshot is private to the recorder and is never handed out. Each
 * slice is diffed under its compare policy: the snapshot's default, or the one set for it.
 * @example
 * const snap = new Snapshot()
 * snap.reset({ todos: [] })
 * snap.update('todos', ['a']) // { patches: [{ op: 'add', path: '/0', value: 'a' }] }
 */
export class Snapshot {
  #slices = new Map<string, Kid>()
  #policies = new Map<string, ComparePolicy>()
  readonly #trust = trustPolicy()
  readonly #full = fullPolicy()
  #default: ComparePolicy
  #ancestors: Ancestors = new Map()

  /** @param options.policy how slices are compared unless one is set for them @default 'full' */
  constructor({ policy = 'full' }: { policy?: PolicyName } = {}) {
    this.#default = this.#named(policy)
  }

  #named(name: PolicyName): ComparePolicy {
    return name === 'trust' ? this.#trust : this.#full
  }

  #diff(slice: string): Diff {
    // A diff that threw part way (a revoked proxy in the state) may have left ancestors behind.
    if (this.#ancestors.size > 0) this.#ancestors = new Map()
    return new Diff(this.#policies.get(slice) ?? this.#default, this.#ancestors)
  }

  /** Forgets every slice (and the policies set for them) and takes `slices` as the new base; returns them encoded. */
  reset(slices: Readonly<Record<string, unknown>>): Record<string, Json> {
    this.#slices.clear()
    this.#policies.clear()
    const out: Record<string, Json> = {}
    for (const slice of Object.keys(slices)) {
      const value = slices[slice]
      this.#slices.set(slice, this.#diff(slice).kidOf(value, ''))
      Object.defineProperty(out, slice, { value: encode(value), enumerable: true, writable: true, configurable: true })
    }
    return out
  }

  /** True when the snapshot holds this slice. */
  has(slice: string): boolean {
    return this.#slices.has(slice)
  }

  /** Compares slices under `policy` unless one is set for them (slices already held keep their kids until next diffed). */
  setDefault(policy: PolicyName): void {
    this.#default = this.#named(policy)
  }

  /** The policy a slice is compared under. */
  policyOf(slice: string): PolicyName {
    return (this.#policies.get(slice) ?? this.#default).name
  }

  /**
   * Compares `slice` under `policy` from now on, taking `value` as what it holds now (the caller
   * knows it is what was recorded). A slice not held yet gets the policy when it appears.
   */
  setPolicy(slice: string, policy: PolicyName, value?: unknown): void {
    const p = this.#named(policy)
    this.#policies.set(slice, p)
    if (this.#slices.has(slice)) this.#slices.set(slice, this.#diff(slice).kidOf(value, ''))
  }

  /** The change that turns the recorded slice into `after`, or undefined when there is none. */
  update(slice: string, after: unknown): SliceChange | undefined {
    const diff = this.#diff(slice)
    if (!this.#slices.has(slice)) {
      this.#slices.set(slice, diff.kidOf(after, ''))
      return { value: encode(after) }
    }
    const prev = this.#slices.get(slice)
    const kid = diff.visit(prev, after, '')
    this.#slices.set(slice, kid)
    if (diff.rootValue !== ABSENT) return { value: diff.rootValue }
    return diff.ops.length > 0 ? { patches: diff.ops } : undefined
  }

  /** Forgets a slice; the change is its removal, or undefined when it was not there. */
  remove(slice: string): SliceChange | undefined {
    return this.#slices.delete(slice) ? { removed: true } : undefined
  }
}
