/**
 * The one translation of AG-UI events into Patchscope entries, for a live stream (attach) and a
 * saved log (import) alike, so a log saved from a stream imports as the history attaching recorded:
 * - the agent's state is the slices, one a top-level key, as Patchscope records the slices of any
 *   other runtime (a state that is not an object is one slice named `state`). It starts as `{}`, as
 *   an AG-UI client's does; `STATE_SNAPSHOT` sets it and `STATE_DELTA` applies its JSON Patch;
 * - the conversation is the slice `(messages)` (parenthesized: no agent state's key, as
 *   `(found by verification)` is no action), there once an event speaks of messages:
 *   `MESSAGES_SNAPSHOT` sets it, `TEXT_MESSAGE_*` and `TOOL_CALL_*` (and their `_CHUNK` forms)
 *   build it a token at a time (see `Conversation`); `TEXT_MESSAGE_END` and `TOOL_CALL_END`
 *   change nothing and record nothing;
 * - each change is the recorder's own diff of the slice before and after the event, one entry a
 *   slice it changed, caused by the event: its type, its fields as the payload (a delta's
 *   operations; none for a snapshot, which is its own change), the run, thread and step under way
 *   as the meta;
 * - runs are executions (`RUN_STARTED` started; `RUN_FINISHED` completed, or interrupted or
 *   cancelled by its outcome; `RUN_ERROR` failed with its message), steps are their turns
 *   (`STEP_STARTED` running, `STEP_FINISHED` completed; a step name met again in a run is `name #2`);
 * - every other event (`CUSTOM`, `RAW`, reasoning, activity, subagents, and types this version of
 *   the protocol does not know) is a custom event holding it whole.
 * An event that cannot be applied changes nothing and is said by an attach note
 * (`delta-not-applied`). A delta that does not apply leaves the state out of step: it is kept as it
 * was, later deltas are not applied either (each said), until the next `STATE_SNAPSHOT` repairs it
 * — what is shown is never a state the agent did not have. Events missed (a lost connection) leave
 * it out of step the same way.
 */
import { EventType, type Event as AgUiEvent } from '@ag-ui/core'
import type { Cause, Json, Operation } from '../../shared/protocol'
import { parsePointer } from '../../shared/pointer'
import { applyPatch, newEdit, PatchError } from '../../shared/state'
import type { AttachSink } from '../attach/translator'
import { encode } from '../recorder/encode'
import { Snapshot } from '../recorder/snapshot'
import { Conversation, type Message } from './conversation'
import type { ReadEvent } from './events'

/** The slice that holds the conversation. */
export const MESSAGES_SLICE = '(messages)'

/** The slice of an agent state that is not an object. */
export const STATE_SLICE = 'state'

/** The run under way: its open steps by name (the turn ids they got), and how often each name started. */
interface Run {
  id: string
  threadId: string | undefined
  open: Map<string, string[]>
  started: Map<string, number>
}

/**
 * Translates AG-UI events, in order, into entries recorded through `sink` (the host for an
 * attachment, a session file for an import): a `state.initial` of `{}` before the first.
 * @example
 * const t = new AgUiTranslation(sink)
 * t.event(readEvent({ type: 'STATE_SNAPSHOT', snapshot: { count: 1 } }) as ReadEvent) // count: { value: 1 }
 */
export class AgUiTranslation {
  /** The agent's state as sent (never changed in place: a delta copies what it changes). */
  #state: Json = {}
  /** Why the state is out of step (`a delta did not apply`), until the next `STATE_SNAPSHOT`. */
  #outOfStep: string | undefined
  /** Set once an event speaks of messages: the slice appears then. */
  #conversation: Conversation | undefined
  /** The recorder's diff: every value here is never changed in place, so trusting references is exact. */
  readonly #snapshot = new Snapshot({ policy: 'trust' })
  #run: Run | undefined
  #started = false

  constructor(private readonly sink: AttachSink) {}

  /**
   * Events were missed (a connection lost, and the source cannot resume): the state is out of step
   * until the next `STATE_SNAPSHOT`. `why` ends "the state is out of step since …".
   */
  missed(why: string): void {
    if (this.#started) this.#outOfStep = why
  }

  /** Records one event. */
  event({ raw, known }: ReadEvent): void {
    if (!this.#started) {
      this.#started = true
      this.#snapshot.reset({})
      this.sink.initial({})
    }
    if (known === undefined) return this.#custom(raw)
    const problem = this.#apply(known, raw)
    if (problem !== undefined) this.sink.note('delta-not-applied', `${known.type} was not applied: ${problem}`)
  }

  /** Records one event the protocol knows; returns why it could not be, if it could not. */
  #apply(e: AgUiEvent, raw: Record<string, unknown>): string | undefined {
    switch (e.type) {
      case EventType.RUN_STARTED:
        this.#run = { id: e.runId, threadId: e.threadId, open: new Map(), started: new Map() }
        return this.#status('started', e.runId)
      case EventType.RUN_FINISHED: {
        const outcome = e.outcome?.type
        this.#status(outcome === 'interrupt' ? 'interrupted' : outcome === 'cancelled' ? 'cancelled' : 'completed', e.runId)
        if (this.#run?.id === e.runId) this.#run = undefined
        return undefined
      }
      case EventType.RUN_ERROR:
        this.#status('failed', this.#run?.id, undefined, e.code === undefined ? e.message : `${e.message} (${e.code})`)
        this.#run = undefined
        return undefined
      case EventType.STEP_STARTED:
      case EventType.STEP_FINISHED:
        return this.#step(e.stepName, e.type === EventType.STEP_STARTED)
      case EventType.STATE_SNAPSHOT: {
        const before = this.#state
        this.#state = e.snapshot as Json
        this.#outOfStep = undefined
        this.#record(union(keysOf(before), keysOf(this.#state)), this.#cause(e.type))
        return undefined
      }
      case EventType.STATE_DELTA:
        return this.#delta(e.delta as Operation[])
      case EventType.MESSAGES_SNAPSHOT:
        return this.#messages(this.#cause(e.type), (c) => c.reset(e.messages as unknown as Message[]))
      case EventType.TEXT_MESSAGE_START:
        return this.#messages(this.#cause(e.type, raw), (c) => c.start(e.messageId, e.role ?? 'assistant', e.name))
      case EventType.TEXT_MESSAGE_CONTENT:
        return this.#messages(this.#cause(e.type, raw), (c) => c.append(e.messageId, e.delta))
      case EventType.TEXT_MESSAGE_CHUNK:
        return this.#messages(this.#cause(e.type, raw), (c) => c.chunk(e.messageId, e.delta ?? '', e.role, e.name))
      case EventType.TOOL_CALL_START:
        return this.#messages(this.#cause(e.type, raw), (c) => c.toolCall(e.toolCallId, e.toolCallName, e.parentMessageId))
      case EventType.TOOL_CALL_ARGS:
        return this.#messages(this.#cause(e.type, raw), (c) => c.toolArgs(e.toolCallId, e.delta))
      case EventType.TOOL_CALL_CHUNK:
        return this.#messages(this.#cause(e.type, raw), (c) => c.toolChunk(e.toolCallId, e.toolCallName, e.parentMessageId, e.delta ?? ''))
      case EventType.TOOL_CALL_RESULT:
        return this.#messages(this.#cause(e.type, raw), (c) => c.result(e.messageId, e.toolCallId, e.content as Json, e.role ?? 'tool'))
      case EventType.TEXT_MESSAGE_END:
      case EventType.TOOL_CALL_END:
        // The message or the call is whole: nothing in the state changes.
        return undefined
      default:
        this.#custom(raw)
        return undefined
    }
  }

  #custom(raw: Record<string, unknown>): void {
    this.sink.entry({ type: 'custom-event', data: encode(raw) })
  }

  #status(status: string, runId: string | undefined, turnId?: string, error?: string): undefined {
    this.sink.entry({
      type: 'execution.status',
      status,
      executionId: runId ?? '(run)',
      ...(turnId === undefined ? {} : { turnId }),
      ...(error === undefined ? {} : { error })
    })
    return undefined
  }

  #step(name: string, starts: boolean): undefined {
    const run = this.#run
    if (run === undefined) return this.#status(starts ? 'running' : 'completed', undefined, name)
    const open = run.open.get(name) ?? []
    let turnId: string
    if (starts) {
      const k = (run.started.get(name) ?? 0) + 1
      run.started.set(name, k)
      turnId = k === 1 ? name : `${name} #${k}`
      open.push(turnId)
      run.open.set(name, open)
    } else {
      turnId = open.pop() ?? name
      if (open.length === 0) run.open.delete(name)
    }
    return this.#status(starts ? 'running' : 'completed', run.id, turnId)
  }

  /** Applies a delta to the state (copying what it changes); one that does not apply leaves the state out of step. */
  #delta(delta: Operation[]): string | undefined {
    if (this.#outOfStep !== undefined)
      return `the state is out of step since ${this.#outOfStep}: it is kept as it was until the next STATE_SNAPSHOT`
    const before = this.#state
    let next: Json
    try {
      next = applyPatch(before, delta, newEdit())
    } catch (err) {
      if (!(err instanceof PatchError)) throw err
      this.#outOfStep = 'a delta did not apply'
      return `${err.message}; the state is kept as it was until the next STATE_SNAPSHOT`
    }
    this.#state = next
    this.#record(touched(before, next, delta), { ...this.#cause(EventType.STATE_DELTA), payload: encode(delta) })
    return undefined
  }

  /** Changes the conversation (made when first spoken of) and records what changed of it. */
  #messages(cause: Cause, change: (c: Conversation) => string | undefined): string | undefined {
    this.#conversation ??= new Conversation()
    const problem = change(this.#conversation)
    if (problem !== undefined) return problem
    this.#write(MESSAGES_SLICE, this.#conversation.messages, cause)
    return undefined
  }

  /** Records what changed of these slices of the agent's state. */
  #record(keys: Iterable<string>, cause: Cause): void {
    const slices = slicesOf(this.#state)
    for (const key of keys) this.#write(key, slices.has(key) ? slices.get(key) : ABSENT, cause)
  }

  #write(slice: string, value: unknown, cause: Cause): void {
    const change = value === ABSENT ? this.#snapshot.remove(slice) : this.#snapshot.update(slice, value)
    if (change !== undefined) this.sink.entry({ type: 'state.update', slice, ...change, cause })
  }

  /** An event as a cause: its type, its fields but the protocol's own as the payload, the run and step as meta. */
  #cause(type: string, raw?: Record<string, unknown>): Cause {
    const cause: Cause = { type }
    if (raw !== undefined) {
      const { type: _type, timestamp: _timestamp, rawEvent: _raw, ...payload } = raw
      cause.payload = encode(payload)
    }
    const run = this.#run
    if (run !== undefined) {
      const step = [...run.open.values()].flat().at(-1)
      cause.meta = {
        runId: run.id,
        ...(run.threadId === undefined ? {} : { threadId: run.threadId }),
        ...(step === undefined ? {} : { step })
      }
    }
    return cause
  }
}

/** A slice that is no longer there. */
const ABSENT: unique symbol = Symbol('absent')

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** The agent's state as slices: its top-level keys, or `state` for one that is not an object. */
function slicesOf(state: Json): Map<string, Json> {
  return isObject(state) ? new Map(Object.keys(state).map((k) => [k, state[k] as Json])) : new Map([[STATE_SLICE, state]])
}

function keysOf(state: Json): string[] {
  return isObject(state) ? Object.keys(state) : [STATE_SLICE]
}

function union(a: readonly string[], b: readonly string[]): Set<string> {
  return new Set([...a, ...b])
}

/** The slices a delta touched, in the order of its operations (all of them when it replaces the whole state). */
function touched(before: Json, after: Json, delta: readonly Operation[]): Set<string> {
  const all = union(keysOf(before), keysOf(after))
  if (!isObject(before) || !isObject(after)) return all
  const keys = new Set<string>()
  for (const op of delta) {
    for (const pointer of 'from' in op ? [op.path, op.from] : [op.path]) {
      const [key] = parsePointer(pointer)
      if (key === undefined) return all
      keys.add(key)
    }
  }
  return keys
}
