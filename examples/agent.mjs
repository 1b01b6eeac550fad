// An agent runtime on a bus: executions split into turns, a reply streamed token by token, tool
// calls as custom events, and an execution that fails. It plays a short demo when it starts;
// dispatch {"type": "agent/ask", "payload": {"prompt": "…"}} for more.
//
// State is written the ordinary way: plain objects, replaced where they change, nothing frozen,
// nothing declared. Patchscope trusts what kept its object (each token costs what it changed) and
// verifies its copy when the agent is idle; nothing here is changed in place, so nothing is found.
//
//   npm run serve -- examples/agent.mjs

import { EventEmitter } from 'node:events'

const TOOLS = [
  { name: 'weather', description: 'Current weather for a city', parameters: { city: 'string' } },
  { name: 'search', description: 'Search the web', parameters: { query: 'string' } },
  { name: 'read_file', description: 'Read an attached file', parameters: { name: 'string' } }
]

/** What the demo agent does for a prompt: tool calls, then a reply (or a failure). */
function plan(prompt) {
  const p = prompt.toLowerCase()
  if (p.includes('weather')) {
    return {
      tools: [{ name: 'weather', args: { city: 'Paris' }, result: { tempC: 14, sky: 'light rain' } }],
      reply: 'It is 14 °C in Paris with light rain. Take an umbrella if you go out this afternoon.'
    }
  }
  if (p.includes('pdf') || p.includes('file')) {
    return { tools: [{ name: 'read_file', args: { name: 'report.pdf' }, error: 'report.pdf is encrypted and cannot be read' }] }
  }
  return {
    tools: [{ name: 'search', args: { query: prompt }, result: { hits: 3 } }],
    reply: `Here is what I found about "${prompt}": three sources agree, and the most recent one is from this week.`
  }
}

export default function createRuntime({ signal }) {
  const bus = new EventEmitter()
  let state = {
    conversation: { messages: [] },
    executions: {},
    status: 'idle',
    usage: { inputTokens: 0, outputTokens: 0 },
    tools: TOOLS
  }
  let executionCount = 0
  const timers = new Set()

  const sleep = (ms) =>
    new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason)
      const timer = setTimeout(() => {
        timers.delete(timer)
        resolve()
      }, ms)
      timers.add(timer)
    })

  function set(slice, after, action) {
    const before = state[slice]
    state = { ...state, [slice]: after }
    bus.emit('state-changed', { slice, before, after, causingAction: action })
  }

  function lifecycle(status, executionId, turnId, error) {
    bus.emit('execution-lifecycle', { status, executionId, ...(turnId ? { turnId } : {}), ...(error ? { error: { message: error } } : {}) })
  }

  function setExecution(id, patch, action) {
    set('executions', { ...state.executions, [id]: { ...state.executions[id], ...patch } }, action)
  }

  function addMessage(message, action) {
    set('conversation', { ...state.conversation, messages: [...state.conversation.messages, message] }, action)
  }

  function appendToLast(token, action) {
    const messages = state.conversation.messages
    const last = messages[messages.length - 1]
    const updated = { ...last, content: last.content + token }
    set('conversation', { ...state.conversation, messages: [...messages.slice(0, -1), updated] }, action)
    set('usage', { ...state.usage, outputTokens: state.usage.outputTokens + 1 }, action)
  }

  async function run(prompt, parent) {
    const executionId = `exec-${++executionCount}`
    const meta = (type, payload) => ({ type, payload, meta: { __ellie: { actionId: `${executionId}:${type}:${Date.now()}` } } })
    const { tools, reply } = plan(prompt)
    set('status', 'running', parent)
    setExecution(executionId, { id: executionId, prompt, status: 'started', turns: [] }, parent)
    lifecycle('started', executionId)
    addMessage({ role: 'user', content: prompt }, parent)
    set('usage', { ...state.usage, inputTokens: state.usage.inputTokens + prompt.split(/\s+/).length }, parent)

    const turn1 = `${executionId}/turn-1`
    lifecycle('running', executionId, turn1)
    setExecution(executionId, { status: 'running', turns: [turn1] }, meta('agent/turn-start', { turnId: turn1 }))
    for (const tool of tools) {
      await sleep(150)
      bus.emit('custom-event', { kind: 'tool-call', executionId, turnId: turn1, tool: tool.name, args: tool.args })
      await sleep(250)
      if (tool.error) {
        bus.emit('custom-event', { kind: 'tool-result', executionId, turnId: turn1, tool: tool.name, error: tool.error })
        lifecycle('failed', executionId, turn1, tool.error)
        lifecycle('failed', executionId, undefined, `tool ${tool.name} failed: ${tool.error}`)
        setExecution(executionId, { status: 'failed', error: tool.error }, meta('agent/tool-failed', { tool: tool.name }))
        set('status', 'error', meta('agent/tool-failed', { tool: tool.name }))
        return
      }
      bus.emit('custom-event', { kind: 'tool-result', executionId, turnId: turn1, tool: tool.name, result: tool.result })
    }
    lifecycle('completed', executionId, turn1)

    const turn2 = `${executionId}/turn-2`
    lifecycle('running', executionId, turn2)
    setExecution(executionId, { turns: [turn1, turn2] }, meta('agent/turn-start', { turnId: turn2 }))
    addMessage({ role: 'assistant', content: '' }, meta('agent/reply-start', { turnId: turn2 }))
    for (const token of reply.match(/\S+\s*/g)) {
      await sleep(40)
      appendToLast(token, meta('agent/token', { token }))
    }
    lifecycle('completed', executionId, turn2)
    lifecycle('completed', executionId)
    setExecution(executionId, { status: 'completed' }, meta('agent/completed', {}))
    set('status', 'idle', meta('agent/completed', {}))
  }

  let queue = Promise.resolve()
  const enqueue = (prompt, action) => {
    queue = queue
      .then(() => run(prompt, action))
      .catch((e) => {
        if (!signal.aborted) throw e
      })
    return queue
  }

  // The demo: a completed execution, then one that fails on its tool call.
  void sleep(300)
    .then(() => enqueue("What's the weather in Paris?", { type: 'demo/ask', payload: { prompt: "What's the weather in Paris?" } }))
    .then(() => enqueue('Summarize the attached PDF', { type: 'demo/ask', payload: { prompt: 'Summarize the attached PDF' } }))
    .catch(() => undefined)

  return {
    bus,
    getState: () => state,
    dispatch(action) {
      switch (action.type) {
        case 'agent/ask':
          return enqueue(String(action.payload?.prompt ?? 'hello'), action)
        case 'agent/clear':
          set('conversation', { messages: [] }, action)
          return undefined
        default:
          throw new Error(`unknown action ${action.type}: try agent/ask or agent/clear`)
      }
    },
    dispose() {
      for (const timer of timers) clearTimeout(timer)
    }
  }
}
