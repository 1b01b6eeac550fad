/**
 * The AG-UI protocol translated into entries. Two slices: `state`, the agent's state
 * (`STATE_SNAPSHOT`, `STATE_DELTA`), and `messages`, the conversation (`MESSAGES_SNAPSHOT`, and the
 * `TEXT_MESSAGE_*` and `TOOL_CALL_*` events that build it token by token). A run is an execution
 * (`RUN_STARTED`, `RUN_FINISHED`, `RUN_ERROR`), a step one of its turns (`STEP_STARTED`, `STEP_FINISHED`);
 * every other event is a custom event. Each change is the diff of the mirror before and after it
 * (the recorder's own diff), with the AG-UI event as its cause: a snapshot is recorded as what it
 * changed. A delta that does not apply is noted, and the state is kept as it was (later deltas
 * too) until the next `STATE_SNAPSHOT` repairs it.
 */
import { deeperThan } from '../../shared/json-depth'
import type { Json, JsonObject } from '../../shared/protocol'
import { applyPatch, newEdit, PatchError } from '../../shared/state'
import { encode, MAX_DEPTH } from '../recorder/encode'
import { Snapshot } from '../recorder/snapshot'
import { isOps } from './checks'
import type { AttachSink, StreamMessage, Translator } from './translator'

/** The AG-UI event types (draft events included), by which the protocol is detected. */
export const AG_UI_TYPES: ReadonlySet<string> = new Set([
  'RUN_STARTED',
  'RUN_FINISHED',
  'RUN_ERROR',
  'STEP_STARTED',
  'STEP_FINISHED',
  'STATE_SNAPSHOT',
  'STATE_DELTA',
  'MESSAGES_SNAPSHOT',
  'TEXT_MESSAGE_START',
  'TEXT_MESSAGE_CONTENT',
  'TEXT_MESSAGE_END',
  'TEXT_MESSAGE_CHUNK',
  'TOOL_CALL_START',
  'TOOL_CALL_ARGS',
  'TOOL_CALL_END',
  'TOOL_CALL_CHUNK',
  'TOOL_CALL_RESULT',
  'THINKING_START',
  'THINKING_END',
  'THINKING_TEXT_MESSAGE_START',
  'THINKING_TEXT_MESSAGE_CONTENT',
  'THINKING_TEXT_MESSAGE_END',
  'ACTIVITY_SNAPSHOT',
  'ACTIVITY_DELTA',
  'RAW',
  'CUSTOM'
])

/** The slices an AG-UI source is recorded in. */
export const AG_UI_SLICES = { state: 'state', messages: 'messages' } as const

type Event = Record<string, unknown> & { type: string }
type Message = JsonObject & { id: string }

export class AgUiTranslator implements Translator {
  readonly protocol = 'ag-ui'
  readonly resumable = false
  /** The agent's state as the source sent it (not encoded); undefined before its first snapshot. */
  #state: Json | undefined
  /** True while the state is out of step: a delta did not apply, or events were missed. */
  #stale = false
  #messages: Message[] = []
  #run: string | undefined
  /** The recorder's diff: every change recorded is what changed from the mirror. Objects here are never changed in place. */
  #snapshot = new Snapshot({ policy: 'trust' })
  #started = false

  constructor(private readonly sink: AttachSink) {}

  reconnected(): void {
    this.#stale = this.#state !== undefined
    this.sink.note(
      'reset',
      'AG-UI cannot resume: what the source sent while disconnected is missing; the state is kept as it was until the next STATE_SNAPSHOT'
    )
  }

  message({ data }: StreamMessage): void {
    if (typeof data !== 'object' || data === null || Array.isArray(data)) return
    const e = data as Event
    if (typeof e.type !== 'string' || !AG_UI_TYPES.has(e.type)) return
    if (!this.#started) {
      this.#started = true
      this.#snapshot.reset({})
      this.sink.initial({})
    }
    if (deeperThan(e, MAX_DEPTH)) {
      this.sink.note('delta-not-applied', `a ${e.type} event was not recorded: a value is nested deeper than ${MAX_DEPTH} levels`)
      return
    }
    const problem = this.#apply(e)
    if (problem !== undefined) this.sink.note('delta-not-applied', `${e.type} was not applied: ${problem}`)
  }

  /** Records one event; returns why it could not be, if it could not. */
  #apply(e: Event): string | undefined {
    switch (e.type) {
      case 'RUN_STARTED':
        if (typeof e.runId !== 'string') return 'it has no string "runId"'
        this.#run = e.runId
        return this.#status('started')
      case 'RUN_FINISHED':
        return this.#status('completed', typeof e.runId === 'string' ? e.runId : undefined)
      case 'RUN_ERROR':
        return this.#status('failed', undefined, undefined, typeof e.message === 'string' ? e.message : 'the run failed')
      case 'STEP_STARTED':
      case 'STEP_FINISHED':
        if (typeof e.stepName !== 'string') return 'it has no string "stepName"'
        return this.#status(e.type === 'STEP_STARTED' ? 'running' : 'completed', undefined, e.stepName)
      case 'STATE_SNAPSHOT':
        if (!('snapshot' in e)) return 'it has no "snapshot"'
        this.#state = e.snapshot as Json
        this.#stale = false
        this.#record(AG_UI_SLICES.state, this.#state, { type: e.type })
        return undefined
      case 'STATE_DELTA':
        return this.#delta(e)
      case 'MESSAGES_SNAPSHOT':
        if (!Array.isArray(e.messages) || !e.messages.every(isMessage)) return '"messages" is not a list of messages with ids'
        this.#setMessages(e.messages, { type: e.type })
        return undefined
      case 'TEXT_MESSAGE_START':
        if (typeof e.messageId !== 'string') return 'it has no string "messageId"'
        return this.#addMessage(e, { id: e.messageId, role: typeof e.role === 'string' ? e.role : 'assistant', content: '' })
      case 'TEXT_MESSAGE_CONTENT':
      case 'TEXT_MESSAGE_CHUNK':
        return this.#text(e)
      case 'TOOL_CALL_START':
      case 'TOOL_CALL_ARGS':
      case 'TOOL_CALL_CHUNK':
        return this.#toolCall(e)
      case 'TOOL_CALL_RESULT':
        if (typeof e.messageId !== 'string' || typeof e.toolCallId !== 'string') return 'it needs a string "messageId" and "toolCallId"'
        return this.#addMessage(e, { id: e.messageId, role: 'tool', toolCallId: e.toolCallId, content: (e.content ?? '') as Json })
      case 'TEXT_MESSAGE_END':
      case 'TOOL_CALL_END':
        // The message or call is whole: nothing in the state changes.
        return undefined
      default: {
        const { type, ...rest } = e
        this.sink.entry({ type: 'custom-event', data: encode({ type, ...rest }) })
        return undefined
      }
    }
  }

  #status(status: string, runId = this.#run, turnId?: string, error?: string): undefined {
    this.sink.entry({
      type: 'execution.status',
      status,
      executionId: runId ?? '(run)',
      ...(turnId !== undefined ? { turnId } : {}),
      ...(error !== undefined ? { error } : {})
    })
    return undefined
  }

  #delta(e: Event): string | undefined {
    if (!isOps(e.delta)) return '"delta" is not a list of JSON Patch operations'
    if (this.#state === undefined) return 'no STATE_SNAPSHOT has been received yet, so there is no state to apply it to'
    if (this.#stale) return 'the state is out of step (an earlier delta did not apply, or events were missed) until the next STATE_SNAPSHOT'
    let next
    try {
      next = applyPatch(this.#state, e.delta, newEdit())
    } catch (err) {
      if (!(err instanceof PatchError)) throw err
      this.#stale = true
      return `${err.message}; the state is kept as it was until the next STATE_SNAPSHOT`
    }
    this.#state = next
    this.#record(AG_UI_SLICES.state, next, { type: e.type, payload: encode({ delta: e.delta }) })
    return undefined
  }

  #text(e: Event): string | undefined {
    if (typeof e.delta !== 'string' && e.delta !== undefined) return '"delta" is not a string'
    const id = e.messageId
    if (typeof id !== 'string') return 'it has no string "messageId"'
    const i = this.#find(id)
    if (i < 0) {
      if (e.type === 'TEXT_MESSAGE_CONTENT') return `message "${id}" was never started (TEXT_MESSAGE_START)`
      return this.#addMessage(e, { id, role: typeof e.role === 'string' ? e.role : 'assistant', content: e.delta ?? '' })
    }
    const m = this.#messages[i] as Message
    const content = (typeof m.content === 'string' ? m.content : '') + (e.delta ?? '')
    return this.#changeMessage(i, { ...m, content }, e)
  }

  #toolCall(e: Event): string | undefined {
    const id = e.toolCallId
    if (typeof id !== 'string') return 'it has no string "toolCallId"'
    const at = this.#findCall(id)
    if (at === undefined) {
      if (e.type === 'TOOL_CALL_ARGS') return `tool call "${id}" was never started (TOOL_CALL_START)`
      const name = typeof e.toolCallName === 'string' ? e.toolCallName : ''
      const call: JsonObject = { id, type: 'function', function: { name, arguments: typeof e.delta === 'string' ? e.delta : '' } }
      const parent = typeof e.parentMessageId === 'string' ? e.parentMessageId : id
      const i = this.#find(parent)
      if (i < 0) return this.#addMessage(e, { id: parent, role: 'assistant', toolCalls: [call] })
      const m = this.#messages[i] as Message
      return this.#changeMessage(i, { ...m, toolCalls: [...(Array.isArray(m.toolCalls) ? m.toolCalls : []), call] }, e)
    }
    const m = this.#messages[at.message] as Message
    const calls = (m.toolCalls as JsonObject[]).slice()
    const call = calls[at.call] as JsonObject
    const fn = call.function as JsonObject
    calls[at.call] = { ...call, function: { ...fn, arguments: String(fn.arguments ?? '') + (typeof e.delta === 'string' ? e.delta : '') } }
    return this.#changeMessage(at.message, { ...m, toolCalls: calls }, e)
  }

  #find(id: string): number {
    for (let i = this.#messages.length - 1; i >= 0; i--) if ((this.#messages[i] as Message).id === id) return i
    return -1
  }

  #findCall(id: string): { message: number; call: number } | undefined {
    for (let i = this.#messages.length - 1; i >= 0; i--) {
      const calls = (this.#messages[i] as Message).toolCalls
      if (!Array.isArray(calls)) continue
      const c = calls.findIndex((call) => typeof call === 'object' && call !== null && !Array.isArray(call) && call.id === id)
      if (c >= 0) return { message: i, call: c }
    }
    return undefined
  }

  #addMessage(e: Event, message: Message): undefined {
    this.#setMessages([...this.#messages, message], causeOf(e))
    return undefined
  }

  #changeMessage(i: number, message: Message, e: Event): undefined {
    const messages = this.#messages.slice()
    messages[i] = message
    this.#setMessages(messages, causeOf(e))
    return undefined
  }

  #setMessages(messages: Message[], cause: { type: string; payload?: Json }): void {
    this.#messages = messages
    this.#record(AG_UI_SLICES.messages, messages, cause)
  }

  #record(slice: string, value: Json, cause: { type: string; payload?: Json }): void {
    const change = this.#snapshot.update(slice, value)
    if (change === undefined) return
    this.sink.entry({ type: 'state.update', slice, ...change, cause } as Parameters<AttachSink['entry']>[0])
  }
}

/** An event as the cause of what it changed: its type, and its fields as the payload. */
function causeOf(e: Event): { type: string; payload: Json } {
  const { type, ...rest } = e
  return { type, payload: encode(rest) }
}

function isMessage(v: unknown): v is Message {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as { id?: unknown }).id === 'string'
}
