/**
 * The conversation of an AG-UI log, built from its events as an AG-UI client builds it: messages
 * started, streamed a token at a time, given tool calls whose arguments stream too, tool results,
 * and whole snapshots. Plain JSON, in the protocol's own message shape.
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

export class Conversation {
  messages: Message[] = []

  /** `MESSAGES_SNAPSHOT`. */
  reset(messages: Message[]): void {
    this.messages = messages
  }

  /** `TEXT_MESSAGE_START`. */
  start(id: string, role = 'assistant', name?: string): void {
    this.messages.push({ id, role, content: '', ...(name ? { name } : {}) })
  }

  /** `TEXT_MESSAGE_CONTENT`: a message not started is started (as an assistant's). */
  append(id: string, delta: string, role?: string): void {
    let message = this.messages.findLast((m) => m.id === id)
    if (message === undefined) {
      message = { id, role: role ?? 'assistant', content: '' }
      this.messages.push(message)
    }
    message.content = `${typeof message.content === 'string' ? message.content : ''}${delta}`
  }

  /** `TEXT_MESSAGE_CHUNK`: without an id, the last message goes on. */
  chunk(id: string | undefined, delta: string, role?: string): void {
    this.append(id ?? this.messages.at(-1)?.id ?? '(message)', delta, role)
  }

  /** `TOOL_CALL_START`: the call goes to its parent message, or to an assistant's message of its own. */
  toolCall(id: string, name: string, parentMessageId: string | undefined): void {
    let parent = parentMessageId === undefined ? undefined : this.messages.findLast((m) => m.id === parentMessageId)
    if (parent === undefined) {
      parent = { id: parentMessageId ?? id, role: 'assistant' }
      this.messages.push(parent)
    }
    const calls = Array.isArray(parent.toolCalls) ? parent.toolCalls : (parent.toolCalls = [])
    calls.push({ id, type: 'function', function: { name, arguments: '' } } satisfies ToolCall)
  }

  /** `TOOL_CALL_ARGS`: a call not started is started, without a name. */
  toolArgs(id: string, delta: string): void {
    let call = this.#findToolCall(id)
    if (call === undefined) {
      this.toolCall(id, '', undefined)
      call = this.#findToolCall(id) as ToolCall
    }
    call.function.arguments += delta
  }

  /** `TOOL_CALL_CHUNK`: without an id, the last call goes on. */
  toolChunk(id: string | undefined, name: string | undefined, parentMessageId: string | undefined, delta: string): void {
    const callId = id ?? this.#lastToolCall()?.id ?? '(tool call)'
    if (this.#findToolCall(callId) === undefined) this.toolCall(callId, name ?? '', parentMessageId)
    this.toolArgs(callId, delta)
  }

  /** `TOOL_CALL_RESULT`. */
  result(id: string, toolCallId: string, content: Json, role = 'tool'): void {
    this.messages.push({ id, role, toolCallId, content })
  }

  #findToolCall(id: string): ToolCall | undefined {
    for (let i = this.messages.length - 1; i >= 0; i--) {
      const calls = this.messages[i]?.toolCalls
      if (Array.isArray(calls)) for (const call of calls as ToolCall[]) if (call.id === id) return call
    }
    return undefined
  }

  #lastToolCall(): ToolCall | undefined {
    for (let i = this.messages.length - 1; i >= 0; i--) {
      const calls = this.messages[i]?.toolCalls
      if (Array.isArray(calls) && calls.length > 0) return calls.at(-1) as ToolCall
    }
    return undefined
  }
}
