/**
 * Redux DevTools exports, in both shapes the DevTools write:
 * - the lifted state `{ actionsById, computedStates, stagedActionIds, skippedActionIds,
 *   committedState, currentStateIndex, nextActionId }`, serialized with `jsan` (the monitor's
 *   *Export*: references to values met before as `{"$jsan": "$.path"}`, cycles, and with the
 *   `serialize` option dates, maps, sets, regular expressions, symbols, errors, functions,
 *   `undefined`, NaN and Infinity as `{"$jsan": "<code>…"}`; ImmutableJS values and the app's own
 *   classes as `{ data, __serializedType__ }` by `@redux-devtools/serialize`);
 * - the wrapper `{ payload: "<serialized>", preloadedState: "<serialized>" }`, whose payload is a
 *   lifted state or the list of actions alone (the extension's export when the app exports itself).
 *
 * Each is read as the DevTools' own `importState` reads it (`jsan.parse`, then the ImmutableJS
 * reviver of `@redux-devtools/serialize`), and becomes a session: `committedState` is the base,
 * each staged action an entry per top-level key it changed, caused by the action (its DevTools id
 * as the cause's `id`, its timestamp as the entries'). An action whose reducer threw (`error` in
 * its computed state) is a `dispatch` note with outcome `threw`; one that changed nothing a
 * `dispatch` note `no change` (as Patchscope records such a dispatch); a skipped action (toggled
 * off in the DevTools, its state the one before it) a custom event `{ reduxDevTools: "skipped",
 * action }`. A list of actions without their states gives the preloaded state and an `input` note
 * per action, for replay against the app's reducer: the file holds no state after them.
 */
import { immutableSerialize } from '@redux-devtools/serialize'
import * as Immutable from 'immutable'
import jsan from 'jsan'
import { noteData } from '../../shared/notes'
import type { Cause, Json } from '../../shared/protocol'
import { encode, isAtomic, viaToJSON } from '../recorder/encode'
import { causeOf } from '../recorder/recorder'
import { ForeignFileError } from './errors'
import { SessionWriter, SliceMirror } from './session-writer'

/** The format's name in messages and in the session's runtime name. */
export const REDUX_DEVTOOLS = 'Redux DevTools export'

/**
 * The start of an export: a JSON object whose first key is one of the lifted state's, or the
 * wrapper's `payload` as a string (checked on the file's first bytes, before parsing it whole).
 */
const START =
  /^\s*\{\s*(?:"(?:actionsById|computedStates|stagedActionIds|skippedActionIds|committedState|currentStateIndex|nextActionId|monitorState|isLocked|isPaused|preloadedState)"\s*:|"payload"\s*:\s*")/

/** Whether a file's start is that of a Redux DevTools export. */
export function looksLikeReduxDevTools(start: string): boolean {
  return START.test(start)
}

interface LiftedState {
  actionsById: Record<string, unknown>
  computedStates: unknown[]
  stagedActionIds: unknown[]
  skippedActionIds: unknown[]
  committedState: unknown
}

/**
 * Converts an export's text into the lines of a session file.
 * @throws {ForeignFileError} naming what is wrong with it
 */
export function convertReduxDevTools(text: string, name: string | undefined, now: number): string[] {
  const parsed = parse(text, 'the file')
  if (!isRecord(parsed)) throw new ForeignFileError(REDUX_DEVTOOLS, 'the file must hold a JSON object')
  const title = `${name ?? 'state.json'} (${REDUX_DEVTOOLS})`
  if (!('payload' in parsed)) return fromLifted(checkLifted(parsed, 'the file'), title, now)
  if (typeof parsed.payload !== 'string')
    throw new ForeignFileError(REDUX_DEVTOOLS, '"payload" must be a string (the serialized lifted state or actions)')
  const payload = parse(parsed.payload, '"payload"')
  const preloaded =
    typeof parsed.preloadedState === 'string' && parsed.preloadedState !== '' ? parse(parsed.preloadedState, '"preloadedState"') : undefined
  if (Array.isArray(payload)) return fromActions(payload, preloaded, title, now)
  if (!isRecord(payload)) throw new ForeignFileError(REDUX_DEVTOOLS, '"payload" must hold a lifted state or a list of actions')
  return fromLifted(checkLifted(payload, '"payload"'), title, now)
}

function fromLifted(lifted: LiftedState, title: string, now: number): string[] {
  const { actionsById, computedStates, stagedActionIds, committedState } = lifted
  const skipped = new Set(lifted.skippedActionIds.map(String))
  const states = computedStates.map((entry, i) => {
    if (!isRecord(entry)) throw new ForeignFileError(REDUX_DEVTOOLS, `computedStates[${i}] must be an object ({ state, error? })`)
    if (entry.error !== undefined && typeof entry.error !== 'string')
      throw new ForeignFileError(REDUX_DEVTOOLS, `computedStates[${i}].error must be a string`)
    return { state: entry.state, error: entry.error as string | undefined }
  })
  const actions = stagedActionIds.map((id, i) => {
    const key = String(id)
    const lifted = Object.hasOwn(actionsById, key) ? actionsById[key] : undefined
    if (!isRecord(lifted))
      throw new ForeignFileError(REDUX_DEVTOOLS, `stagedActionIds[${i}] is action ${key}, which actionsById does not hold`)
    return { id: key, action: lifted.action, timestamp: typeof lifted.timestamp === 'number' ? lifted.timestamp : undefined }
  })
  // A store whose state is not a plain object is one slice named `state`, as when Patchscope records it.
  const keyed = [committedState, ...states.map((s) => s.state)].every((s) => s === undefined || rootOf(s) !== undefined)
  const slicesOf = (state: unknown): Record<string, unknown> =>
    state === undefined ? {} : keyed ? (rootOf(state) ?? { state }) : { state }
  const first = actions.find((a) => a.timestamp !== undefined)?.timestamp ?? now
  const writer = new SessionWriter(title, first)
  const mirror = new SliceMirror()
  writer.initial(mirror.reset(slicesOf(committedState)), first)
  let time = first
  for (const [i, { id, action, timestamp }] of actions.entries()) {
    time = timestamp ?? time
    const cause: Cause = causeOf(action)
    cause.id ??= id
    const { state, error } = states[i] as { state: unknown; error: string | undefined }
    if (skipped.has(id)) writer.custom({ reduxDevTools: 'skipped', action: cause as unknown as Json }, time)
    const changes = mirror.changes(slicesOf(state))
    for (const [slice, change] of changes) writer.update(slice, change, cause, time)
    if (error !== undefined) writer.custom(noteData({ note: 'dispatch', outcome: 'threw', cause, error }), time)
    else if (changes.length === 0 && !skipped.has(id)) writer.custom(noteData({ note: 'dispatch', outcome: 'no change', cause }), time)
    // The next action is of the same type: this one's end is marked, as the store adapter marks it,
    // or the two would read as one action.
    else if (changes.length > 0 && causeOf(actions[i + 1]?.action).type === cause.type)
      writer.custom(noteData({ note: 'dispatch', outcome: 'changed', cause }), time)
  }
  return writer.finish(true)
}

function fromActions(actions: unknown[], preloaded: unknown, title: string, now: number): string[] {
  const writer = new SessionWriter(title, now)
  const root = preloaded === undefined ? {} : (rootOf(preloaded) ?? { state: preloaded })
  writer.initial(new SliceMirror().reset(root), now)
  for (const action of actions) writer.custom(noteData({ note: 'input', action: encode(action) }), now)
  return writer.finish(true)
}

function checkLifted(v: Record<string, unknown>, where: string): LiftedState {
  const { actionsById, computedStates, stagedActionIds, skippedActionIds = [], committedState } = v
  if (!isRecord(actionsById)) throw new ForeignFileError(REDUX_DEVTOOLS, `${where} needs "actionsById" (an object)`)
  if (!Array.isArray(stagedActionIds)) throw new ForeignFileError(REDUX_DEVTOOLS, `${where} needs "stagedActionIds" (an array)`)
  if (!Array.isArray(computedStates)) throw new ForeignFileError(REDUX_DEVTOOLS, `${where} needs "computedStates" (an array)`)
  if (!Array.isArray(skippedActionIds)) throw new ForeignFileError(REDUX_DEVTOOLS, '"skippedActionIds" must be an array')
  if (computedStates.length !== stagedActionIds.length)
    throw new ForeignFileError(
      REDUX_DEVTOOLS,
      `computedStates has ${count(computedStates.length, 'state')} for ${count(stagedActionIds.length, 'staged action')}`
    )
  return { actionsById, computedStates, stagedActionIds, skippedActionIds, committedState }
}

/**
 * Parses serialized text as the DevTools' `importState` does: `jsan.parse` (its references and
 * special values), then ImmutableJS and the app's classes revived by `@redux-devtools/serialize`.
 * The reviver runs after `jsan` has resolved references, whose paths run through the serialized
 * `{ data }` wrappers, and functions get back the name their source gives.
 */
function parse(text: string, what: string): unknown {
  let value: unknown
  try {
    value = jsan.parse(text)
  } catch (e) {
    throw new ForeignFileError(REDUX_DEVTOOLS, `${what} is not valid JSON (${(e as Error).message})`)
  }
  return revive(value, new Map())
}

const { reviver } = immutableSerialize(Immutable)

/** Revives bottom-up, each object once (references stay shared; a cycle keeps the object it loops to). */
function revive(value: unknown, done: Map<object, unknown>): unknown {
  if (typeof value === 'function') return named(value as () => unknown)
  if (typeof value !== 'object' || value === null) return value
  if (done.has(value)) return done.get(value)
  done.set(value, value)
  let out: unknown = value
  if (value instanceof Map) {
    out = new Map(Array.from(value, ([k, v]) => [revive(k, done), revive(v, done)]))
  } else if (value instanceof Set) {
    out = new Set(Array.from(value, (v) => revive(v, done)))
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = revive(value[i], done)
  } else if (Object.getPrototypeOf(value) === Object.prototype) {
    const record = value as Record<string, unknown>
    for (const key of Object.keys(record)) record[key] = revive(record[key], done)
    if (Object.hasOwn(record, '__serializedType__')) out = reviver('', record)
  }
  done.set(value, out)
  return out
}

/**
 * `jsan` gives a serialized function back as one named `fn` whose `toString()` is the source it
 * kept (`function increment() { /* ... *\/ }`): the recorded `$function` takes the name from that.
 */
function named(fn: () => unknown): () => unknown {
  const source = String(fn)
  const match = /^\s*(?:async\s+)?(?:function\s*\*?\s*([\w$]+)|\*?\s*([\w$]+)\s*\()/.exec(source)
  const name = match?.[1] ?? match?.[2] ?? ''
  const out = (): unknown => undefined
  Object.defineProperty(out, 'name', { value: name })
  return out
}

/** The top-level keys of a state that is an object (an ImmutableJS map or record through its `toJSON`), else undefined. */
function rootOf(state: unknown): Record<string, unknown> | undefined {
  if (typeof state !== 'object' || state === null || Array.isArray(state) || isAtomic(state)) return undefined
  const via = viaToJSON(state)
  if (via === undefined) return state as Record<string, unknown>
  const inner = via.value
  return typeof inner === 'object' && inner !== null && !Array.isArray(inner) && !isAtomic(inner)
    ? (inner as Record<string, unknown>)
    : undefined
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`
}
