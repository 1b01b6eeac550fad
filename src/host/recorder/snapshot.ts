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
 * on the encoded values: index by index for arrays, then additions at or removals from the end.
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

function hasObjectElement(array: readonly unknown[]): boolean {
  for (let i = 0; i < array.length; i++) if (isObject(read(array, i))) return true
  return false
}

class Diff {
  readonly ops: Operation[] = []
  /** Set when the slice's root itself was replaced (sent as `value`, not as patches). */
  rootValue: Json | typeof ABSENT = ABSENT

  readonly sealed: WeakSet<object>

  constructor(
    /** Which objects are taken as unchanged while their reference is. */
    readonly policy: ComparePolicy,
    /** Empty between diffs (each level removes itself), so one map serves every diff of a snapshot. */
    readonly ancestors: Ancestors
  ) {
    this.sealed = policy.sealed
  }

  replace(pointer: string, value: Json, existed: boolean): void {
    if (pointer === '') this.rootValue = value
    else this.ops.push({ op: existed ? 'replace' : 'add', path: pointer, value })
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
    this.replace(pointer, encode(next, pointer, this.ancestors), true)
    return this.kidOf(next, pointer)
  }

  private diffArray(prev: ArrayNode | unknown[], next: unknown[], pointer: string): Kid {
    const prevKids: readonly Kid[] = prev instanceof ArrayNode ? prev.kids : prev
    const n = next.length
    const m = prevKids.length
    const common = n < m ? n : m
    let changedAt: number[] | undefined
    let changedKids: Kid[] | undefined
    let sealed = true
    this.ancestors.set(next, pointer)
    try {
      // The hot loop: for sealed children and primitives, a reference comparison is the whole
      // check, with nothing captured or allocated. Elements are read directly; an index getter
      // that throws ends the scan there, and that element goes through the guarded read.
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
        const kid = this.visit(k, x, pointer + '/' + at)
        if (!isSealedKid(kid)) sealed = false
        if (kid === k) continue
        ;(changedAt ??= []).push(at)
        ;(changedKids ??= []).push(kid)
      }
      for (let i = m - 1; i >= n; i--) this.ops.push({ op: 'remove', path: pointer + '/' + i })
      let tail: Kid[] | undefined
      for (let i = m; i < n; i++) {
        const value = read(next, i)
        const at = pointer + '/' + i
        this.ops.push({ op: 'add', path: at, value: encode(value, at, this.ancestors) })
        const kid = this.kidOf(value, at)
        ;(tail ??= []).push(kid)
        if (!isSealedKid(kid)) sealed = false
      }
      if (sealed && this.policy.mayFreeze(next)) {
        this.remember(next, n, n <= SMALL_LEAF && hasObjectElement(next))
        return next
      }
      const kids = prev instanceof ArrayNode ? prev.kids : prevKids.slice(0, common)
      if (kids.length > common) kids.length = common
      if (changedAt !== undefined && changedKids !== undefined) {
        for (let j = 0; j < changedAt.length; j++) kids[changedAt[j] as number] = changedKids[j]
      }
      if (tail !== undefined) for (const kid of tail) kids.push(kid)
      if (prev instanceof ArrayNode) {
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
