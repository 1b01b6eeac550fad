import { EventType, type AGUIEvent } from '@ag-ui/core'
import jsonpatch, { type Operation as JsonPatchOperation } from 'fast-json-patch'
import { describe, expect, test } from 'vitest'
import { MESSAGES_SLICE } from '../../../src/host/ag-ui'
import { convertForeign } from '../../../src/host/import'
import { encode } from '../../../src/host/recorder/encode'
import { noteOf } from '../../../src/shared/notes'
import type { HistoryEvent, Slices } from '../../../src/shared/protocol'
import { conversionError, entries, readLines } from './helpers'

const T0 = Date.UTC(2026, 11, 1, 10)

/** A run of an agent, event by event, as an AG-UI server streams it (typed by the protocol's own types). */
const RUN: AGUIEvent[] = [
  { type: EventType.RUN_STARTED, threadId: 't1', runId: 'r1', timestamp: T0 },
  {
    type: EventType.STATE_SNAPSHOT,
    snapshot: { plan: { steps: ['search'], done: false }, count: 0, schema: { $ref: '#/defs/x' } },
    timestamp: T0 + 1
  },
  { type: EventType.STEP_STARTED, stepName: 'search', timestamp: T0 + 2 },
  {
    type: EventType.STATE_DELTA,
    delta: [
      { op: 'add', path: '/plan/steps/-', value: 'answer' },
      { op: 'replace', path: '/count', value: 1 }
    ],
    timestamp: T0 + 3
  },
  { type: EventType.TEXT_MESSAGE_START, messageId: 'm1', role: 'assistant', timestamp: T0 + 4 },
  { type: EventType.TEXT_MESSAGE_CONTENT, messageId: 'm1', delta: 'Let me ' },
  { type: EventType.TEXT_MESSAGE_CONTENT, messageId: 'm1', delta: 'look.' },
  { type: EventType.TEXT_MESSAGE_END, messageId: 'm1' },
  { type: EventType.TOOL_CALL_START, toolCallId: 'tc1', toolCallName: 'search', parentMessageId: 'm1', timestamp: T0 + 5 },
  { type: EventType.TOOL_CALL_ARGS, toolCallId: 'tc1', delta: '{"q":' },
  { type: EventType.TOOL_CALL_ARGS, toolCallId: 'tc1', delta: '"umbrella"}' },
  { type: EventType.TOOL_CALL_END, toolCallId: 'tc1' },
  { type: EventType.TOOL_CALL_RESULT, messageId: 'm2', toolCallId: 'tc1', content: 'rain at noon', timestamp: T0 + 6 },
  { type: EventType.STEP_FINISHED, stepName: 'search', timestamp: T0 + 7 },
  { type: EventType.STEP_STARTED, stepName: 'search', timestamp: T0 + 8 },
  {
    type: EventType.STATE_DELTA,
    delta: [
      { op: 'remove', path: '/count' },
      { op: 'replace', path: '/plan/done', value: true },
      { op: 'add', path: '/notes', value: ['a'] }
    ],
    timestamp: T0 + 9
  },
  { type: EventType.CUSTOM, name: 'progress', value: { percent: 50 }, timestamp: T0 + 10 },
  { type: EventType.STATE_DELTA, delta: [{ op: 'remove', path: '/missing/key' }], timestamp: T0 + 11 },
  // Out of step since the delta before did not apply: not applied either, though it would apply.
  { type: EventType.STATE_DELTA, delta: [{ op: 'replace', path: '/plan/done', value: false }] },
  { type: EventType.STEP_FINISHED, stepName: 'search', timestamp: T0 + 12 },
  { type: EventType.RUN_FINISHED, threadId: 't1', runId: 'r1', timestamp: T0 + 13 },
  { type: EventType.RUN_STARTED, threadId: 't1', runId: 'r2', timestamp: T0 + 14 },
  {
    type: EventType.MESSAGES_SNAPSHOT,
    messages: [{ id: 'u1', role: 'user', content: 'Will it rain?' }],
    timestamp: T0 + 15
  },
  { type: EventType.STATE_SNAPSHOT, snapshot: { plan: { steps: [], done: false } }, timestamp: T0 + 16 },
  { type: EventType.RUN_ERROR, message: 'the model is overloaded', code: 'E529', timestamp: T0 + 17 }
]

const log = (events: readonly unknown[]): string => events.map((e) => `${JSON.stringify(e)}\n`).join('')

/**
 * The agent's state after the events, computed independently: snapshots, and deltas applied by
 * fast-json-patch from `{}`; once a delta does not apply, the state is kept as it was, later
 * deltas too, until the next snapshot (Patchscope's policy for a mirror out of step).
 */
function agentState(events: readonly AGUIEvent[]): Record<string, unknown> {
  let state: Record<string, unknown> = {}
  let outOfStep = false
  for (const e of events) {
    if (e.type === EventType.STATE_SNAPSHOT) {
      state = structuredClone(e.snapshot) as Record<string, unknown>
      outOfStep = false
    }
    if (e.type === EventType.STATE_DELTA && !outOfStep) {
      try {
        state = jsonpatch.applyPatch(structuredClone(state), e.delta as JsonPatchOperation[], true, false).newDocument
      } catch {
        // fast-json-patch refused it: the state stays as it was, out of step until the next snapshot.
        outOfStep = true
      }
    }
  }
  return state
}

/** The session's state after all its entries, the conversation left out. */
function lastState(events: readonly AGUIEvent[]): Slices {
  const converted = convertForeign(log(events), 'run.jsonl')
  expect(converted?.format).toBe('AG-UI event log')
  const session = readLines(converted!.lines)
  const { [MESSAGES_SLICE]: _messages, ...state } = session.history.stateAt(session.history.lastSeq)
  return JSON.parse(JSON.stringify(state)) as Slices
}

function events(events: readonly AGUIEvent[]): HistoryEvent[] {
  return entries(readLines(convertForeign(log(events))!.lines)).map((e) => e.event)
}

describe('AG-UI event logs', () => {
  test("after every event, the session's state is the agent's state as a client computes it, each top-level key a slice", () => {
    for (let k = 1; k <= RUN.length; k++) {
      const expected = Object.fromEntries(Object.entries(agentState(RUN.slice(0, k))).map(([key, v]) => [key, encode(v)]))
      expect(lastState(RUN.slice(0, k)), `after ${k} events`).toEqual(expected)
    }
  })

  test('the conversation is the (messages) slice, built a token at a time as a client builds it', () => {
    const session = readLines(convertForeign(log(RUN.slice(0, 13)))!.lines)
    expect(session.history.stateAt(session.history.lastSeq)[MESSAGES_SLICE]).toEqual([
      {
        id: 'm1',
        role: 'assistant',
        content: 'Let me look.',
        toolCalls: [{ id: 'tc1', type: 'function', function: { name: 'search', arguments: '{"q":"umbrella"}' } }]
      },
      { id: 'm2', role: 'tool', toolCallId: 'tc1', content: 'rain at noon' }
    ])
    const tokens = entries(session)
      .map((e) => e.event)
      .filter((e) => e.type === 'state.update' && e.cause.type === EventType.TEXT_MESSAGE_CONTENT)
    expect(tokens).toMatchObject([
      {
        slice: MESSAGES_SLICE,
        patches: [{ op: 'replace', path: '/0/content', value: 'Let me ' }],
        cause: { payload: { messageId: 'm1', delta: 'Let me ' } }
      },
      { slice: MESSAGES_SLICE, patches: [{ op: 'replace', path: '/0/content', value: 'Let me look.' }] }
    ])
    // A MESSAGES_SNAPSHOT replaces the conversation.
    const all = readLines(convertForeign(log(RUN))!.lines)
    expect(all.history.stateAt(all.history.lastSeq)[MESSAGES_SLICE]).toEqual([{ id: 'u1', role: 'user', content: 'Will it rain?' }])
  })

  test('runs are executions and steps their turns; a step met again is a turn of its own', () => {
    const statuses = events(RUN).filter((e) => e.type === 'execution.status')
    expect(statuses.map(({ status, executionId, turnId, error }) => ({ status, executionId, turnId, error }))).toEqual([
      { status: 'started', executionId: 'r1', turnId: undefined, error: undefined },
      { status: 'running', executionId: 'r1', turnId: 'search', error: undefined },
      { status: 'completed', executionId: 'r1', turnId: 'search', error: undefined },
      { status: 'running', executionId: 'r1', turnId: 'search #2', error: undefined },
      { status: 'completed', executionId: 'r1', turnId: 'search #2', error: undefined },
      { status: 'completed', executionId: 'r1', turnId: undefined, error: undefined },
      { status: 'started', executionId: 'r2', turnId: undefined, error: undefined },
      { status: 'failed', executionId: 'r2', turnId: undefined, error: 'the model is overloaded (E529)' }
    ])
    expect(statuses.map((s) => s.timestamp)).toEqual([T0, T0 + 2, T0 + 7, T0 + 8, T0 + 12, T0 + 13, T0 + 14, T0 + 17])
  })

  test('a delta is an entry per slice it touched, caused by the event with the run and the step', () => {
    const delta = events(RUN).filter((e) => e.type === 'state.update' && e.cause.type === EventType.STATE_DELTA)
    const cause = {
      type: 'STATE_DELTA',
      payload: RUN[3]!.type === EventType.STATE_DELTA ? RUN[3]!.delta : null,
      meta: { runId: 'r1', threadId: 't1', step: 'search' }
    }
    expect(delta.slice(0, 2)).toEqual([
      {
        type: 'state.update',
        seq: expect.any(Number),
        slice: 'plan',
        patches: [{ op: 'add', path: '/steps/1', value: 'answer' }],
        cause,
        timestamp: T0 + 3
      },
      { type: 'state.update', seq: expect.any(Number), slice: 'count', value: 1, cause, timestamp: T0 + 3 }
    ])
    // Removing a top-level key removes its slice; adding one brings a slice in.
    expect(
      delta.slice(2).map((e) => e.type === 'state.update' && { slice: e.slice, removed: e.removed, value: e.value, patches: e.patches })
    ).toEqual([
      { slice: 'count', removed: true, value: undefined, patches: undefined },
      { slice: 'plan', removed: undefined, value: undefined, patches: [{ op: 'replace', path: '/done', value: true }] },
      { slice: 'notes', removed: undefined, value: ['a'], patches: undefined }
    ])
  })

  test('values JSON cannot tell from tags are encoded as Patchscope records them', () => {
    expect(lastState(RUN.slice(0, 2)).schema).toEqual({ $object: { $ref: '#/defs/x' } })
  })

  test('a delta that does not apply is said by a note, and the state is kept, later deltas too, until the next snapshot', () => {
    const all = events(RUN)
    const said = all.flatMap((e) => {
      const note = noteOf(e)
      return note?.note === 'attach' ? [{ ...note, timestamp: e.timestamp }] : []
    })
    expect(said).toEqual([
      {
        note: 'attach',
        event: 'delta-not-applied',
        message: expect.stringMatching(
          /^STATE_DELTA was not applied: remove \/missing\/key: .*; the state is kept as it was until the next STATE_SNAPSHOT$/
        ),
        timestamp: T0 + 11
      },
      {
        note: 'attach',
        event: 'delta-not-applied',
        message:
          'STATE_DELTA was not applied: the state is out of step since a delta did not apply: it is kept as it was until the next STATE_SNAPSHOT',
        timestamp: T0 + 11
      }
    ])
    // Neither changed anything: the next change of the agent's state is the snapshot's repair.
    const after = all.slice(all.findIndex((e) => noteOf(e) !== undefined))
    expect(after.find((e) => e.type === 'state.update' && e.slice !== MESSAGES_SLICE)).toMatchObject({
      cause: { type: 'STATE_SNAPSHOT' },
      timestamp: T0 + 16
    })
  })

  test('custom, raw and unknown events are custom events holding the event whole', () => {
    const future = { type: 'FUTURE_EVENT', detail: [1, 2] }
    const raw = { type: EventType.RAW, event: { vendor: 'x' }, source: 'llm' }
    const custom = events([...RUN.slice(0, 1), RUN[16]!, raw as AGUIEvent, future as unknown as AGUIEvent]).filter(
      (e) => e.type === 'custom-event'
    )
    expect(custom.map((e) => e.type === 'custom-event' && e.data)).toEqual([
      { type: 'CUSTOM', name: 'progress', value: { percent: 50 }, timestamp: T0 + 10 },
      raw,
      future
    ])
  })

  test('an event without a timestamp takes the one before it; the header is named after the file and dated by the first event', () => {
    const session = readLines(convertForeign(log(RUN), 'agent-run.jsonl')!.lines)
    expect(session.header).toMatchObject({
      runtime: { path: null, name: 'agent-run.jsonl (AG-UI event log)' },
      createdAt: new Date(T0).toISOString()
    })
    const tokens = entries(session).filter(
      ({ event }) => event.type === 'state.update' && event.cause.type === EventType.TEXT_MESSAGE_CONTENT
    )
    expect(tokens.map((e) => e.event.timestamp)).toEqual([T0 + 4, T0 + 4])
  })

  test('a saved event stream (data: lines) reads as the same log', () => {
    const sse = RUN.map((e) => `event: message\ndata: ${JSON.stringify(e)}\n\n`).join('')
    const lines = (text: string): string[] => convertForeign(text, 'x', { now: T0 })!.lines
    expect(lines(sse)).toEqual(lines(log(RUN)))
    expect(readLines(convertForeign(sse)!.lines).integrity).toEqual({ complete: true })
  })

  test('the converted file is complete, unless its last line was cut in the middle', () => {
    expect(readLines(convertForeign(log(RUN))!.lines).integrity).toEqual({ complete: true })
    const text = log(RUN)
    const cut = readLines(convertForeign(text.slice(0, text.length - 20))!.lines)
    expect(cut.integrity).toMatchObject({ complete: false, statement: expect.stringMatching(/^cut short after /) })
    // The events before the cut line, as their own log gives them, without a closing line.
    expect(convertForeign(text.slice(0, text.length - 20), 'x', { now: T0 })!.lines).toEqual(
      convertForeign(log(RUN.slice(0, -1)), 'x', { now: T0 })!.lines.slice(0, -1)
    )
  })

  test('tool calls and messages given in chunks', () => {
    const session = readLines(
      convertForeign(
        log([
          { type: EventType.TEXT_MESSAGE_CHUNK, messageId: 'm1', role: 'assistant', delta: 'Hi' },
          { type: EventType.TEXT_MESSAGE_CHUNK, messageId: 'm1', delta: ' there' },
          { type: EventType.TOOL_CALL_CHUNK, toolCallId: 'c1', toolCallName: 'lookup', parentMessageId: 'm1', delta: '{"a"' },
          { type: EventType.TOOL_CALL_CHUNK, toolCallId: 'c1', delta: ':1}' }
        ])
      )!.lines
    )
    expect(session.history.stateAt(session.history.lastSeq)).toEqual({
      [MESSAGES_SLICE]: [
        {
          id: 'm1',
          role: 'assistant',
          content: 'Hi there',
          toolCalls: [{ id: 'c1', type: 'function', function: { name: 'lookup', arguments: '{"a":1}' } }]
        }
      ]
    })
  })
})

describe('AG-UI event logs that cannot be read', () => {
  test('name the line and what the protocol expects there', () => {
    const start = JSON.stringify(RUN[0])
    expect(conversionError(`${start}\n{"type":"STATE_DELTA","delta":3}\n`).message).toBe(
      'AG-UI event log: line 2: STATE_DELTA: "delta": Invalid input: expected array, received number'
    )
    expect(conversionError(`${start}\n{"type":"RUN_STARTED","threadId":"t"}\n`).message).toMatch(
      /^AG-UI event log: line 2: RUN_STARTED: "runId": /
    )
    expect(conversionError(`${start}\n\n{not json}\n${start}\n`).message).toMatch(/^AG-UI event log: line 3: not valid JSON \(/)
    expect(conversionError(`${start}\n[1, 2]\n`).message).toBe(
      'AG-UI event log: line 2: an event must be a JSON object with a string "type"'
    )
    expect(conversionError(`${start}\n{"type":"CUSTOM","name":"x","value":1,"timestamp":"noon"}\n`).message).toBe(
      'AG-UI event log: line 2: CUSTOM: "timestamp" must be a number (milliseconds)'
    )
  })

  test('a file that does not start with an AG-UI event is not taken for a log', () => {
    expect(convertForeign('{"type":"state.initial","seq":0,"slices":{},"timestamp":1}\n')).toBeUndefined()
    expect(convertForeign('{"type":"NOT_AGUI"}\n')).toBeUndefined()
    expect(convertForeign('\n\n')).toBeUndefined()
  })
})
