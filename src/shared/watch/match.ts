/**
 * Matching a watch against one recorded change of one slice.
 *
 * `touches` looks at the patches alone, so the host skips every entry that cannot affect the
 * watched path without building a state. `matchChange` then walks the watched path over the
 * slice's value before and after the change at once, filling in wildcards, and keeps the places
 * where the condition holds. The patches narrow the walk too: a `*` is expanded only over the keys
 * some patch wrote under (a token streamed into `/messages/7/content` visits message 7, not every
 * message), and a subtree that is the same object before and after is skipped.
 */
import { parsePointer, toPointer } from '../pointer'
import type { Json, Operation } from '../protocol'
import { ChunkedArray, deepEqual, valueAt } from '../state'
import { holds } from './condition'
import type { PathToken, Watch, WatchHit } from './types'

/**
 * One recorded change of one slice, as `matchChange` reads it. A `state.update` event fits, with
 * `before` and `after` added; give them as functions to have them computed only when the patches
 * touch the watched path. Where something changed, the values before and after must be different
 * objects (as the copy-on-write states of the history are): a value that is the same object on
 * both sides is taken as unchanged.
 */
export interface WatchedChange {
  slice: string
  /** The change's RFC 6902 operations, relative to the slice; absent when the slice was replaced whole or removed. */
  patches?: readonly Operation[]
  /** The slice's value before the change (undefined when it did not exist). */
  before: Lazy<Json | undefined>
  /** The slice's value after the change (undefined when it was removed). */
  after: Lazy<Json | undefined>
}

/** A value, or a function computing it on demand. */
export type Lazy<T> = T | (() => T)

/**
 * A place one operation changed (its `path`, or a `move`'s `from`). `shifts` when it inserts or
 * removes at an array index (or might: the operation does not say whether its parent is an array),
 * which moves every later element of that array.
 */
interface Mark {
  tokens: readonly string[]
  shifts: boolean
}

/**
 * Whether a slice's patches can change any place the watch names: some operation writes at a
 * matching path, an ancestor of one, or a descendant of one, or inserts into or removes from an
 * array before a matching index. `patches` absent means the slice was replaced whole or removed.
 * Never false when `matchChange` would find a hit; may be true when it finds none.
 * @example touches(parseWatch('/cart/items/*\/price'), 'cart', [{ op: 'add', path: '/items/0', value: {} }]) // true: items move
 */
export function touches(watch: Watch, slice: string, patches?: readonly Operation[]): boolean {
  const [first] = watch.path
  if (first === undefined || !matchesSlice(first, slice)) return false
  if (patches === undefined) return true
  const marks = marksOf(patches)
  if (marks === null) return true
  const rel = watch.path.slice(1)
  return marks.some((mark) => {
    const n = Math.min(mark.tokens.length, rel.length)
    for (let j = 0; j < n; j++) if (!tokenMeets(rel[j] as PathToken, j, mark)) return false
    return true
  })
}

/**
 * The places where one change of one slice meets a watch: each with its concrete path (wildcards
 * filled in, from the state's root) and its values before and after. Values are those of the
 * states given, not copies (a long array may be a `ChunkedArray`: `toPlain` or `JSON.stringify`
 * it). See `index.ts` for what each condition means.
 * @example matchChange(parseWatch('/cart/total > 100'), { slice: 'cart', patches, before, after })
 */
export function matchChange(watch: Watch, change: WatchedChange): WatchHit[] {
  if (!touches(watch, change.slice, change.patches)) return []
  const marks = change.patches === undefined ? null : marksOf(change.patches)
  const walk = new Walk(watch, change.slice)
  walk.visit(0, force(change.before), force(change.after), marks)
  return walk.hits
}

class Walk {
  readonly hits: WatchHit[] = []
  /** The path walked so far, from the state's root. */
  private readonly at: string[]
  private readonly rel: readonly PathToken[]

  constructor(
    private readonly watch: Watch,
    slice: string
  ) {
    this.at = [slice]
    this.rel = watch.path.slice(1)
  }

  /**
   * Visits the places under the current path matching `rel[j…]`. `marks` are the operations that
   * may have changed something here, or null when one of them wrote at or above this place (then
   * everything under it may have changed).
   */
  visit(j: number, before: Json | undefined, after: Json | undefined, marks: Mark[] | null): void {
    // The same value (or object) before and after: nothing under it changed, so no condition holds.
    if (before === after) return
    if (marks !== null && marks.some((m) => m.tokens.length <= j)) marks = null
    const token = this.rel[j]
    if (token === undefined) {
      if (holds(this.watch.condition, before, after)) this.hit(before, after)
      return
    }
    if (token.kind === 'append') return this.appended(before, after)
    const keys = token.kind === 'key' ? [token.key] : (keysWritten(marks, j) ?? keysOf(before, after))
    for (const key of keys) {
      const below = marks === null ? null : marks.filter((m) => meets(key, j, m))
      if (below !== null && below.length === 0) continue
      this.at.push(key)
      this.visit(j + 1, valueAt(before, [key]), valueAt(after, [key]), below)
      this.at.pop()
    }
  }

  /** `-`: the elements an array gained at its end (everything it holds when it was no array before). */
  private appended(before: Json | undefined, after: Json | undefined): void {
    const length = lengthOf(after)
    if (length === undefined) return
    const had = lengthOf(before)
    if (had !== undefined) {
      if (length <= had) return
      for (let i = 0; i < had; i++) if (!deepEqual(valueAt(before, [String(i)]), valueAt(after, [String(i)]))) return
    }
    for (let i = had ?? 0; i < length; i++) {
      const value = valueAt(after, [String(i)])
      if (!holds(this.watch.condition, undefined, value)) continue
      this.at.push(String(i))
      this.hit(undefined, value)
      this.at.pop()
    }
  }

  private hit(before: Json | undefined, after: Json | undefined): void {
    this.hits.push({ path: toPointer(this.at), before, after })
  }
}

function matchesSlice(token: PathToken, slice: string): boolean {
  return token.kind === 'any' || (token.kind === 'key' && token.key === slice)
}

/** The marks of each patch list seen, for the many watches tested against one entry (whose patches never change). */
const marksCache = new WeakMap<readonly Operation[], Mark[] | null>()

/** The places the operations change, or null when one cannot be read (it changed who knows what). */
function marksOf(patches: readonly Operation[]): Mark[] | null {
  let marks = marksCache.get(patches)
  if (marks === undefined) {
    marks = readMarks(patches)
    marksCache.set(patches, marks)
  }
  return marks
}

function readMarks(patches: readonly Operation[]): Mark[] | null {
  const marks: Mark[] = []
  try {
    for (const op of patches) {
      if (op.op === 'test') continue
      const tokens = parsePointer(op.path)
      marks.push({ tokens, shifts: op.op !== 'replace' && isIndexLike(tokens[tokens.length - 1]) })
      if (op.op === 'move') {
        const from = parsePointer(op.from)
        marks.push({ tokens: from, shifts: isIndexLike(from[from.length - 1]) })
      }
    }
  } catch {
    // A malformed pointer cannot have been applied; assuming it changed everything keeps `touches` safe.
    return null
  }
  return marks
}

/** Whether concrete key `key` at depth `j` may be changed by `mark` (which reaches deeper than `j`). */
function meets(key: string, j: number, mark: Mark): boolean {
  const t = mark.tokens[j] as string
  if (t === key) return true
  if (!isIndex(key)) return false
  if (t === '-') return true
  return mark.shifts && j === mark.tokens.length - 1 && isIndex(t) && Number(key) >= Number(t)
}

function tokenMeets(token: PathToken, j: number, mark: Mark): boolean {
  if (token.kind === 'any') return true
  if (token.kind === 'append') return isIndexLike(mark.tokens[j])
  return meets(token.key, j, mark)
}

/**
 * The keys at depth `j` the marks wrote under, or undefined when a `*` there must look at every
 * key: some mark changed everything here, appends, or inserts or removes at this depth.
 */
function keysWritten(marks: Mark[] | null, j: number): string[] | undefined {
  if (marks === null) return undefined
  const keys = new Set<string>()
  for (const m of marks) {
    const t = m.tokens[j] as string
    if (t === '-' || (m.shifts && j === m.tokens.length - 1)) return undefined
    keys.add(t)
  }
  return [...keys]
}

/** Every key of either value: an object's keys, an array's indexes. */
function keysOf(before: Json | undefined, after: Json | undefined): string[] {
  const keys = new Set<string>()
  for (const v of [before, after]) {
    if (v === null || typeof v !== 'object') continue
    const length = lengthOf(v)
    if (length !== undefined) for (let i = 0; i < length; i++) keys.add(String(i))
    else for (const k of Object.keys(v)) keys.add(k)
  }
  return [...keys]
}

function lengthOf(value: Json | undefined): number | undefined {
  if (Array.isArray(value)) return value.length
  return (value as unknown) instanceof ChunkedArray ? (value as unknown as ChunkedArray).length : undefined
}

function force<T>(value: Lazy<T>): T {
  return typeof value === 'function' ? (value as () => T)() : value
}

/** An array index as RFC 6901 writes it: `0`, or digits not starting with `0`. */
function isIndex(token: string): boolean {
  return /^(0|[1-9][0-9]*)$/.test(token)
}

/** An index, or `-` (the end of an array). */
function isIndexLike(token: string | undefined): boolean {
  return token !== undefined && (token === '-' || isIndex(token))
}
