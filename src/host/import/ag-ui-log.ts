/**
 * AG-UI event logs: one protocol event a line (as JSON, or as the `data:` lines of a saved event
 * stream), checked against the protocol's own schemas (`@ag-ui/core`). The log becomes a session:
 * - runs are executions (`RUN_STARTED` started, `RUN_FINISHED` completed, or `interrupted` /
 *   `cancelled` by its outcome, `RUN_ERROR` failed with its message), steps are their turns
 *   (`STEP_STARTED` / `STEP_FINISHED`; a step name met again in a run is `name #2`);
 * - the agent's state is the slices, one a top-level key (a state that is not an object is one
 *   slice named `state`): `STATE_SNAPSHOT` sets it, `STATE_DELTA` applies its JSON Patch, and each
 *   slice it touched becomes an entry caused by the event (the delta as the cause's payload, the
 *   run and step in its meta). A delta that does not apply is a custom event saying so, the state
 *   left as it was until the next snapshot, as a live client would;
 * - the conversation is the slice `(messages)`: `MESSAGES_SNAPSHOT` sets it, `TEXT_MESSAGE_*`
 *   and `TOOL_CALL_*` (and their `_CHUNK` forms) build it as an AG-UI client does, a token at a
 *   time; `TEXT_MESSAGE_END` and `TOOL_CALL_END` change nothing and are left out;
 * - every other event (`CUSTOM`, `RAW`, reasoning, activity, subagents, and types this version of
 *   the protocol does not know) is a custom event holding it whole.
 * An event without a timestamp takes the one before it. A last line cut in the middle is left out
 * and the session has no closing line, so it imports as cut short.
 */
import { EventType, type Event as AgUiEvent } from '@ag-ui/core'
import { EventSchemas } from '@ag-ui/core/schemas'
import type { Cause, Json, Operation } from '../../shared/protocol'
import { parsePointer } from '../../shared/pointer'
import { applyPatch, newEdit } from '../../shared/state'
import { encode } from '../recorder/encode'
import { Conversation, type Message } from './ag-ui-messages'
import { ForeignFileError } from './errors'
import { SessionWriter, SliceMirror } from './session-writer'

/** The format's name in messages and in the session's runtime name. */
export const AG_UI_LOG = 'AG-UI event log'

/** The slice that holds the conversation. Parenthesized: no agent state's key, as `(found by verification)` is no action. */
export const MESSAGES_SLICE = '(messages)'

const TYPES: ReadonlySet<string> = new Set(Object.values(EventType))

/** The JSON of a log line: the line itself, or what follows `data:` in a saved event stream; undefined for the stream's other lines. */
function payloadOf(line: string): string | undefined {
  const text = line.trim()
  if (text === '' || text.startsWith(':') || /^(?:event|id|retry):/.test(text)) return undefined
  return text.startsWith('data:') ? text.slice(5).trim() : text
}

/** Whether a file starts with an AG-UI event (its first line holding JSON, past a stream's `event:` and blank lines). */
export function looksLikeAgUiLog(text: string): boolean {
  let json: string | undefined
  for (let at = 0, lines = 0; json === undefined && at < text.length && lines < 16; lines++) {
    const end = text.indexOf('\n', at)
    json = payloadOf(text.slice(at, end === -1 ? text.length : end))
    at = end === -1 ? text.length : end + 1
  }
  if (json === undefined || !json.startsWith('{')) return false
  try {
    const v: unknown = JSON.parse(json)
    return isRecord(v) && typeof v.type === 'string' && TYPES.has(v.type)
  } catch {
    // Not JSON: not an event log (a pretty-printed file, or another format).
    return false
  }
}

/** A log line read: the event, checked against the schema when the protocol knows its type. */
interface Line {
  n: number
  event: Record<string, unknown> & { type: string; timestamp?: number }
  known: AgUiEvent | undefined
}

/**
 * Converts a log's text into the lines of a session file.
 * @throws {ForeignFileError} naming the line and what is wrong with it
 */
export function convertAgUiLog(text: string, name: string | undefined, now: number): string[] {
  const { lines, cut } = readLines(text)
  if (lines.length === 0) throw new ForeignFileError(AG_UI_LOG, 'the log holds no event')
  const first = lines.find((l) => typeof l.event.timestamp === 'number')?.event.timestamp ?? now
  const writer = new SessionWriter(`${name ?? 'events.jsonl'} (${AG_UI_LOG})`, first)
  writer.initial({}, first)
  const log = new Conversion(writer)
  let time = first
  for (const line of lines) {
    time = line.event.timestamp ?? time
    log.event(line, time)
  }
  return writer.finish(!cut)
}

function readLines(text: string): { lines: Line[]; cut: boolean } {
  const raw = text.split('\n')
  const lines: Line[] = []
  let cut = false
  for (let i = 0; i < raw.length; i++) {
    const json = payloadOf(raw[i] as string)
    if (json === undefined) continue
    let value: unknown
    try {
      value = JSON.parse(json)
    } catch (e) {
      // The last line, without its newline: a log cut in the middle of a line. What came before is kept.
      if (i === raw.length - 1 && lines.length > 0) {
        cut = true
        continue
      }
      throw new ForeignFileError(AG_UI_LOG, `not valid JSON (${(e as Error).message})`, i + 1)
    }
    if (!isRecord(value) || typeof value.type !== 'string')
      throw new ForeignFileError(AG_UI_LOG, 'an event must be a JSON object with a string "type"', i + 1)
    if (value.timestamp !== undefined && typeof value.timestamp !== 'number')
      throw new ForeignFileError(AG_UI_LOG, `${value.type}: "timestamp" must be a number (milliseconds)`, i + 1)
    let known: AgUiEvent | undefined
    if (TYPES.has(value.type)) {
      const checked = EventSchemas.safeParse(value)
      if (!checked.success) {
        const issue = checked.error.issues[0]
        const where = issue === undefined || issue.path.length === 0 ? '' : `"${issue.path.join('.')}": `
        throw new ForeignFileError(AG_UI_LOG, `${value.type}: ${where}${issue?.message ?? 'does not match the protocol'}`, i + 1)
      }
      known = checked.data as AgUiEvent
    }
    lines.push({ n: i + 1, event: value as Line['event'], known })
  }
  return { lines, cut }
}

/** The state, the conversation and the runs as the log has them so far, written as entries. */
class Conversion {
  /** The agent's state as sent (plain JSON): a delta applies to it. */
  #state: Json = {}
  /** Set once the log speaks of messages: the slice appears then. */
  #messages: Conversation | undefined
  readonly #mirror = new SliceMirror()
  /** The run under way, and its open steps by name (the turn id each got). */
  #run: { id: string; threadId: string | undefined; steps: Map<string, string[]>; count: Map<string, number> } | undefined

  constructor(private readonly writer: SessionWriter) {}

  event({ n, event, known }: Line, time: number): void {
    if (known === undefined) return this.#custom(event, time)
    switch (known.type) {
      case EventType.RUN_STARTED:
        this.#run = { id: known.runId, threadId: known.threadId, steps: new Map(), count: new Map() }
        return this.writer.status('started', known.runId, time)
      case EventType.RUN_FINISHED: {
        const outcome = known.outcome?.type
        this.writer.status(outcome === 'interrupt' ? 'interrupted' : outcome === 'cancelled' ? 'cancelled' : 'completed', known.runId, time)
        if (this.#run?.id === known.runId) this.#run = undefined
        return
      }
      case EventType.RUN_ERROR:
        this.writer.status(
          'failed',
          this.#run?.id ?? '(run)',
          time,
          undefined,
          known.code === undefined ? known.message : `${known.message} (${known.code})`
        )
        this.#run = undefined
        return
      case EventType.STEP_STARTED:
        return this.#step(known.stepName, 'started', time)
      case EventType.STEP_FINISHED:
        return this.#step(known.stepName, 'completed', time)
      case EventType.STATE_SNAPSHOT:
        this.#state = known.snapshot as Json
        return this.#write(this.#cause(known.type), time)
      case EventType.STATE_DELTA:
        return this.#delta(known.delta as Operation[], n, time)
      case EventType.MESSAGES_SNAPSHOT:
        this.#conversation().reset(known.messages as unknown as Message[])
        return this.#write(this.#cause(known.type), time, [MESSAGES_SLICE])
      case EventType.TEXT_MESSAGE_START:
        this.#conversation().start(known.messageId, known.role, known.name)
        return this.#write(this.#cause(known.type, event), time, [MESSAGES_SLICE])
      case EventType.TEXT_MESSAGE_CONTENT:
        this.#conversation().append(known.messageId, known.delta)
        return this.#write(this.#cause(known.type, event), time, [MESSAGES_SLICE])
      case EventType.TEXT_MESSAGE_CHUNK:
        this.#conversation().chunk(known.messageId, known.delta ?? '', known.role)
        return this.#write(this.#cause(known.type, event), time, [MESSAGES_SLICE])
      case EventType.TOOL_CALL_START:
        this.#conversation().toolCall(known.toolCallId, known.toolCallName, known.parentMessageId)
        return this.#write(this.#cause(known.type, event), time, [MESSAGES_SLICE])
      case EventType.TOOL_CALL_ARGS:
        this.#conversation().toolArgs(known.toolCallId, known.delta)
        return this.#write(this.#cause(known.type, event), time, [MESSAGES_SLICE])
      case EventType.TOOL_CALL_CHUNK: {
        this.#conversation().toolChunk(known.toolCallId, known.toolCallName, known.parentMessageId, known.delta ?? '')
        return this.#write(this.#cause(known.type, event), time, [MESSAGES_SLICE])
      }
      case EventType.TOOL_CALL_RESULT:
        this.#conversation().result(known.messageId, known.toolCallId, known.content as Json, known.role)
        return this.#write(this.#cause(known.type, event), time, [MESSAGES_SLICE])
      case EventType.TEXT_MESSAGE_END:
      case EventType.TOOL_CALL_END:
        return
      default:
        return this.#custom(event, time)
    }
  }

  #custom(event: Record<string, unknown>, time: number): void {
    this.writer.custom(encode(event), time)
  }

  /** The slices the state and the conversation are now. */
  #slices(): Record<string, unknown> {
    const state = this.#state
    const slices: Record<string, unknown> = typeof state === 'object' && state !== null && !Array.isArray(state) ? { ...state } : { state }
    if (this.#messages !== undefined) slices[MESSAGES_SLICE] = this.#messages.messages
    return slices
  }

  #conversation(): Conversation {
    this.#messages ??= new Conversation()
    return this.#messages
  }

  /** Writes what changed of the slices (`only` those, when given) with this cause. */
  #write(cause: Cause, time: number, only?: Iterable<string>): void {
    for (const [slice, change] of this.#mirror.changes(this.#slices(), only)) this.writer.update(slice, change, cause, time)
  }

  /** An event as a cause: its type, its fields but the big ones as the payload, the run and step as meta. */
  #cause(type: string, event?: Record<string, unknown>): Cause {
    const cause: Cause = { type }
    if (event !== undefined) {
      const { type: _type, timestamp: _timestamp, rawEvent: _raw, ...payload } = event
      cause.payload = encode(payload)
    }
    const run = this.#run
    if (run !== undefined) {
      const step = [...run.steps.values()].flat().at(-1)
      cause.meta = {
        runId: run.id,
        ...(run.threadId === undefined ? {} : { threadId: run.threadId }),
        ...(step === undefined ? {} : { step })
      }
    }
    return cause
  }

  #step(name: string, status: 'started' | 'completed', time: number): void {
    const run = this.#run
    const executionId = run?.id ?? '(run)'
    if (run === undefined) return this.writer.status(status, executionId, time, name)
    const open = run.steps.get(name) ?? []
    let turnId: string
    if (status === 'started') {
      const k = (run.count.get(name) ?? 0) + 1
      run.count.set(name, k)
      turnId = k === 1 ? name : `${name} #${k}`
      open.push(turnId)
      run.steps.set(name, open)
    } else {
      turnId = open.pop() ?? name
      if (open.length === 0) run.steps.delete(name)
    }
    this.writer.status(status, executionId, time, turnId)
  }

  /** Applies a delta to a copy of the state; one that does not apply is said, and changes nothing. */
  #delta(delta: Operation[], n: number, time: number): void {
    let next: Json
    try {
      next = applyPatch(this.#state, delta, newEdit())
    } catch (e) {
      const notApplied = `line ${n}: the delta does not apply to the state (${(e as Error).message}); the state is left as it was`
      this.writer.custom({ type: EventType.STATE_DELTA, delta: encode(delta), notApplied }, time)
      return
    }
    this.#state = next
    const touched = new Set<string>()
    const keyed = typeof next === 'object' && next !== null && !Array.isArray(next)
    for (const op of delta) {
      for (const pointer of 'from' in op ? [op.path, op.from] : [op.path]) {
        const [key] = parsePointer(pointer)
        if (key === undefined || !keyed) for (const k of Object.keys(this.#slices())) touched.add(k)
        else touched.add(key)
      }
    }
    this.#write({ ...this.#cause(EventType.STATE_DELTA), payload: encode(delta) }, time, touched)
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
