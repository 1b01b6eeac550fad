import { afterEach, describe, expect, test } from 'vitest'
import { Host } from '../../../src/host/host'
import { MESSAGES_SLICE } from '../../../src/host/ag-ui'
import { checkAttachUrl } from '../../../src/host/attach'
import { attachNotes, entries, head, until } from './recorded'
import { startSource, type SourceServer } from './source-server'

let host: Host
let source: SourceServer

async function attached(): Promise<void> {
  host = (await Host.create({ log: () => undefined })).host
  await host.attach({ url: checkAttachUrl(source.url), headers: {} }, { backoff: { firstMs: 1, maxMs: 4 } })
}

afterEach(async () => {
  await host?.close()
  await source?.close()
})

/** AG-UI sends bare `data:` lines (no event name). */
const ev = (data: Record<string, unknown>) => ({ data })

describe('attaching to an AG-UI stream', () => {
  test("runs, steps, state and messages become executions, turns, the state's top-level keys as slices and (messages), each change caused by its event", async () => {
    source = await startSource()
    await attached()
    const c = await source.next()
    c.send(ev({ type: 'RUN_STARTED', threadId: 't1', runId: 'r1' }))
    c.send(ev({ type: 'STATE_SNAPSHOT', snapshot: { todos: [], meta: { $only: 1 } } }))
    c.send(ev({ type: 'STEP_STARTED', stepName: 'plan' }))
    c.send(ev({ type: 'STATE_DELTA', delta: [{ op: 'add', path: '/todos/-', value: { title: 'milk' } }] }))
    c.send(ev({ type: 'TEXT_MESSAGE_START', messageId: 'm1', role: 'assistant' }))
    c.send(ev({ type: 'TEXT_MESSAGE_CONTENT', messageId: 'm1', delta: 'Hel' }))
    c.send(ev({ type: 'TEXT_MESSAGE_CONTENT', messageId: 'm1', delta: 'lo' }))
    c.send(ev({ type: 'TEXT_MESSAGE_END', messageId: 'm1' }))
    c.send(ev({ type: 'TOOL_CALL_START', toolCallId: 'c1', toolCallName: 'search', parentMessageId: 'm1' }))
    c.send(ev({ type: 'TOOL_CALL_ARGS', toolCallId: 'c1', delta: '{"q":' }))
    c.send(ev({ type: 'TOOL_CALL_ARGS', toolCallId: 'c1', delta: '"x"}' }))
    c.send(ev({ type: 'TOOL_CALL_END', toolCallId: 'c1' }))
    c.send(ev({ type: 'TOOL_CALL_RESULT', messageId: 'm2', toolCallId: 'c1', content: 'found' }))
    c.send(ev({ type: 'CUSTOM', name: 'progress', value: 50 }))
    c.send(ev({ type: 'STEP_FINISHED', stepName: 'plan' }))
    c.send(ev({ type: 'RUN_FINISHED', threadId: 't1', runId: 'r1' }))
    await until(host, () => entries(host).some((e) => e.type === 'execution.status' && e.status === 'completed' && e.turnId === undefined))
    expect(host.runtimeInfo.attach).toMatchObject({ protocol: 'ag-ui', state: 'live' })
    expect(attachNotes(host)).toEqual([])
    // Values are recorded encoded: the one-key `$` object of the source's data is escaped.
    expect(head(host)).toEqual({
      todos: [{ title: 'milk' }],
      meta: { $object: { $only: 1 } },
      [MESSAGES_SLICE]: [
        {
          id: 'm1',
          role: 'assistant',
          content: 'Hello',
          toolCalls: [{ id: 'c1', type: 'function', function: { name: 'search', arguments: '{"q":"x"}' } }]
        },
        { id: 'm2', role: 'tool', toolCallId: 'c1', content: 'found' }
      ]
    })
    const statuses = entries(host).flatMap((e) => (e.type === 'execution.status' ? [[e.status, e.executionId, e.turnId ?? null]] : []))
    expect(statuses).toEqual([
      ['started', 'r1', null],
      ['running', 'r1', 'plan'],
      ['completed', 'r1', 'plan'],
      ['completed', 'r1', null]
    ])
    const content = entries(host).filter((e) => e.type === 'state.update' && e.cause.type === 'TEXT_MESSAGE_CONTENT')
    expect(content.map((e) => (e.type === 'state.update' ? e.patches : null))).toEqual([
      [{ op: 'replace', path: '/0/content', value: 'Hel' }],
      [{ op: 'replace', path: '/0/content', value: 'Hello' }]
    ])
    expect(content[0]).toMatchObject({
      slice: MESSAGES_SLICE,
      cause: {
        type: 'TEXT_MESSAGE_CONTENT',
        payload: { messageId: 'm1', delta: 'Hel' },
        meta: { runId: 'r1', threadId: 't1', step: 'plan' }
      }
    })
    // A delta changes the slices it touches, caused by the event with its operations as the payload.
    expect(entries(host).find((e) => e.type === 'state.update' && e.cause.type === 'STATE_DELTA')).toMatchObject({
      slice: 'todos',
      patches: [{ op: 'add', path: '/0', value: { title: 'milk' } }],
      cause: { payload: [{ op: 'add', path: '/todos/-', value: { title: 'milk' } }] }
    })
    expect(entries(host).find((e) => e.type === 'custom-event')).toMatchObject({ data: { type: 'CUSTOM', name: 'progress', value: 50 } })
  })

  test('a delta that does not apply is shown as such, the state kept as it was, and the next snapshot repairs it as a change', async () => {
    source = await startSource()
    await attached()
    const c = await source.next()
    c.send(ev({ type: 'STATE_SNAPSHOT', snapshot: { count: 1, items: ['a'] } }))
    c.send(ev({ type: 'STATE_DELTA', delta: [{ op: 'replace', path: '/missing/x', value: 2 }] }))
    c.send(ev({ type: 'STATE_DELTA', delta: [{ op: 'replace', path: '/count', value: 3 }] }))
    c.send(ev({ type: 'STATE_SNAPSHOT', snapshot: { count: 4, items: ['a', 'b'] } }))
    c.send(ev({ type: 'STATE_DELTA', delta: [{ op: 'replace', path: '/count', value: 5 }] }))
    await until(host, () => head(host).count === 5)
    const notes = attachNotes(host)
    expect(notes.map((n) => n.event)).toEqual(['delta-not-applied', 'delta-not-applied'])
    expect(notes[0]?.message).toMatch(/^STATE_DELTA was not applied: .*\/missing\/x.*kept as it was until the next STATE_SNAPSHOT/)
    expect(notes[1]?.message).toBe(
      'STATE_DELTA was not applied: the state is out of step since a delta did not apply: it is kept as it was until the next STATE_SNAPSHOT'
    )
    const repair = entries(host)
      .filter((e) => e.type === 'state.update' && e.cause.type === 'STATE_SNAPSHOT')
      .slice(2)
    // The repair is the change from the mirror to the snapshot, slice by slice, not a whole new state.
    expect(repair).toMatchObject([
      { slice: 'count', value: 4 },
      { slice: 'items', patches: [{ op: 'add', path: '/1', value: 'b' }] }
    ])
    expect(host.history.stateAt((repair[0]?.seq as number) - 1)).toEqual({ count: 1, items: ['a'] })
  })

  test('a connection dropped mid-stream is a reset marked in the timeline; deltas wait for the next snapshot', async () => {
    source = await startSource()
    await attached()
    const c = await source.next()
    c.send(ev({ type: 'STATE_SNAPSHOT', snapshot: { count: 1 } }))
    await until(host, () => head(host).count === 1)
    c.drop()
    const c2 = await source.next()
    expect(c2.headers['last-event-id']).toBeUndefined()
    c2.send(ev({ type: 'STATE_DELTA', delta: [{ op: 'replace', path: '/count', value: 2 }] }))
    c2.send(ev({ type: 'STATE_SNAPSHOT', snapshot: { count: 7 } }))
    await until(host, () => head(host).count === 7)
    expect(attachNotes(host).map((n) => n.event)).toEqual(['lost', 'reset', 'delta-not-applied'])
    expect(attachNotes(host)[1]?.message).toMatch(/AG-UI cannot resume/)
    expect(attachNotes(host)[2]?.message).toMatch(/out of step since events were missed while the connection was lost/)
    // The delta was not applied: the state went from 1 to the snapshot's 7, never through 2.
    const counts = entries(host).flatMap((e) => (e.type === 'state.update' && e.slice === 'count' ? [e.value] : []))
    expect(counts).toEqual([1, 7])
    expect(host.runtimeInfo.attach).toMatchObject({ state: 'live', connections: 2 })
  })

  test('events that do not hold what they need, as the protocol says, are noted, never recorded half', async () => {
    source = await startSource()
    await attached()
    const c = await source.next()
    c.send(ev({ type: 'TEXT_MESSAGE_CONTENT', messageId: 'nope', delta: 'x' }))
    c.send(ev({ type: 'TOOL_CALL_ARGS', toolCallId: 'nope', delta: '{' }))
    c.send(ev({ type: 'STATE_DELTA', delta: [{ op: 'replace', path: '/a', value: 1 }] }))
    c.send(ev({ type: 'STATE_DELTA', delta: 'not a patch' }))
    c.send(ev({ type: 'RUN_STARTED', threadId: 't1' }))
    c.send(ev({ no: 'type' }))
    await until(host, () => attachNotes(host).length === 6)
    expect(attachNotes(host).map((n) => n.message)).toEqual([
      'TEXT_MESSAGE_CONTENT was not applied: message "nope" was never started (TEXT_MESSAGE_START)',
      'TOOL_CALL_ARGS was not applied: tool call "nope" was never started (TOOL_CALL_START)',
      'STATE_DELTA was not applied: replace /a: "a" does not exist; the state is kept as it was until the next STATE_SNAPSHOT',
      'a STATE_DELTA event was not recorded: "delta": Invalid input: expected array, received string',
      'a RUN_STARTED event was not recorded: "runId": Invalid input: expected string, received undefined',
      'a message was not recorded: an event must be a JSON object with a string "type"'
    ])
    expect(head(host)).toEqual({})
  })

  test('an event type this version of the protocol does not know is a custom event holding it whole', async () => {
    source = await startSource()
    await attached()
    const c = await source.next()
    c.send(ev({ type: 'RUN_STARTED', threadId: 't1', runId: 'r1' }))
    c.send(ev({ type: 'FUTURE_EVENT', detail: { $ref: 1 } }))
    await until(host, () => entries(host).some((e) => e.type === 'custom-event'))
    expect(entries(host).filter((e) => e.type === 'custom-event')).toMatchObject([
      { data: { type: 'FUTURE_EVENT', detail: { $object: { $ref: 1 } } } }
    ])
  })
})
