/**
 * LangGraph.js compiled graphs, recorded through the graph's own streaming (`stream` with the
 * `updates` and `values` modes). Each channel of the graph's state is a slice, as the last run
 * left it. Each dispatch starts a run (an execution, `run-N`) with the payload as its input; each
 * super-step is a turn (`step-N`), and the node that wrote a channel in it is the cause of its
 * change (the node's name as the type, its update as the payload; nodes writing one channel in the
 * same step are named together, `a + b`). The input is caused by the dispatched action. A step is
 * a turn from the first node update it streams: a step whose every node fails has none (its run fails). A run
 * ends `completed`, `interrupted` (an `interrupt()`; its values as a custom event), `failed` with
 * the error, or `cancelled` when the runtime is unloaded.
 *
 * With a checkpointer, runs go to one thread (`patchscope`, or the action's `meta.threadId`), whose
 * state is read when the graph is loaded; `{ type: 'resume', payload }` resumes an interrupted
 * run with the module's own `Command({ resume: payload })`.
 */
import { EventEmitter } from 'node:events'
import type { Action } from '../../../shared/protocol'
import type { BusRuntime } from '../contract'
import { libraryWhere } from './resolve'
import { emitDispatched, isObjectLike, SliceReporter, type AdapterContext } from './shared'

/** The thread runs go to when a checkpointer is configured and the action names none. */
export const DEFAULT_THREAD = 'patchscope'
/** The action type that resumes an interrupted run. */
export const RESUME = 'resume'

/** The key under which LangGraph's streams report an interrupt. */
const INTERRUPT = '__interrupt__'

interface Graph {
  stream(input: unknown, options: Record<string, unknown>): Promise<AsyncIterable<unknown>>
  invoke(input: unknown, options?: unknown): Promise<unknown>
  getState(config: unknown): Promise<{ values?: unknown }>
  checkpointer?: unknown
}

export function isLangGraph(v: unknown): v is Graph {
  return (
    isObjectLike(v) &&
    typeof v.stream === 'function' &&
    typeof v.invoke === 'function' &&
    (v.lg_is_pregel === true || (isObjectLike(v.nodes) && isObjectLike(v.channels)))
  )
}

export function almostLangGraph(v: unknown): string | undefined {
  if (isObjectLike(v) && typeof v.compile === 'function' && typeof v.addNode === 'function') {
    return 'it is a LangGraph StateGraph that is not compiled: export graph.compile()'
  }
  return undefined
}

export async function adaptLangGraph(graph: Graph, ctx: AdapterContext): Promise<BusRuntime> {
  const bus = new EventEmitter()
  const stop = new AbortController()
  const checkpointed = graph.checkpointer !== undefined && graph.checkpointer !== null && graph.checkpointer !== false
  let thread = DEFAULT_THREAD
  let values: Record<string, unknown> = {}
  if (checkpointed) values = asValues((await graph.getState({ configurable: { thread_id: thread } })).values)
  const reporter = new SliceReporter(bus, values)
  let runs = 0
  const lifecycle = (status: string, executionId: string, turnId?: string, error?: unknown): void => {
    bus.emit('execution-lifecycle', {
      status,
      executionId,
      ...(turnId !== undefined ? { turnId } : {}),
      ...(error !== undefined ? { error: { message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) } } : {})
    })
  }

  const inputOf = async (action: Action): Promise<unknown> => {
    if (action.type !== RESUME) return action.payload
    if (!checkpointed) throw new Error('"resume" continues an interrupted run, which needs a graph compiled with a checkpointer')
    const lib = await libraryWhere(ctx, '@langchain/langgraph', (l) => typeof l.Command === 'function')
    if (lib === undefined) throw new Error(`"@langchain/langgraph" cannot be resolved from ${ctx.modulePath} to resume the run`)
    return new (lib.Command as new (o: unknown) => unknown)({ resume: action.payload })
  }

  const run = async (action: Action): Promise<unknown> => {
    const executionId = `run-${++runs}`
    const threadId = action.meta?.threadId
    if (typeof threadId === 'string') thread = threadId
    lifecycle('started', executionId)
    let step = 0
    let turn: string | undefined
    let writers = new Map<string, { node: string; update: unknown }[]>()
    const interrupts: unknown[] = []
    const causeOf = (channel: string): Action => {
      const wrote = writers.get(channel)
      if (wrote === undefined) return action
      if (wrote.length === 1) return { type: wrote[0]!.node, payload: wrote[0]!.update }
      // Nodes of one step finish in no set order: named in the order of their names.
      const sorted = [...wrote].sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0))
      return { type: sorted.map((w) => w.node).join(' + '), payload: Object.fromEntries(sorted.map((w) => [w.node, w.update])) }
    }
    try {
      const stream = await graph.stream(await inputOf(action), {
        streamMode: ['updates', 'values'],
        signal: stop.signal,
        ...(checkpointed ? { configurable: { thread_id: thread } } : {})
      })
      for await (const chunk of stream) {
        if (!Array.isArray(chunk)) continue
        const [mode, data] = chunk as [string, unknown]
        if (mode === 'updates' && isObjectLike(data)) {
          if (turn === undefined) lifecycle('running', executionId, (turn = `step-${++step}`))
          for (const [node, update] of Object.entries(data)) {
            if (node === INTERRUPT) continue
            for (const channel of isObjectLike(update) ? Object.keys(update) : []) {
              writers.set(channel, [...(writers.get(channel) ?? []), { node, update }])
            }
          }
        } else if (mode === 'values') {
          if (isObjectLike(data) && Object.hasOwn(data, INTERRUPT)) {
            // The values mode reports an interrupt on its own (the state stays as the step left it).
            interrupts.push(...[data[INTERRUPT]].flat())
            continue
          }
          values = asValues(data)
          reporter.report(values, causeOf)
          if (turn !== undefined) lifecycle('completed', executionId, turn)
          turn = undefined
          writers = new Map()
        }
      }
      if (turn !== undefined) lifecycle('completed', executionId, turn)
      if (interrupts.length > 0) {
        bus.emit('custom-event', { type: 'langgraph/interrupt', executionId, thread, interrupts })
        lifecycle('interrupted', executionId)
      } else lifecycle('completed', executionId)
      return values
    } catch (e) {
      const status = stop.signal.aborted ? 'cancelled' : 'failed'
      if (turn !== undefined) lifecycle(status, executionId, turn, e)
      lifecycle(status, executionId, undefined, e)
      throw e
    } finally {
      emitDispatched(bus, action)
    }
  }

  return {
    getState: () => values,
    dispatch: run,
    bus,
    dispose: () => stop.abort(new Error('the runtime was unloaded'))
  }
}

function asValues(v: unknown): Record<string, unknown> {
  return isObjectLike(v) && !Array.isArray(v) ? { ...v } : v === undefined ? {} : { state: v }
}
