/**
 * Redacting a history as it goes: each entry becomes one that, applied to the redacted state
 * before it, gives exactly the redacted state after it. Cheap rules cover what the recorder
 * writes (`add`, `remove`, `replace`, and `test`), from each operation's path alone:
 *
 * - a value put at a place the policy names becomes the marker;
 * - an operation below such a place (`add /user/password/0`) becomes a `replace` of that place with
 *   the marker, so the entry still says what changed, never to what;
 * - a value put elsewhere is redacted deeply (keys inside it, paths below it);
 * - a `remove` is kept as it is (the marker goes with what it stood for).
 *
 * These are exact because a policy never names an array index (see `compilePolicy`): elements that
 * move as others come and go keep what they are redacted for. A `move` or `copy` touching a place
 * the policy names, at or below or above it, is one case they cannot follow: the entry becomes
 * the slice's whole value after it, redacted, from the real state its caller gives (lazily); without
 * one the slice becomes the marker until its next whole value. The other, with key patterns, is an
 * operation inside a Map's entries (`…/$map/0/1`: which key the entry has is not in the path), but
 * the removal of a whole entry; the recorder never writes one (it replaces a Map whole), a file or
 * a stream from elsewhere may.
 *
 * Not state, and redacted too: the action that caused a change (`cause.payload`, `meta`, `error`:
 * key patterns at any depth; the whole payload when the action's type matches a key pattern, as
 * `auth/setToken` does `*token`) and a custom event's `data`.
 */
import { parsePointer, toPointer } from '../pointer'
import type { Cause, HistoryEvent, Json, Operation, StateUpdateEvent } from '../protocol'
import type { CompiledPolicy } from './policy'
import {
  childPlace,
  isMarker,
  MAP_ENTRIES,
  marker,
  RedactionLog,
  redactData,
  redactSlices,
  redactValue,
  rootPlace,
  tokensOf,
  type Place
} from './redact'

/** Gives a slice's real value right after the entry being redacted; undefined when it is not known. */
export type RealSlice = (slice: string) => Json | undefined

export class EventRedactor {
  /** Slices the marker stands for whole, for lack of their real state, until their next whole value. */
  readonly #whole = new Set<string>()
  readonly #statePath: (tokens: readonly string[]) => void
  /** The policy has key patterns: what a Map's entry holds depends on its key, which a path into the entries does not say. */
  readonly #keyed: boolean

  constructor(
    readonly policy: CompiledPolicy,
    /** Where the places redacted are noted. */
    readonly log = new RedactionLog()
  ) {
    this.#statePath = (tokens) => log.add('paths', tokens)
    this.#keyed = policy.policy.keys.length > 0
  }

  /**
   * The entry redacted: the same object when nothing in it is redacted.
   * @param real the real value of a slice after this entry, asked for only by a `move` or `copy` the rules cannot follow
   */
  event(event: HistoryEvent, real?: RealSlice): HistoryEvent {
    if (this.policy.empty) return event
    switch (event.type) {
      case 'state.initial': {
        this.#whole.clear()
        const slices = redactSlices(this.policy, event.slices, this.#statePath)
        return slices === event.slices ? event : { ...event, slices }
      }
      case 'state.update':
        return this.#update(event, real)
      case 'custom-event': {
        const data = redactData(this.policy, event.data, [], (tokens) => this.log.add('events', tokens))
        return data === event.data ? event : { ...event, data }
      }
      default:
        return event
    }
  }

  #update(event: StateUpdateEvent, real: RealSlice | undefined): StateUpdateEvent {
    const cause = this.#cause(event.cause)
    const e = cause === event.cause ? event : { ...event, cause }
    const slice = e.slice
    if (e.removed === true) {
      this.#whole.delete(slice)
      return e
    }
    const { place, redacted } = childPlace(this.policy, rootPlace(this.policy), slice, true)
    if (e.value !== undefined) this.#whole.delete(slice)
    if (redacted || this.#whole.has(slice)) {
      this.#statePath([slice])
      return isMarker(e.value) ? e : withChange(e, { value: marker() })
    }
    if (e.value !== undefined) {
      const value = redactValue(this.policy, e.value, place, this.#statePath)
      return value === e.value ? e : withChange(e, { value })
    }
    const patches = this.#patches(e.patches ?? [], place)
    if (patches === 'fallback') {
      const value = real?.(slice)
      if (value !== undefined) return withChange(e, { value: redactValue(this.policy, value, place, this.#statePath) })
      this.#whole.add(slice)
      this.#statePath([slice])
      return withChange(e, { value: marker() })
    }
    return patches === e.patches ? e : withChange(e, { patches })
  }

  /** The operations redacted (the same array when none is), or 'fallback' when the rules cannot follow them. */
  #patches(ops: readonly Operation[], slice: Place): Operation[] | 'fallback' {
    let out: Operation[] | undefined
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i] as Operation
      const next = this.#operation(op, slice)
      if (next === 'fallback') return 'fallback'
      if (next === op && out === undefined) continue
      out ??= ops.slice(0, i)
      const last = out[out.length - 1]
      // Several operations below one redacted place say the same thing once.
      // (A replace only: two adds at one index of an array are two elements.)
      if (
        next !== op &&
        next.op === 'replace' &&
        last?.op === 'replace' &&
        last.path === next.path &&
        isMarker(last.value) &&
        isMarker(next.value)
      )
        continue
      out.push(next)
    }
    return out ?? (ops as Operation[])
  }

  #operation(op: Operation, slice: Place): Operation | 'fallback' {
    if ('from' in op) return this.#touches(slice, op.from) || this.#touches(slice, op.path) ? 'fallback' : op
    const tokens = parsePointer(op.path)
    let place = slice
    for (let d = 0; d < tokens.length; d++) {
      // Inside a Map's entries; removing a whole entry leaves the others as they were redacted.
      if (this.#keyed && place.key === MAP_ENTRIES && !(op.op === 'remove' && d === tokens.length - 1)) return 'fallback'
      const child = childPlace(this.policy, place, tokens[d] as string, true)
      place = child.place
      if (!child.redacted) continue
      const at = tokensOf(place)
      this.#statePath(at)
      if (d < tokens.length - 1) {
        // Below the place: what it stands for changed.
        return { op: op.op === 'test' ? 'test' : 'replace', path: toPointer(at.slice(1)), value: marker() }
      }
      if (op.op === 'remove' || isMarker(op.value)) return op
      return { op: op.op, path: op.path, value: marker() }
    }
    if (op.op === 'remove') return op
    const value = redactValue(this.policy, op.value, place, this.#statePath)
    return value === op.value ? op : { op: op.op, path: op.path, value }
  }

  /** True when a pointer reaches, crosses or leads to a place the policy names, or a Map's entries. */
  #touches(slice: Place, pointer: string): boolean {
    let place = slice
    for (const token of parsePointer(pointer)) {
      if (this.#keyed && place.key === MAP_ENTRIES) return true
      const child = childPlace(this.policy, place, token, true)
      if (child.redacted) return true
      place = child.place
    }
    // Entries moved whole to or from a Map are redacted as entries there only.
    if (this.#keyed && place.key === MAP_ENTRIES) return true
    // Paths still live name places below; key patterns may name keys inside the value, which a
    // move carries along redacted (they do not depend on where the value is).
    return place.live.length > 0
  }

  #cause(cause: Cause): Cause {
    const note = (tokens: readonly string[]): void => this.log.add('actions', tokens)
    let out: Cause | undefined
    if (cause.payload !== undefined) {
      let payload: Json
      if (this.policy.keyMatches(cause.type) && !isMarker(cause.payload)) {
        // `auth/setToken` with the token itself as its payload.
        note(['payload'])
        payload = marker()
      } else {
        payload = redactData(this.policy, cause.payload, ['payload'], note)
      }
      if (payload !== cause.payload) out = { ...cause, payload }
    }
    for (const field of ['meta', 'error'] as const) {
      const v = cause[field]
      if (v === undefined) continue
      const r = redactData(this.policy, v, [field], note)
      if (r !== v) out = { ...(out ?? cause), [field]: r }
    }
    return out ?? cause
  }
}

/** The update with its change replaced, its fields in the same order (`patches` or `value` where the old one was). */
function withChange(e: StateUpdateEvent, change: { patches: Operation[] } | { value: Json }): StateUpdateEvent {
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(e)) {
    if (key === 'patches' || key === 'value') Object.assign(out, change)
    else out[key] = e[key as keyof StateUpdateEvent]
  }
  return out as unknown as StateUpdateEvent
}
