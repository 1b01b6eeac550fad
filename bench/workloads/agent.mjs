// The benchmark's workload (issue 6): a long agent session. A conversation of 200 messages of
// 400 characters, 50 tool definitions, a usage counter and a step counter. One step streams a
// token into the last message (every 20th step starts a new message instead), bumps both
// counters, and every 100th step reports the execution's status. `{"type": "bench/steps",
// "payload": {"steps": N}}` runs N steps in one burst.
//
// By default state is updated immutably, and what a step creates is frozen, as Immer and Redux
// Toolkit do; `freeze: false` makes the same updates without freezing (plain objects replaced
// immutably: how most users write code). `immutable: true` puts `immutable: true` on the handle:
// the runtime's promise that it never changes state in place, which lets the recorder trust
// unchanged references whether they are frozen or not.
//
// `mutate` makes the same steps by changing state in place, as a runtime with the reducer bug does
// (nothing is frozen then, and nothing is declared):
// - `'in-place'`: everything in place: the token is appended to the last message's `content` on
//   the same object, a new message is pushed onto the same array, the counters are bumped on the
//   same objects, and `state-changed` carries `before === after` (the same object);
// - `'nested'`: each slice's root is replaced (`{ ...conversation, messages: next }`, `next` a new
//   array), but the last message object, which the previous array holds too, has the token
//   appended in place: a new root over a child changed in place.
//
// Everything is a pure function of the step number, so a runtime started at step S (`startStep`)
// holds exactly the state that S steps from step 0 produce, in every mode (`stateAtStep(S)`): a
// large state can be measured without first growing it, and a mirror checked against it.
//
// Loaded by the host, the options come from the environment variable PATCHSCOPE_BENCH_WORKLOAD,
// as JSON: {"freeze": true, "immutable": false, "startStep": 0} (or {"freeze": false, "mutate": "nested", ...}).

import { EventEmitter } from 'node:events'

export const STEP_ACTION = 'bench/steps'
/** Collects the garbage of the thread the runtime runs in (a host's worker), when gc is exposed; changes nothing. */
export const GC_ACTION = 'bench/gc'
export const INITIAL_MESSAGES = 200
export const MESSAGE_CHARS = 400
export const TOOL_COUNT = 50
export const STEPS_PER_MESSAGE = 20
export const STEPS_PER_STATUS = 100
export const SLICES = ['conversation', 'tools', 'usage', 'steps']
/** The values of the `mutate` option. */
export const MUTATIONS = ['in-place', 'nested']

const WORDS = (
  'the of and to in is that for it as with was on be by at this from or an are not have but all they which one you were ' +
  'her there can been if more when will would who so no out up into than them only other new some could these two may ' +
  'first then do any like my now over such our man me even most made after also did many before must through back years'
).split(' ')

/** A 32-bit mix of the step number: the same token for the same step, in every process. */
function mix(n) {
  let x = Math.imul(n ^ 0x9e3779b9, 0x85ebca6b)
  x ^= x >>> 13
  x = Math.imul(x, 0xc2b2ae35)
  x ^= x >>> 16
  return x >>> 0
}

/** The token step `step` streams (a word and a space). */
export function token(step) {
  return WORDS[mix(step) % WORDS.length] + ' '
}

function initialContent(i) {
  let text = ''
  for (let k = 0; text.length < MESSAGE_CHARS; k++) text += token(-1 - i * 1000 - k)
  return text.slice(0, MESSAGE_CHARS)
}

function toolAt(i) {
  return {
    name: `tool_${i}`,
    description: `Tool number ${i}: ${initialContent(10_000 + i).slice(0, 80)}`,
    parameters: {
      type: 'object',
      properties: { query: { type: 'string', description: 'what to look for' }, limit: { type: 'number', minimum: 1, maximum: 100 } },
      required: ['query']
    }
  }
}

/**
 * A copy of an array. V8's `slice` and spread are several times slower on a frozen array than
 * `Array.from`, and the runtime's own cost is not what the benchmark measures: the less it costs,
 * the less of the host's figure it hides.
 */
function copyOf(array) {
  return Array.from(array)
}

function deepFreeze(value) {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v)
    Object.freeze(value)
  }
  return value
}

/** The state after `step` steps, built directly: plain objects, nothing frozen. */
export function stateAtStep(step) {
  const messages = []
  for (let i = 0; i < INITIAL_MESSAGES; i++) {
    messages.push({ id: `m${i}`, role: i % 2 === 0 ? 'user' : 'assistant', content: initialContent(i) })
  }
  const tokens = []
  for (let s = 1; s <= step; s++) {
    if (s % STEPS_PER_MESSAGE === 0) {
      const last = messages[messages.length - 1]
      last.content += tokens.join('')
      tokens.length = 0
      messages.push({ id: `m${messages.length}`, role: 'assistant', content: '' })
    }
    tokens.push(token(s))
  }
  const last = messages[messages.length - 1]
  last.content += tokens.join('')
  return {
    conversation: { id: 'conversation-1', messages },
    tools: Array.from({ length: TOOL_COUNT }, (_, i) => toolAt(i)),
    usage: { inputTokens: INITIAL_MESSAGES * 100, outputTokens: step, totalTokens: INITIAL_MESSAGES * 100 + step },
    steps: { count: step }
  }
}

/**
 * A bus runtime of the workload.
 * @param {{ mutate?: 'in-place' | 'nested', freeze?: boolean, immutable?: boolean, startStep?: number }} [options]
 */
export function createAgent({ mutate, freeze = mutate === undefined, immutable = false, startStep = 0 } = {}) {
  if (mutate !== undefined && !MUTATIONS.includes(mutate))
    throw new Error(`mutate must be one of ${MUTATIONS.join(', ')} (got ${String(mutate)})`)
  if (mutate !== undefined && freeze) throw new Error('a runtime that changes its state in place cannot freeze it: pass freeze: false')
  const bus = new EventEmitter()
  const fz = freeze ? Object.freeze : (v) => v
  let state = freeze ? deepFreeze(stateAtStep(startStep)) : stateAtStep(startStep)
  let step = startStep
  let changes = 0

  function set(slice, after, action) {
    const before = state[slice]
    state = fz({ ...state, [slice]: after })
    changes++
    bus.emit('state-changed', { slice, before, after, causingAction: action })
  }

  /** A slice changed in place: the state and the slice stay the same objects. */
  function changedInPlace(slice, action) {
    const same = state[slice]
    changes++
    bus.emit('state-changed', { slice, before: same, after: same, causingAction: action })
  }

  function runStepInPlace(s, action) {
    const { conversation, usage, steps } = state
    const messages = conversation.messages
    if (s % STEPS_PER_MESSAGE === 0) messages.push({ id: `m${messages.length}`, role: 'assistant', content: token(s) })
    else messages[messages.length - 1].content += token(s)
    changedInPlace('conversation', action)
    usage.outputTokens++
    usage.totalTokens++
    changedInPlace('usage', action)
    steps.count = s
    changedInPlace('steps', action)
  }

  /** A step that replaces what it changes (but, for `nested`, the last message, which it changes in place). */
  function runStepReplacing(s, action) {
    const { conversation } = state
    const messages = conversation.messages
    let next
    if (s % STEPS_PER_MESSAGE === 0) {
      next = copyOf(messages)
      next.push(fz({ id: `m${messages.length}`, role: 'assistant', content: token(s) }))
    } else {
      const last = messages[messages.length - 1]
      next = copyOf(messages)
      // The nested bug: the new array holds the same last message, changed in place (the previous array holds it too).
      if (mutate === 'nested') last.content += token(s)
      else next[messages.length - 1] = fz({ ...last, content: last.content + token(s) })
    }
    set('conversation', fz({ ...conversation, messages: fz(next) }), action)
    const { usage } = state
    set('usage', fz({ ...usage, outputTokens: usage.outputTokens + 1, totalTokens: usage.totalTokens + 1 }), action)
    set('steps', fz({ count: s }), action)
  }

  function runStep(action) {
    const s = ++step
    if (mutate === 'in-place') runStepInPlace(s, action)
    else runStepReplacing(s, action)
    if (s % STEPS_PER_STATUS === 0) {
      bus.emit('execution-lifecycle', { status: 'running', executionId: 'exec-1', turnId: `exec-1/turn-${s / STEPS_PER_STATUS}` })
    }
  }

  return {
    bus,
    slices: SLICES,
    // Only when declared: an undeclared runtime has no `immutable` key at all, as most do.
    ...(immutable ? { immutable: true } : {}),
    getState: () => state,
    /** Steps run so far, counted from step 0. */
    get step() {
      return step
    },
    /** State changes emitted since the runtime started. */
    get changes() {
      return changes
    },
    dispatch(action) {
      if (action?.type === GC_ACTION) {
        globalThis.gc?.()
        return { step, changes }
      }
      if (action?.type !== STEP_ACTION)
        throw new Error(`unknown action ${String(action?.type)}: the workload knows only ${STEP_ACTION} and ${GC_ACTION}`)
      const n = Number(action.payload?.steps ?? 1)
      if (!Number.isSafeInteger(n) || n < 0) throw new Error('payload.steps must be a whole number of 0 or more')
      for (let i = 0; i < n; i++) runStep(action)
      return { step, changes }
    }
  }
}

/** The options of the runtime the host loads, from PATCHSCOPE_BENCH_WORKLOAD. */
export function optionsFromEnv(env = process.env) {
  const raw = env.PATCHSCOPE_BENCH_WORKLOAD
  return raw ? JSON.parse(raw) : {}
}

export default function createRuntime() {
  return createAgent(optionsFromEnv())
}
