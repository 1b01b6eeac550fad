/**
 * Applying the history to a state, without ever changing a value some other state shares.
 *
 * States are persistent: applying an entry copies only the objects on the paths it changes
 * (copy-on-write) and shares the rest, so a checkpoint every few hundred entries costs little
 * memory and the state at any entry is a checkpoint plus a short replay. An `Owned` set names the
 * objects one edit created; those alone may be changed in place. Values from events are never
 * owned, so an event can be applied twice and the history it came from stays intact.
 */
import { parsePointer, toPointer } from './pointer'
import type { HistoryEvent, Json, JsonObject, Operation, Slices } from './protocol'

/** An entry or operation that cannot be applied: names the operation and why. */
export class PatchError extends Error {
  override name = 'PatchError'
}

/** The objects created by one edit, which that edit may change in place. */
export type Owned = WeakSet<object>

/** Starts an edit: a state changed under it shares nothing it has not copied. */
export function newEdit(): Owned {
  return new WeakSet()
}

/**
 * Applies one entry to a state and returns the new state; `state` itself is changed only where
 * `owned` holds it. Execution statuses and custom events leave the state as it is.
 * @throws {PatchError} when a patch does not apply
 */
export function applyEvent(state: Slices, event: HistoryEvent, owned: Owned): Slices {
  switch (event.type) {
    case 'state.initial': {
      const root: Slices = { ...event.slices }
      owned.add(root)
      return root
    }
    case 'state.update':
      return applyUpdate(state, event.slice, event, owned)
    default:
      return state
  }
}

/** What a `state.update` does to its slice. */
export interface SliceUpdate {
  removed?: boolean
  patches?: readonly Operation[]
  value?: Json
}

/**
 * Applies the change of a `state.update` to `slice`; see `applyEvent`.
 * @throws {PatchError} when it does not apply
 */
export function applyUpdate(state: Slices, slice: string, update: SliceUpdate, owned: Owned): Slices {
  const root = ownObject(state, owned)
  if (update.removed === true) {
    delete root[slice]
  } else if (update.patches !== undefined) {
    if (!Object.hasOwn(root, slice)) throw new PatchError(`slice "${slice}" does not exist, so its patches cannot apply`)
    setOwn(root, slice, applyPatch(root[slice] as Json, update.patches, owned))
  } else if (update.value !== undefined) {
    setOwn(root, slice, update.value)
  } else {
    throw new PatchError(`the update of slice "${slice}" has neither patches, nor a value, nor removed`)
  }
  return root
}

/** Applies events in order to a copy-on-write edit of `start`. */
export function replay(start: Slices, events: Iterable<HistoryEvent>): Slices {
  const owned = newEdit()
  let state = start
  for (const e of events) state = applyEvent(state, e, owned)
  return state
}

/**
 * Applies RFC 6902 operations to a document and returns the new document.
 * @throws {PatchError} naming the operation that does not apply
 */
export function applyPatch(doc: Json, ops: readonly Operation[], owned: Owned): Json {
  let out = doc
  for (const op of ops) out = applyOperation(out, op, owned)
  return out
}

/** Applies one RFC 6902 operation; see `applyPatch`. */
export function applyOperation(doc: Json, op: Operation, owned: Owned): Json {
  try {
    return apply(doc, op, owned)
  } catch (e) {
    if (e instanceof PatchError) throw e
    throw new PatchError(`${op.op} ${op.path}: ${e instanceof Error ? e.message : String(e)}`)
  }
}

/**
 * The tokens of a pointer, parsed once for the many operations that share it (a replay applies
 * `/messages/7/content` for every token streamed into that message). Never changed by a caller.
 */
const pointerCache = new Map<string, readonly string[]>()
const POINTER_CACHE_SIZE = 4096
/** Longer pointers are parsed each time: the cache holds at most 4096 × 256 characters. */
const POINTER_CACHE_CHARS = 256

function tokensOf(pointer: string): readonly string[] {
  if (pointer.length > POINTER_CACHE_CHARS) return parsePointer(pointer)
  let tokens = pointerCache.get(pointer)
  if (tokens === undefined) {
    tokens = parsePointer(pointer)
    if (pointerCache.size >= POINTER_CACHE_SIZE) pointerCache.clear()
    pointerCache.set(pointer, tokens)
  }
  return tokens
}

function apply(doc: Json, op: Operation, owned: Owned): Json {
  const tokens = tokensOf(op.path)
  let value: Json
  if (op.op === 'remove') {
    if (tokens.length === 0) throw fail(op, 'cannot remove the whole document')
    return remove(doc, tokens, op, owned)
  }
  if ('from' in op) {
    const fromTokens = tokensOf(op.from)
    value = get(doc, fromTokens, op)
    // A copy puts one value at two places: neither may then be changed in place for the other.
    if (op.op === 'copy') disown(value, owned)
    if (op.op === 'move') {
      if (isPrefix(fromTokens, tokens) && fromTokens.length < tokens.length) {
        throw fail(op, `cannot move a value into itself`)
      }
      if (fromTokens.length === 0) return value
      doc = remove(doc, fromTokens, op, owned)
    }
  } else {
    value = op.value
  }
  if (op.op === 'test') {
    if (!deepEqual(get(doc, tokens, op), value)) throw fail(op, 'the value is not the one tested for')
    return doc
  }
  if (tokens.length === 0) return value
  const root = ownContainer(doc, op, owned)
  const parent = walkOwned(root, tokens, op, owned)
  const last = tokens[tokens.length - 1] as string
  const mustExist = op.op === 'replace'
  if (Array.isArray(parent)) {
    if (op.op === 'replace') parent[index(parent, last, false, op)] = value
    else if (last === '-') parent.push(value)
    else parent.splice(index(parent, last, true, op), 0, value)
  } else {
    if (mustExist && !Object.hasOwn(parent, last)) throw fail(op, `"${last}" does not exist`)
    setOwn(parent, last, value)
  }
  return root
}

function remove(doc: Json, tokens: readonly string[], op: Operation, owned: Owned): Json {
  const root = ownContainer(doc, op, owned)
  const parent = walkOwned(root, tokens, op, owned)
  const last = tokens[tokens.length - 1] as string
  if (Array.isArray(parent)) {
    parent.splice(index(parent, last, false, op), 1)
  } else {
    if (!Object.hasOwn(parent, last)) throw fail(op, `"${last}" does not exist`)
    delete parent[last]
  }
  return root
}

/** Walks to the parent of the last token, copying every shared container on the way. */
function walkOwned(root: Json[] | JsonObject, tokens: readonly string[], op: Operation, owned: Owned): Json[] | JsonObject {
  let node = root
  for (let i = 0; i < tokens.length - 1; i++) {
    const token = tokens[i] as string
    const child = Array.isArray(node) ? node[index(node, token, false, op)] : ownChild(node, token, op)
    if (child === null || typeof child !== 'object') {
      throw fail(op, `${toPointer(tokens.slice(0, i + 1))} is not an object or an array`)
    }
    let next = child
    if (!owned.has(child)) {
      next = copy(child)
      owned.add(next)
      if (Array.isArray(node)) node[Number(token)] = next
      else setOwn(node, token, next)
    }
    node = next
  }
  return node
}

/**
 * Gives up this edit's right to change `value` and what it holds in place, so later operations copy
 * them first. Owned objects only ever sit under owned parents, so the walk stops at the first
 * object the edit does not own.
 */
function disown(value: Json, owned: Owned): void {
  if (value === null || typeof value !== 'object' || !owned.has(value)) return
  owned.delete(value)
  for (const child of Array.isArray(value) ? value : Object.values(value)) disown(child, owned)
}

function ownChild(node: JsonObject, token: string, op: Operation): Json {
  if (!Object.hasOwn(node, token)) throw fail(op, `"${token}" does not exist`)
  return node[token] as Json
}

function ownContainer(doc: Json, op: Operation, owned: Owned): Json[] | JsonObject {
  if (doc === null || typeof doc !== 'object')
    throw fail(op, `the document is ${doc === null ? 'null' : typeof doc}, not an object or an array`)
  if (owned.has(doc)) return doc
  const c = copy(doc)
  owned.add(c)
  return c
}

function ownObject(state: Slices, owned: Owned): Slices {
  if (owned.has(state)) return state
  const c = { ...state }
  owned.add(c)
  return c
}

/** A shallow copy; object spread defines own properties, so a `__proto__` key stays data. */
function copy<T extends Json[] | JsonObject>(node: T): T {
  return (Array.isArray(node) ? node.slice() : { ...node }) as T
}

/** Sets an own data property, also for the key `__proto__` (which `obj[key] =` would treat as the prototype). */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true })
  else obj[key] = value
}

function index(arr: Json[], token: string, allowEnd: boolean, op: Operation): number {
  if (!/^(0|[1-9][0-9]*)$/.test(token)) throw fail(op, `"${token}" is not an array index`)
  const i = Number(token)
  if (i > arr.length || (!allowEnd && i === arr.length)) throw fail(op, `index ${i} is out of bounds (length ${arr.length})`)
  return i
}

function get(doc: Json, tokens: readonly string[], op: Operation): Json {
  let node = doc
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string
    if (node === null || typeof node !== 'object') throw fail(op, `${toPointer(tokens.slice(0, i))} is not an object or an array`)
    node = Array.isArray(node) ? (node[index(node, token, false, op)] as Json) : ownChild(node, token, op)
  }
  return node
}

/** The value at a pointer, or undefined where there is none. */
export function valueAt(doc: Json | undefined, pointer: string | readonly string[]): Json | undefined {
  const tokens = typeof pointer === 'string' ? parsePointer(pointer) : pointer
  let node: Json | undefined = doc
  for (const token of tokens) {
    if (node === null || typeof node !== 'object') return undefined
    if (Array.isArray(node)) {
      if (!/^(0|[1-9][0-9]*)$/.test(token)) return undefined
      node = node[Number(token)]
    } else {
      node = Object.hasOwn(node, token) ? node[token] : undefined
    }
  }
  return node
}

function isPrefix(a: readonly string[], b: readonly string[]): boolean {
  if (a.length > b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** Structural equality of JSON values (key order does not matter). */
export function deepEqual(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false
    return true
  }
  if (Array.isArray(b)) return false
  const ka = Object.keys(a)
  if (ka.length !== Object.keys(b).length) return false
  for (const k of ka) if (!Object.hasOwn(b, k) || !deepEqual(a[k], b[k])) return false
  return true
}

function fail(op: Operation, why: string): PatchError {
  return new PatchError(`${op.op} ${op.path}: ${why}`)
}
