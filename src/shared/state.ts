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

/**
 * A long array in a state, as chunks of `chunk` elements (each full but the last) that states
 * share until one of them changes: an edit that writes one element of a 50,000-element array
 * copies one chunk and the list of chunks, not the array. Only edits made with `chunkArrays` make
 * them (the host's history and import, whose checkpoints would otherwise each hold a copy); the
 * JSON of a state holding one is the plain array (`toJSON`), and `toPlain` gives that state.
 */
export class ChunkedArray {
  constructor(
    /** Owned with the array by the edit that made it; each chunk is owned on its own. */
    readonly chunks: Json[][],
    public length: number,
    readonly chunk: number
  ) {}

  at(i: number): Json {
    return (this.chunks[Math.floor(i / this.chunk)] as Json[])[i % this.chunk] as Json
  }

  toJSON(): Json[] {
    const out = new Array<Json>(this.length)
    let k = 0
    for (const c of this.chunks) for (const v of c) out[k++] = v
    return out
  }
}

/** How an edit stores long arrays (see `ChunkedArray`). */
export interface ChunkOptions {
  /** Elements a chunk. @default 1024 */
  chunk?: number
  /** Arrays at least this long are chunked when an edit copies them. @default 4096 */
  threshold?: number
}

class ChunkingEdit extends WeakSet<object> {
  constructor(
    readonly chunk: number,
    readonly threshold: number
  ) {
    super()
  }
}

/**
 * Starts an edit: a state changed under it shares nothing it has not copied. With `chunkArrays`,
 * the long arrays it copies become `ChunkedArray`s.
 */
export function newEdit({ chunkArrays }: { chunkArrays?: boolean | ChunkOptions } = {}): Owned {
  if (chunkArrays === undefined || chunkArrays === false) return new WeakSet()
  const { chunk = 1024, threshold = 4096 } = chunkArrays === true ? {} : chunkArrays
  return new ChunkingEdit(Math.max(1, chunk), Math.max(1, threshold))
}

/** An edit that owns everything: it changes the state it is given in place (see `inPlaceEdit`). */
class InPlaceEdit extends WeakSet<object> {
  override has(): boolean {
    return true
  }
}

/**
 * An edit that changes the state it is applied to in place, copying nothing: for a state that
 * nothing else shares (the recorder's own copy). A `copy` operation then puts one value at two
 * places, so apply only operations without `copy` under it.
 */
export function inPlaceEdit(): Owned {
  return new InPlaceEdit()
}

/** A state with every `ChunkedArray` in it made a plain array again. */
export function toPlain<T extends Json>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T
}

/** A container inside a state: an object, an array, or a chunked array. */
type Node = Json[] | JsonObject | ChunkedArray

function chunkedFrom(array: readonly Json[], chunk: number, owned: Owned): ChunkedArray {
  const chunks: Json[][] = []
  for (let i = 0; i < array.length; i += chunk) {
    const c = array.slice(i, i + chunk)
    owned.add(c)
    chunks.push(c)
  }
  return new ChunkedArray(chunks, array.length, chunk)
}

/** The chunk holding element `i`, owned by this edit (copied first if shared). `ca` must be owned. */
function ownChunk(ca: ChunkedArray, i: number, owned: Owned): Json[] {
  const c = Math.floor(i / ca.chunk)
  let chunk = ca.chunks[c] as Json[]
  if (!owned.has(chunk)) {
    chunk = chunk.slice()
    owned.add(chunk)
    ca.chunks[c] = chunk
  }
  return chunk
}

function chunkedSet(ca: ChunkedArray, i: number, value: Json, owned: Owned): void {
  ownChunk(ca, i, owned)[i % ca.chunk] = value
}

/** Inserts at `i` (up to `length`) or removes element `i` (`remove`); elements after it move. */
function chunkedSplice(ca: ChunkedArray, i: number, remove: boolean, value: Json, owned: Owned): void {
  const last = ca.chunks.length - 1
  if (!remove && i === ca.length && (last < 0 || (ca.chunks[last] as Json[]).length < ca.chunk)) {
    if (last < 0) ca.chunks.push(newChunk([value], owned))
    else ownChunk(ca, i - 1, owned).push(value)
  } else if (!remove && i === ca.length) {
    ca.chunks.push(newChunk([value], owned))
  } else {
    // In the middle: every chunk from `i`'s on is laid out again (as a plain array would move them).
    const c = Math.floor(i / ca.chunk)
    const tail: Json[] = []
    for (let k = c; k < ca.chunks.length; k++) for (const v of ca.chunks[k] as Json[]) tail.push(v)
    if (remove) tail.splice(i - c * ca.chunk, 1)
    else tail.splice(i - c * ca.chunk, 0, value)
    ca.chunks.length = c
    for (let k = 0; k < tail.length; k += ca.chunk) ca.chunks.push(newChunk(tail.slice(k, k + ca.chunk), owned))
  }
  ca.length += remove ? -1 : 1
}

function newChunk(values: Json[], owned: Owned): Json[] {
  owned.add(values)
  return values
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
  if (parent instanceof ChunkedArray) {
    if (op.op === 'replace') chunkedSet(parent, index(parent, last, false, op), value, owned)
    else chunkedSplice(parent, last === '-' ? parent.length : index(parent, last, true, op), false, value, owned)
  } else if (Array.isArray(parent)) {
    if (op.op === 'replace') parent[index(parent, last, false, op)] = value
    else if (last === '-') parent.push(value)
    else parent.splice(index(parent, last, true, op), 0, value)
  } else {
    if (mustExist && !Object.hasOwn(parent, last)) throw fail(op, `"${last}" does not exist`)
    setOwn(parent, last, value)
  }
  // A chunked array stands in for the array it holds (see ChunkedArray).
  return root as Json
}

function remove(doc: Json, tokens: readonly string[], op: Operation, owned: Owned): Json {
  const root = ownContainer(doc, op, owned)
  const parent = walkOwned(root, tokens, op, owned)
  const last = tokens[tokens.length - 1] as string
  if (parent instanceof ChunkedArray) {
    chunkedSplice(parent, index(parent, last, false, op), true, null, owned)
  } else if (Array.isArray(parent)) {
    parent.splice(index(parent, last, false, op), 1)
  } else {
    if (!Object.hasOwn(parent, last)) throw fail(op, `"${last}" does not exist`)
    delete parent[last]
  }
  return root as Json
}

/** Walks to the parent of the last token, copying every shared container on the way. */
function walkOwned(root: Node, tokens: readonly string[], op: Operation, owned: Owned): Node {
  let node = root
  for (let i = 0; i < tokens.length - 1; i++) {
    const token = tokens[i] as string
    const child = childOf(node, token, op)
    if (child === null || typeof child !== 'object') {
      throw fail(op, `${toPointer(tokens.slice(0, i + 1))} is not an object or an array`)
    }
    let next: Node = child
    if (!owned.has(child)) {
      next = copy(child, owned)
      owned.add(next)
      if (node instanceof ChunkedArray) chunkedSet(node, Number(token), next as Json, owned)
      else if (Array.isArray(node)) node[Number(token)] = next as Json
      else setOwn(node, token, next)
    }
    node = next
  }
  return node
}

/** The child of a container at a token that must exist. */
function childOf(node: Node, token: string, op: Operation): Json | ChunkedArray {
  if (node instanceof ChunkedArray) return node.at(index(node, token, false, op))
  return Array.isArray(node) ? (node[index(node, token, false, op)] as Json) : ownChild(node, token, op)
}

/**
 * Gives up this edit's right to change `value` and what it holds in place, so later operations copy
 * them first. Owned objects only ever sit under owned parents, so the walk stops at the first
 * object the edit does not own.
 */
function disown(value: Json | ChunkedArray, owned: Owned): void {
  if (value === null || typeof value !== 'object' || !owned.has(value)) return
  owned.delete(value)
  if (value instanceof ChunkedArray) {
    for (const chunk of value.chunks) disown(chunk, owned)
    return
  }
  for (const child of Array.isArray(value) ? value : Object.values(value)) disown(child, owned)
}

function ownChild(node: JsonObject, token: string, op: Operation): Json {
  if (!Object.hasOwn(node, token)) throw fail(op, `"${token}" does not exist`)
  return node[token] as Json
}

function ownContainer(doc: Json | ChunkedArray, op: Operation, owned: Owned): Node {
  if (doc === null || typeof doc !== 'object')
    throw fail(op, `the document is ${doc === null ? 'null' : typeof doc}, not an object or an array`)
  if (owned.has(doc)) return doc
  const c = copy(doc, owned)
  owned.add(c)
  return c
}

function ownObject(state: Slices, owned: Owned): Slices {
  if (owned.has(state)) return state
  const c = { ...state }
  owned.add(c)
  return c
}

/**
 * A shallow copy; object spread defines own properties, so a `__proto__` key stays data. A chunked
 * array's copy shares its chunks; a long array copied by a chunking edit becomes a chunked array.
 */
function copy(node: Node, owned: Owned): Node {
  if (node instanceof ChunkedArray) return new ChunkedArray(node.chunks.slice(), node.length, node.chunk)
  if (Array.isArray(node)) {
    return owned instanceof ChunkingEdit && node.length >= owned.threshold ? chunkedFrom(node, owned.chunk, owned) : node.slice()
  }
  return { ...node }
}

/** Sets an own data property, also for the key `__proto__` (which `obj[key] =` would treat as the prototype). */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true })
  else obj[key] = value
}

function index(arr: { readonly length: number }, token: string, allowEnd: boolean, op: Operation): number {
  if (!/^(0|[1-9][0-9]*)$/.test(token)) throw fail(op, `"${token}" is not an array index`)
  const i = Number(token)
  if (i > arr.length || (!allowEnd && i === arr.length)) throw fail(op, `index ${i} is out of bounds (length ${arr.length})`)
  return i
}

function get(doc: Json, tokens: readonly string[], op: Operation): Json {
  let node: Json | ChunkedArray = doc
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string
    if (node === null || typeof node !== 'object') throw fail(op, `${toPointer(tokens.slice(0, i))} is not an object or an array`)
    node = childOf(node, token, op)
  }
  return node as Json
}

/** The value at a pointer, or undefined where there is none. */
export function valueAt(doc: Json | undefined, pointer: string | readonly string[]): Json | undefined {
  const tokens = typeof pointer === 'string' ? parsePointer(pointer) : pointer
  let node: Json | undefined = doc
  for (const token of tokens) {
    if (node === null || typeof node !== 'object') return undefined
    if ((node as unknown) instanceof ChunkedArray) {
      const ca = node as unknown as ChunkedArray
      if (!/^(0|[1-9][0-9]*)$/.test(token) || Number(token) >= ca.length) return undefined
      node = ca.at(Number(token))
    } else if (Array.isArray(node)) {
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
  if ((a as unknown) instanceof ChunkedArray) return deepEqual((a as unknown as ChunkedArray).toJSON(), b)
  if ((b as unknown) instanceof ChunkedArray) return deepEqual(a, (b as unknown as ChunkedArray).toJSON())
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
