import { Annotation, END, interrupt, MemorySaver, START, StateGraph } from '@langchain/langgraph'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { adaptLangGraph } from '../../../../src/host/loader/adapters/langgraph'
import { loadRuntime } from '../../../../src/host/loader/load'
import { startTestHost, type TestHost } from '../../../helpers/host'
import { adapterFixture, importExample, listen, causes, example, expectMirrors, statuses } from './helpers'

const ctx = { modulePath: adapterFixture('graph-almost.mjs'), signal: new AbortController().signal }

describe('a LangGraph compiled graph exported as it is (examples/adapters/langgraph.ts)', () => {
  let h: TestHost
  beforeAll(async () => {
    h = await startTestHost({ runtime: example('langgraph.ts') })
    expect(h.loadError).toBeUndefined()
  })
  afterAll(() => h.close())

  test('a dispatch is a run: the input caused by the action, each super-step a turn, each channel caused by the node that wrote it', async () => {
    const res = await h.dispatch({ type: 'ask', payload: { question: 'why' } })
    expect(res.status).toBe(200)
    const graph = await importExample<{ invoke(input: unknown): Promise<Record<string, unknown>> } & Parameters<typeof adaptLangGraph>[0]>(
      'langgraph.ts'
    )
    await expectMirrors(h, await graph.invoke({ question: 'why' }))
    expect(causes(h.host)).toEqual(['question ← ask', 'steps ← ask', 'steps ← plan', 'steps ← reply', 'answer ← reply'])
    expect(statuses(h.host)).toEqual([
      'run-1 started',
      'run-1/step-1 running',
      'run-1/step-1 completed',
      'run-1/step-2 running',
      'run-1/step-2 completed',
      'run-1 completed'
    ])
  })
})

describe('LangGraph runs', () => {
  test('nodes writing one channel in the same step are named together; a failing node fails its turn and its run', async () => {
    const State = Annotation.Root({ log: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }) })
    const graph = new StateGraph(State)
      .addNode('a', () => ({ log: ['a'] }))
      .addNode('b', () => ({ log: ['b'] }))
      .addNode('boom', (): { log: string[] } => {
        throw new Error('the tool is down')
      })
      .addEdge(START, 'a')
      .addEdge(START, 'b')
      .addEdge('a', 'boom')
      .addEdge('boom', END)
      .compile()
    const runtime = await adaptLangGraph(graph, ctx)
    const seen: string[] = []
    listen(runtime.bus, 'state-changed', (e: { slice: string; causingAction: { type: string } }) =>
      seen.push(`${e.slice} ← ${e.causingAction.type}`)
    )
    listen(runtime.bus, 'execution-lifecycle', (e: { executionId: string; turnId?: string; status: string; error?: { message: string } }) =>
      seen.push(`${e.executionId}${e.turnId ? `/${e.turnId}` : ''} ${e.status}${e.error ? `: ${e.error.message}` : ''}`)
    )
    await expect(runtime.dispatch({ type: 'go', payload: {} })).rejects.toThrow('the tool is down')
    expect(seen).toEqual([
      'run-1 started',
      'run-1/step-1 running',
      'log ← a + b',
      'run-1/step-1 completed',
      // The second step streams nothing before its one node fails: it is no turn, and the run fails.
      'run-1 failed: Error: the tool is down'
    ])
    expect(runtime.getState()).toEqual({ log: ['a', 'b'] })
  })

  test('with a checkpointer, a run that interrupts is `interrupted`, and `resume` continues it on the same thread', async () => {
    const State = Annotation.Root({ draft: Annotation<string>(), approved: Annotation<boolean>() })
    const graph = new StateGraph(State)
      .addNode('write', () => ({ draft: 'hello' }))
      .addNode('review', () => ({ approved: interrupt({ question: 'send it?' }) as boolean }))
      .addEdge(START, 'write')
      .addEdge('write', 'review')
      .addEdge('review', END)
      .compile({ checkpointer: new MemorySaver() })
    const runtime = await adaptLangGraph(graph, ctx)
    const seen: unknown[] = []
    listen(runtime.bus, 'execution-lifecycle', (e: { executionId: string; turnId?: string; status: string }) =>
      e.turnId === undefined ? seen.push(`${e.executionId} ${e.status}`) : undefined
    )
    listen(runtime.bus, 'custom-event', (e: { type: string; interrupts: { value: unknown }[] }) =>
      seen.push(e.interrupts.map((i) => i.value))
    )
    await runtime.dispatch({ type: 'draft', payload: {} })
    expect(runtime.getState()).toEqual({ draft: 'hello' })
    await runtime.dispatch({ type: 'resume', payload: true })
    expect(runtime.getState()).toEqual({ draft: 'hello', approved: true })
    expect(seen).toEqual(['run-1 started', [{ question: 'send it?' }], 'run-1 interrupted', 'run-2 started', 'run-2 completed'])
    expect((await graph.getState({ configurable: { thread_id: 'patchscope' } })).values).toEqual({ draft: 'hello', approved: true })
  })

  test('resume without a checkpointer is refused, saying why', async () => {
    const graph = await importExample<{ invoke(input: unknown): Promise<Record<string, unknown>> } & Parameters<typeof adaptLangGraph>[0]>(
      'langgraph.ts'
    )
    const runtime = await adaptLangGraph(graph, ctx)
    await expect(runtime.dispatch({ type: 'resume', payload: 1 })).rejects.toThrow(/needs a graph compiled with a checkpointer/)
  })

  test('a StateGraph that was not compiled is named as such', async () => {
    await expect(loadRuntime(adapterFixture('graph-almost.mjs'), new AbortController().signal)).rejects.toThrow(
      /a LangGraph StateGraph that is not compiled: export graph\.compile\(\)/
    )
  })
})
