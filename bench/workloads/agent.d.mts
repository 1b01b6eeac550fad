import type { EventEmitter } from 'node:events'

export type Mutation = 'in-place' | 'nested'

export interface AgentOptions {
  /**
   * Change the state in place instead of replacing what changes: `'in-place'` changes every object
   * in place and reports `before === after`; `'nested'` replaces each slice's root but changes the
   * last message object, which the previous state holds too, in place. @default undefined (immutable updates)
   */
  mutate?: Mutation
  /** Freeze what each step creates, as Immer does (not with `mutate`). @default true without `mutate`, else false */
  freeze?: boolean
  /**
   * Put `immutable: true` on the handle: the promise that the runtime never changes its state in
   * place, so that the recorder trusts unchanged references, frozen or not. @default false
   */
  immutable?: boolean
  /** Start with the state that this many steps produce. @default 0 */
  startStep?: number
}

export interface AgentMessage {
  readonly id: string
  readonly role: 'user' | 'assistant'
  readonly content: string
}

export interface AgentState {
  readonly conversation: { readonly id: string; readonly messages: readonly AgentMessage[] }
  readonly tools: readonly unknown[]
  readonly usage: { readonly inputTokens: number; readonly outputTokens: number; readonly totalTokens: number }
  readonly steps: { readonly count: number }
}

export interface AgentAction {
  type: string
  payload?: { steps?: number }
}

export interface Agent {
  readonly bus: EventEmitter
  readonly slices: string[]
  /** Present (and true) only when the options asked for it. */
  readonly immutable?: true
  getState(): AgentState
  readonly step: number
  readonly changes: number
  dispatch(action: AgentAction): { step: number; changes: number }
}

export const STEP_ACTION: 'bench/steps'
export const GC_ACTION: 'bench/gc'
export const INITIAL_MESSAGES: number
export const MESSAGE_CHARS: number
export const TOOL_COUNT: number
export const STEPS_PER_MESSAGE: number
export const STEPS_PER_STATUS: number
export const SLICES: string[]
export const MUTATIONS: readonly Mutation[]
/** The state after `step` steps, built directly (plain objects): what a runtime of any mode holds after them. */
export function stateAtStep(step: number): AgentState
export function token(step: number): string
export function createAgent(options?: AgentOptions): Agent
export function optionsFromEnv(env?: NodeJS.ProcessEnv): AgentOptions
export default function createRuntime(): Agent
