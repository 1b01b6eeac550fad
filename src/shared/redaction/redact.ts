/**
 * Redacting values: what a redacted value becomes (the marker), redacting a value found at a place
 * of the state (deeply: keys inside it, and paths below it), and the list of places redacted, kept
 * by path and never by value, for a session file's header.
 */
import { toPointer } from '../pointer'
import type { Json, JsonObject } from '../protocol'
import { ChunkedArray } from '../state'
import { tagOf, TAGS } from '../tags'
import type { CompiledPolicy } from './policy'

/** What a redacted value becomes: a tagged value the window shows as "redacted". */
export const REDACTED: Json = Object.freeze({ $redacted: true }) as Json

/** A fresh marker (a state may be changed in place by whoever holds it: never hand out the shared one). */
export function marker(): JsonObject {
  return { $redacted: true }
}

/** True for the marker (a runtime's own `{"$redacted": …}` arrives wrapped in `$object`, so it is never one). */
export function isMarker(value: Json | undefined): boolean {
  return value !== undefined && tagOf(value) === '$redacted'
}

/**
 * The key of a Map's entries (`{"$map": [[key, value], …]}`, see `tags.ts`): an entry whose key is
 * a string a key pattern matches has its value redacted, as an object's property would be.
 */
export const MAP_ENTRIES = '$map'

/** The tags' own keys (`$map`, `$date`, …): the encoding's, not the runtime's, so no key pattern matches them. */
const TAG_KEYS: ReadonlySet<string> = new Set(TAGS)

/** Places listed at most, of each kind. */
export const MAX_LISTED = 1000

/** Where values were redacted: what a session file's header says (`SessionHeader.redaction`). */
export interface RedactedPlaces {
  /** Places in the state, as JSON Pointers from its root (the first token is the slice), the first `MAX_LISTED`. */
  paths: string[]
  /** Places in the actions that caused changes (`/payload/password`), the first `MAX_LISTED`. */
  actions: string[]
  /** Places in custom events' `data`, the first `MAX_LISTED`. */
  events: string[]
  /** Redactions at places beyond those listed (each counted as often as it happened). */
  more: number
}

/** Collects the places redacted, each once, up to `MAX_LISTED` of each kind. */
export class RedactionLog {
  readonly #lists = { paths: new Set<string>(), actions: new Set<string>(), events: new Set<string>() }
  #more = 0
  #count = 0

  constructor(readonly max = MAX_LISTED) {}

  /** Notes a place redacted: `tokens` from the state's root, or inside an action or an event's data. */
  add(kind: keyof RedactedPlaces & ('paths' | 'actions' | 'events'), tokens: readonly string[]): void {
    this.#count++
    const pointer = toPointer(tokens)
    const list = this.#lists[kind]
    if (list.has(pointer)) return
    if (list.size < this.max) list.add(pointer)
    else this.#more++
  }

  /** Every redaction noted, listed or not, repeated or not. */
  get count(): number {
    return this.#count
  }

  places(): RedactedPlaces {
    return { paths: [...this.#lists.paths], actions: [...this.#lists.actions], events: [...this.#lists.events], more: this.#more }
  }
}

/**
 * Where a value is: its key under its parent's place (tokens are built only for the places noted),
 * and which of the policy's paths may still match below it.
 */
export interface Place {
  readonly parent: Place | undefined
  readonly key: string
  readonly depth: number
  /** Indexes of the paths whose tokens so far match this place's (all, at the state's root). */
  readonly live: readonly number[]
}

/** The place at the state's root. */
export function rootPlace(policy: CompiledPolicy): Place {
  return { parent: undefined, key: '', depth: 0, live: policy.paths.map((_, i) => i) }
}

/** A place of something that is not state (an action's payload), below `tokens`: key patterns apply, no path does. */
export function dataPlace(tokens: readonly string[]): Place {
  let place: Place = { parent: undefined, key: '', depth: 0, live: [] }
  for (const key of tokens) place = { parent: place, key, depth: place.depth + 1, live: [] }
  return place
}

/** The tokens from the root to a place. */
export function tokensOf(place: Place): string[] {
  const out = new Array<string>(place.depth)
  for (let p: Place | undefined = place; p !== undefined && p.depth > 0; p = p.parent) out[p.depth - 1] = p.key
  return out
}

/**
 * The place of a child: `key` under `place`, in an object (`inObject`, where key patterns apply,
 * but to a tag's own key: `*date*` leaves `{"$date": …}` whole) or an array. `redacted` says
 * whether the child is at a place the policy names.
 */
export function childPlace(policy: CompiledPolicy, place: Place, key: string, inObject: boolean): { place: Place; redacted: boolean } {
  const depth = place.depth
  let redacted = inObject && policy.keyMatches(key) && !TAG_KEYS.has(key)
  const live: number[] = []
  for (const i of place.live) {
    const path = policy.paths[i] as readonly (string | null)[]
    const token = path[depth]
    if (token !== null && token !== key) continue
    if (path.length === depth + 1) redacted = true
    else live.push(i)
  }
  return { place: { parent: place, key, depth: depth + 1, live }, redacted }
}

/**
 * A value found at `place` (not itself redacted) with everything below it the policy names made
 * the marker: the same value when nothing is, else a copy of what changed. Markers already there
 * are kept (and noted). `note` is told of each place redacted.
 *
 * An array under the key `$map` is a Map's entries: an entry `[key, value]` whose key is a string a
 * key pattern matches has its value redacted (at `…/$map/<i>/1`). The rule looks at the key `$map`
 * alone, not at whether it is the object's only key, so that a change elsewhere in the object
 * never changes what it redacts (a runtime's own object with a key `$map` beside others, never
 * one the recorder writes as a Map, has its pairs read as entries too: more is redacted, not less).
 */
export function redactValue(policy: CompiledPolicy, value: Json, place: Place, note: (tokens: readonly string[]) => void): Json {
  if (value === null || typeof value !== 'object') return value
  if ((value as unknown) instanceof ChunkedArray) value = (value as unknown as ChunkedArray).toJSON()
  if (isMarker(value)) {
    note(tokensOf(place))
    return value
  }
  if (Array.isArray(value)) {
    const entries = place.key === MAP_ENTRIES
    let out: Json[] | undefined
    for (let i = 0; i < value.length; i++) {
      const v = value[i] as Json
      const child = entries && isEntry(v) ? entryAt(policy, v, place, i, note) : childAt(policy, v, place, String(i), false, note)
      if (child !== v) (out ??= value.slice())[i] = child
    }
    return out ?? value
  }
  let out: JsonObject | undefined
  for (const key of Object.keys(value)) {
    const v = value[key] as Json
    const child = childAt(policy, v, place, key, true, note)
    if (child !== v) {
      out ??= { ...value }
      // A `__proto__` key is data, set as an own property.
      Object.defineProperty(out, key, { value: child, enumerable: true, writable: true, configurable: true })
    }
  }
  return out ?? value
}

/** `named`: the child is redacted whatever its place (a Map entry's value whose key matches). */
function childAt(
  policy: CompiledPolicy,
  v: Json,
  place: Place,
  key: string,
  inObject: boolean,
  note: (tokens: readonly string[]) => void,
  named = false
): Json {
  const { place: at, redacted } = childPlace(policy, place, key, inObject)
  if (redacted || named) {
    note(tokensOf(at))
    return isMarker(v) ? v : marker()
  }
  return redactValue(policy, v, at, note)
}

/** A Map's entry with a string key, `[key, value]`, as `encode` writes one. */
function isEntry(v: Json): v is [string, Json] {
  return Array.isArray(v) && v.length === 2 && typeof v[0] === 'string'
}

/** Entry `i` of a Map's entries (at `place`, the `$map` key's) redacted: its value, when its key matches, like an object's property. */
function entryAt(policy: CompiledPolicy, entry: [string, Json], place: Place, i: number, note: (tokens: readonly string[]) => void): Json {
  const { place: at, redacted } = childPlace(policy, place, String(i), false)
  if (redacted) {
    note(tokensOf(at))
    return marker()
  }
  const key = entry[0]
  const value = entry[1]
  // The key is a string: only a path (`*`) can name it.
  const k = childAt(policy, key, at, '0', false, note)
  const v = childAt(policy, value, at, '1', false, note, policy.keyMatches(key))
  return k === key && v === value ? entry : [k, v]
}

/**
 * A whole state redacted: each slice at its place (a slice whose name the policy names is the
 * marker). The same object when nothing is redacted.
 */
export function redactSlices(
  policy: CompiledPolicy,
  slices: Record<string, Json>,
  note: (tokens: readonly string[]) => void
): Record<string, Json> {
  const root = rootPlace(policy)
  let out: Record<string, Json> | undefined
  for (const slice of Object.keys(slices)) {
    const v = slices[slice] as Json
    const child = childAt(policy, v, root, slice, true, note)
    if (child !== v) {
      out ??= { ...slices }
      Object.defineProperty(out, slice, { value: child, enumerable: true, writable: true, configurable: true })
    }
  }
  return out ?? slices
}

/**
 * A value that is not state (an action's payload, a custom event's data): key patterns apply at
 * any depth, paths do not.
 */
export function redactData(
  policy: CompiledPolicy,
  value: Json,
  tokens: readonly string[],
  note: (tokens: readonly string[]) => void
): Json {
  return redactValue(policy, value, dataPlace(tokens), note)
}
