/**
 * The seed's events route (`state.initial`, `state.update`, `execution.status`, `custom-event`;
 * Patchscope's own `GET /events` speaks it too) translated into entries. Its values travel encoded
 * as Patchscope encodes them and are recorded as they come. Each update is applied to a mirror
 * first: one that does not apply is noted and its slice held as it was (later patches of that
 * slice are not applied either) until the source sends the slice's whole value or its whole state.
 */
import { deeperThan } from '../../shared/json-depth'
import type { Cause, Json, Operation, Slices } from '../../shared/protocol'
import { applyUpdate, newEdit, PatchError } from '../../shared/state'
import { MAX_DEPTH } from '../recorder/encode'
import { isObject, isOps } from './checks'
import type { AttachSink, StreamMessage, Translator } from './translator'

/** The seed's event types (besides `heartbeat`). */
export const SEED_TYPES: ReadonlySet<string> = new Set(['state.initial', 'state.update', 'execution.status', 'custom-event'])

export class SeedRouteTranslator implements Translator {
  readonly protocol = 'seed'
  readonly resumable = true
  #mirror: Slices | undefined
  /** Slices whose mirror is out of step since a patch did not apply. */
  #stale = new Set<string>()
  /** A reconnect asked the source to resume; its first event says whether it did. */
  #resuming = false
  /** A reconnect that could not ask to resume: the next `state.initial` is a reset. */
  #afresh = false

  constructor(private readonly sink: AttachSink) {}

  reconnected(resuming: boolean): void {
    this.#resuming = resuming
    this.#afresh = !resuming
  }

  message({ event, data }: StreamMessage): void {
    const type = isObject(data) && typeof data.type === 'string' ? data.type : event
    if (type === 'heartbeat' && this.#resuming) {
      // A source that does not resume sends its state first: a heartbeat first means it resumed.
      this.#resuming = false
      this.sink.note('resumed', 'the source went on where it left off (Last-Event-ID): nothing was missed')
    }
    if (typeof type !== 'string' || !SEED_TYPES.has(type) || !isObject(data)) return
    const e = data
    const problem = this.#check(type, e)
    if (problem !== undefined) {
      this.sink.note('delta-not-applied', `a ${type} event was not recorded: ${problem}`)
      return
    }
    const resuming = this.#resuming
    this.#resuming = false
    if (type === 'state.initial') {
      this.#initial(e.slices as Slices, resuming, e.gap === true)
      return
    }
    if (resuming) this.sink.note('resumed', 'the source went on where it left off (Last-Event-ID): nothing was missed')
    if (type === 'state.update') this.#update(e)
    else if (type === 'execution.status') {
      this.sink.entry({
        type,
        status: e.status as string,
        executionId: e.executionId as string,
        ...(typeof e.turnId === 'string' ? { turnId: e.turnId } : {}),
        ...(typeof e.error === 'string' ? { error: e.error } : {})
      })
    } else this.sink.entry({ type: 'custom-event', data: e.data as Json })
  }

  #initial(slices: Slices, resuming: boolean, gap: boolean): void {
    const first = this.#mirror === undefined
    if (!first && (resuming || this.#afresh)) {
      const why = resuming
        ? gap
          ? 'the source no longer holds the events since the connection was lost (a gap)'
          : 'the source does not resume (Last-Event-ID): it sent its whole state again'
        : 'no event id had been received to resume from'
      this.sink.note('reset', `${why}; what changed while disconnected is missing, and the state starts again from the source's`)
    }
    this.#afresh = false
    this.#mirror = slices
    this.#stale.clear()
    this.sink.initial(slices)
  }

  #update(e: Record<string, unknown>): void {
    const slice = e.slice as string
    const patches = e.patches as Operation[] | undefined
    const mirror = this.#mirror ?? {}
    if (patches !== undefined && this.#stale.has(slice)) {
      this.sink.note(
        'delta-not-applied',
        `a patch of slice "${slice}" was not applied: the slice is out of step since an earlier patch did not apply, until the source sends its whole value`
      )
      return
    }
    const update = patches !== undefined ? { patches } : e.removed === true ? { removed: true } : { value: e.value as Json }
    try {
      this.#mirror = applyUpdate(mirror, slice, update, newEdit())
    } catch (err) {
      if (!(err instanceof PatchError)) throw err
      this.#stale.add(slice)
      this.sink.note(
        'delta-not-applied',
        `a patch of slice "${slice}" does not apply (${err.message}); the slice is kept as it was until the source sends its whole value`
      )
      return
    }
    this.#stale.delete(slice)
    this.sink.entry({ type: 'state.update', slice, ...update, cause: causeOf(e.cause) } as Parameters<AttachSink['entry']>[0])
  }

  /** What is wrong with an event of this type, if anything. */
  #check(type: string, e: Record<string, unknown>): string | undefined {
    if (deeperThan(e, MAX_DEPTH)) return `a value is nested deeper than ${MAX_DEPTH} levels`
    switch (type) {
      case 'state.initial':
        return isObject(e.slices) ? undefined : 'it has no "slices" object'
      case 'state.update': {
        if (typeof e.slice !== 'string') return 'it has no string "slice"'
        const forms = [e.patches !== undefined, e.value !== undefined, e.removed === true].filter(Boolean).length
        if (forms !== 1) return 'it needs exactly one of "patches", "value" or "removed"'
        if (e.patches !== undefined && !isOps(e.patches)) return '"patches" is not a list of JSON Patch operations'
        return undefined
      }
      case 'execution.status':
        return typeof e.status === 'string' && typeof e.executionId === 'string'
          ? undefined
          : 'it needs a string "status" and "executionId"'
      default:
        return 'data' in e ? undefined : 'it has no "data"'
    }
  }
}

/** The cause as the seed sends it (`{ type, id?, payload }`), kept to the fields a cause has. */
function causeOf(v: unknown): Cause {
  if (!isObject(v) || typeof v.type !== 'string') return { type: '(no cause sent)' }
  const cause: Cause = { type: v.type }
  if (typeof v.id === 'string') cause.id = v.id
  for (const key of ['payload', 'meta', 'error'] as const) if (v[key] !== undefined) cause[key] = v[key] as Json
  return cause
}
