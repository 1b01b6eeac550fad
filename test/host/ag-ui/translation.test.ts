import { EventType } from '@ag-ui/core'
import { describe, expect, test } from 'vitest'
import { AgUiTranslation, MESSAGES_SLICE, readEvent, type ReadEvent } from '../../../src/host/ag-ui'
import { Conversation } from '../../../src/host/ag-ui/conversation'
import type { AttachEntry, AttachSink } from '../../../src/host/attach'
import type { AttachNote } from '../../../src/shared/notes'
import type { Slices } from '../../../src/shared/protocol'
import { applyUpdate, newEdit } from '../../../src/shared/state'

/** A sink that keeps what the translation records, and the state its entries make. */
function recorder(): { sink: AttachSink; out: (AttachEntry | { note: AttachNote['event']; message: string })[]; state: () => Slices } {
  const out: (AttachEntry | { note: AttachNote['event']; message: string })[] = []
  let state: Slices = {}
  return {
    out,
    state: () => state,
    sink: {
      initial: (slices) => {
        state = slices
      },
      entry: (e) => {
        out.push(e)
        if (e.type === 'state.update') {
          const update =
            'patches' in e && e.patches !== undefined
              ? { patches: e.patches }
              : e.removed
                ? { removed: true as const }
                : { value: e.value! }
          state = applyUpdate(state, e.slice, update, newEdit())
        }
      },
      note: (note, message) => out.push({ note, message })
    }
  }
}

function read(value: Record<string, unknown>): ReadEvent {
  const r = readEvent(value)
  if ('problem' in r) throw new Error(r.problem)
  return r
}

describe('the AG-UI translation', () => {
  test('an agent state that is not an object is the slice "state"; an object again, its keys', () => {
    const { sink, state } = recorder()
    const t = new AgUiTranslation(sink)
    t.event(read({ type: EventType.STATE_SNAPSHOT, snapshot: { a: 1 } }))
    t.event(read({ type: EventType.STATE_SNAPSHOT, snapshot: [1, 2] }))
    expect(state()).toEqual({ state: [1, 2] })
    t.event(read({ type: EventType.STATE_DELTA, delta: [{ op: 'add', path: '/-', value: 3 }] }))
    expect(state()).toEqual({ state: [1, 2, 3] })
    t.event(read({ type: EventType.STATE_SNAPSHOT, snapshot: { b: { c: 1 } } }))
    expect(state()).toEqual({ b: { c: 1 } })
    // A delta that replaces the whole state compares every slice.
    t.event(read({ type: EventType.STATE_DELTA, delta: [{ op: 'replace', path: '', value: { b: { c: 1 }, d: 2 } }] }))
    expect(state()).toEqual({ b: { c: 1 }, d: 2 })
  })

  test('chunks without ids go on with the last message or tool call; with nothing to go on with, they are said', () => {
    const { sink, out, state } = recorder()
    const t = new AgUiTranslation(sink)
    t.event(read({ type: EventType.TEXT_MESSAGE_CHUNK, delta: 'orphan' }))
    t.event(read({ type: EventType.TOOL_CALL_CHUNK, delta: '{' }))
    t.event(read({ type: EventType.TEXT_MESSAGE_CHUNK, messageId: 'm1', delta: 'Hi' }))
    t.event(read({ type: EventType.TEXT_MESSAGE_CHUNK, delta: '!' }))
    t.event(read({ type: EventType.TOOL_CALL_CHUNK, toolCallId: 'c1', toolCallName: 'f', parentMessageId: 'm1', delta: '{"a"' }))
    t.event(read({ type: EventType.TOOL_CALL_CHUNK, delta: ':1}' }))
    expect(out.filter((o) => 'note' in o)).toEqual([
      {
        note: 'delta-not-applied',
        message: 'TEXT_MESSAGE_CHUNK was not applied: it has no "messageId" and there is no message to go on with'
      },
      {
        note: 'delta-not-applied',
        message: 'TOOL_CALL_CHUNK was not applied: it has no "toolCallId" and there is no tool call to go on with'
      }
    ])
    expect(state()[MESSAGES_SLICE]).toEqual([
      {
        id: 'm1',
        role: 'assistant',
        content: 'Hi!',
        toolCalls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }]
      }
    ])
  })

  test("runs' outcomes, errors and steps outside a run", () => {
    const { sink, out } = recorder()
    const t = new AgUiTranslation(sink)
    t.event(read({ type: EventType.STEP_STARTED, stepName: 'warm-up' }))
    t.event(read({ type: EventType.RUN_STARTED, threadId: 't', runId: 'r1' }))
    t.event(read({ type: EventType.RUN_FINISHED, threadId: 't', runId: 'r1', outcome: { type: 'cancelled' } }))
    t.event(read({ type: EventType.RUN_ERROR, message: 'no run' }))
    expect(out.map((o) => ('type' in o && o.type === 'execution.status' ? [o.status, o.executionId, o.turnId, o.error] : o))).toEqual([
      ['running', '(run)', 'warm-up', undefined],
      ['started', 'r1', undefined, undefined],
      ['cancelled', 'r1', undefined, undefined],
      ['failed', '(run)', undefined, 'no run']
    ])
  })

  test('events missed (a lost connection) leave the state out of step until the next snapshot; missed before any event, nothing', () => {
    const { sink, out, state } = recorder()
    const t = new AgUiTranslation(sink)
    t.missed('nothing yet')
    t.event(read({ type: EventType.STATE_DELTA, delta: [{ op: 'add', path: '/n', value: 1 }] }))
    expect(state()).toEqual({ n: 1 })
    t.missed('events were missed')
    t.event(read({ type: EventType.STATE_DELTA, delta: [{ op: 'replace', path: '/n', value: 2 }] }))
    expect(state()).toEqual({ n: 1 })
    expect(out.at(-1)).toEqual({
      note: 'delta-not-applied',
      message:
        'STATE_DELTA was not applied: the state is out of step since events were missed: it is kept as it was until the next STATE_SNAPSHOT'
    })
    t.event(read({ type: EventType.STATE_SNAPSHOT, snapshot: { n: 5 } }))
    t.event(read({ type: EventType.STATE_DELTA, delta: [{ op: 'replace', path: '/n', value: 6 }] }))
    expect(state()).toEqual({ n: 6 })
  })

  test('the conversation is never changed in place (the recorder trusts an unchanged reference)', () => {
    const c = new Conversation()
    c.start('m1', 'assistant', undefined)
    c.toolCall('c1', 'f', 'm1')
    const before = c.messages
    const copy = structuredClone(before)
    c.append('m1', 'x')
    c.toolArgs('c1', '{}')
    c.result('m2', 'c1', 'ok', 'tool')
    expect(before).toEqual(copy)
    expect(c.messages).not.toBe(before)
  })
})

describe('reading AG-UI events', () => {
  test('checks them against the protocol, and lets types it does not know through whole', () => {
    expect(readEvent({ type: 'STATE_DELTA', delta: 3 })).toEqual({ problem: '"delta": Invalid input: expected array, received number' })
    expect(readEvent([1])).toEqual({ problem: 'an event must be a JSON object with a string "type"' })
    let deep: unknown = 1
    for (let i = 0; i < 600; i++) deep = [deep]
    expect(readEvent({ type: 'CUSTOM', name: 'x', value: deep })).toEqual({ problem: 'a value is nested deeper than 512 levels' })
    expect(readEvent({ type: 'FUTURE', x: 1 })).toEqual({ raw: { type: 'FUTURE', x: 1 }, known: undefined })
  })
})
