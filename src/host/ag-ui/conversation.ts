/**
 * The conversation of an AG-UI agent, built from its events as an AG-UI client builds it: messages
 * started, streamed a token at a time, given tool calls whose arguments stream too, tool results,
 * and whole snapshots. Plain JSON, in the protocol's own message shape.
 *
 * Never changed in place: each change makes a new list, a new message and a new call where they
 * change, and shares the rest, so the recorder's diff (which trusts an unchanged reference) costs
 * what changed, not the whole conversation.
 */
import type { Json, JsonObject } from '../../shared/protocol'

/** A message as the protocol has it (`id`, `role`, and `content`, `toolCalls`, `toolCallId`… as its role has them). */
export interface Message extends JsonObject {
  id: string
  role: string
}

interface ToolCall extends JsonObject {
  id: string
  type: 'function'
  function: { name: string; arguments: string }
}

/** Where a tool call is: its message's index and its own among the message's calls. */
interface CallAt {
  message: number
  call: number
}

/** Each method returns why the event could not be applied, or undefined when it was. */
export class Conversation {
  #messages: readonly Message[] = []

  /** The messages now (never changed afterwards: a change makes a new list). */
  get messages(): readonly Message[] {
    return this.#messages
  }

  /** `MESSAGES_SNAPSHOT`: the conversation replaced. */
  reset(messages: readonly Message[]): undefined {
    this.#messages = messages
    return undefined
  }

  /** `TEXT_MESSAGE_START`. */
  start(id: string, role: string, name: string | undefined): undefined {
    this.#messages = [...this.#messages, { id, role, content: '', ...(name ? { name } : {}) }]
    return undefined
  }

  /** `TEXT_MESSAGE_CONTENT`: a token of a started message. */
  append(id: string, delta: string): string | undefined {
    const i = this.#find(id)
    if (i < 0) return `message "${id}" was never started (TEXT_MESSAGE_START)`
    const m = this.#messages[i] as Message
    this.#replace(i, { ...m, content: `${typeof m.content === 'string' ? m.content : ''}${delta}` })
    return undefined
  }

  /** `TEXT_MESSAGE_CHUNK`: starts its message when new; without an id, the last message goes on. */
  chunk(id: string | undefined, delta: string, role: string | undefined, name: string | undefined): string | undefined {
    const target = id ?? this.#messages.at(-1)?.id
    if (target === undefined) return 'it has no "messageId" and there is no message to go on with'
    if (this.#find(target) < 0) this.start(target, role ?? 'assistant', name)
    return this.append(target, delta)
  }

  /** `TOOL_CALL_START`: the call goes to its parent message, or to an assistant's message of its own. */
  toolCall(id: string, name: string, parentMessageId: string | undefined): undefined {
    const call: ToolCall = { id, type: 'function', function: { name, arguments: '' } }
    const i = parentMessageId === undefined ? -1 : this.#find(parentMessageId)
    if (i < 0) {
      this.#messages = [...this.#messages, { id: parentMessageId ?? id, role: 'assistant', toolCalls: [call] }]
      return undefined
    }
    const m = this.#messages[i] as Message
    this.#replace(i, { ...m, toolCalls: [...(Array.isArray(m.toolCalls) ? m.toolCalls : []), call] })
    return undefined
  }

  /** `TOOL_CALL_ARGS`: a piece of a started call's arguments. */
  toolArgs(id: string, delta: string): string | undefined {
    const at = this.#findCall(id)
    if (at === undefined) return `tool call "${id}" was never started (TOOL_CALL_START)`
    const m = this.#messages[at.message] as Message
    const calls = (m.toolCalls as ToolCall[]).slice()
    const call = calls[at.call] as ToolCall
    calls[at.call] = { ...call, function: { ...call.function, arguments: `${call.function.arguments}${delta}` } }
    this.#replace(at.message, { ...m, toolCalls: calls })
    return undefined
  }

  /** `TOOL_CALL_CHUNK`: starts its call when new; without an id, the last call goes on. */
  toolChunk(id: string | undefined, name: string | undefined, parentMessageId: string | undefined, delta: string): string | undefined {
    const target = id ?? this.#lastCallId()
    if (target === undefined) return 'it has no "toolCallId" and there is no tool call to go on with'
    if (this.#findCall(target) === undefined) this.toolCall(target, name ?? '', parentMessageId)
    return this.toolArgs(target, delta)
  }

  /** `TOOL_CALL_RESULT`. */
  result(id: string, toolCallId: string, content: Json, role: string): undefined {
    this.#messages = [...this.#messages, { id, role, toolCallId, content }]
    return undefined
  }

  #replace(i: number, message: Message): void {
    const messages = this.#messages.slice()
    messages[i] = message
    this.#messages = messages
  }

  #find(id: string): number {
    for (let i = this.#messages.length - 1; i >= 0; i--) if ((this.#messages[i] as Message).id === id) return i
    return -1
  }

  #findCall(id: string): CallAt | undefined {
    for (let i = this.#messages.length - 1; i >= 0; i--) {
      const calls = (this.#messages[i] as Message).toolCalls
      if (!Array.isArray(calls)) continue
      const c = calls.findIndex((call) => isObject(call) && call.id === id)
      if (c >= 0) return { message: i, call: c }
    }
    return undefined
  }

  #lastCallId(): string | undefined {
    for (let i = this.#messages.length - 1; i >= 0; i--) {
      const calls = (this.#messages[i] as Message).toolCalls
      const last = Array.isArray(calls) ? calls.at(-1) : undefined
      if (isObject(last) && typeof last.id === 'string') return last.id
    }
    return undefined
  }
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
