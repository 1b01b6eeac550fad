/**
 * One AG-UI translation: the same events streamed to an attached host and saved as a log (the
 * stream's own `data:` lines) and imported give the same history, entry for entry.
 */
import { EventType, type AGUIEvent } from '@ag-ui/core'
import { afterEach, expect, test } from 'vitest'
import { MESSAGES_SLICE } from '../../../src/host/ag-ui'
import { checkAttachUrl } from '../../../src/host/attach'
import { Host } from '../../../src/host/host'
import { convertForeign } from '../../../src/host/import'
import { noteOf } from '../../../src/shared/notes'
import type { HistoryEvent, Slices } from '../../../src/shared/protocol'
import { toPlain } from '../../../src/shared/state'
import { entries as attachedEntries, until } from '../attach/recorded'
import { startSource, type SourceServer } from '../attach/source-server'
import { entries as importedEntries, readLines } from '../import/helpers'

let host: Host | undefined
let source: SourceServer | undefined

afterEach(async () => {
  await host?.close()
  await source?.close()
})

const T0 = Date.UTC(2026, 11, 1, 9)

/** Every kind of event the translation records, and each way one can fail to apply. */
const EVENTS: AGUIEvent[] = [
  { type: EventType.RUN_STARTED, threadId: 't1', runId: 'r1', timestamp: T0 },
  // Before any snapshot: applied to the `{}` a client starts from.
  { type: EventType.STATE_DELTA, delta: [{ op: 'add', path: '/count', value: 0 }] },
  { type: EventType.STATE_SNAPSHOT, snapshot: { count: 1, todos: ['milk'], schema: { $ref: '#/x' } }, timestamp: T0 + 1 },
  { type: EventType.STEP_STARTED, stepName: 'plan' },
  {
    type: EventType.STATE_DELTA,
    delta: [
      { op: 'add', path: '/todos/-', value: 'eggs' },
      { op: 'replace', path: '/count', value: 2 }
    ]
  },
  { type: EventType.TEXT_MESSAGE_START, messageId: 'm1', role: 'assistant' },
  { type: EventType.TEXT_MESSAGE_CONTENT, messageId: 'm1', delta: 'Buy ' },
  { type: EventType.TEXT_MESSAGE_CONTENT, messageId: 'm1', delta: 'eggs.' },
  { type: EventType.TEXT_MESSAGE_END, messageId: 'm1' },
  { type: EventType.TEXT_MESSAGE_CONTENT, messageId: 'never-started', delta: 'x' },
  { type: EventType.TOOL_CALL_START, toolCallId: 'c1', toolCallName: 'shop', parentMessageId: 'm1' },
  { type: EventType.TOOL_CALL_ARGS, toolCallId: 'c1', delta: '{"item":' },
  { type: EventType.TOOL_CALL_ARGS, toolCallId: 'c1', delta: '"eggs"}' },
  { type: EventType.TOOL_CALL_END, toolCallId: 'c1' },
  { type: EventType.TOOL_CALL_RESULT, messageId: 'm2', toolCallId: 'c1', content: 'ordered' },
  { type: EventType.TEXT_MESSAGE_CHUNK, messageId: 'm3', role: 'assistant', delta: 'Done' },
  { type: EventType.TOOL_CALL_CHUNK, toolCallId: 'c2', toolCallName: 'notify', parentMessageId: 'm3', delta: '{}' },
  { type: EventType.STEP_FINISHED, stepName: 'plan' },
  { type: EventType.STEP_STARTED, stepName: 'plan' },
  { type: EventType.STATE_DELTA, delta: [{ op: 'remove', path: '/missing' }] },
  { type: EventType.STATE_DELTA, delta: [{ op: 'replace', path: '/count', value: 3 }] },
  { type: EventType.CUSTOM, name: 'progress', value: { $percent: 50 } },
  { type: EventType.RAW, event: { vendor: 'x' } },
  { type: 'FUTURE_EVENT', detail: [1] } as unknown as AGUIEvent,
  { type: EventType.STATE_SNAPSHOT, snapshot: { count: 4, todos: ['milk', 'eggs', 'bread'] }, timestamp: T0 + 2 },
  {
    type: EventType.STATE_DELTA,
    delta: [
      { op: 'remove', path: '/count' },
      { op: 'add', path: '/done', value: true }
    ]
  },
  { type: EventType.STEP_FINISHED, stepName: 'plan' },
  { type: EventType.RUN_FINISHED, threadId: 't1', runId: 'r1', outcome: { type: 'cancelled' } },
  { type: EventType.RUN_STARTED, threadId: 't1', runId: 'r2' },
  { type: EventType.MESSAGES_SNAPSHOT, messages: [{ id: 'u1', role: 'user', content: 'Again?' }] },
  { type: EventType.STATE_SNAPSHOT, snapshot: ['not', 'an', 'object'] },
  { type: EventType.STATE_SNAPSHOT, snapshot: { count: 0 } },
  { type: EventType.RUN_ERROR, message: 'overloaded', code: 'E529' },
  { type: EventType.CUSTOM, name: 'end', value: null }
]

/** An entry as both histories hold it: without its seq and time, which each gives its own. */
function comparable(e: HistoryEvent): Record<string, unknown> {
  const { seq: _seq, timestamp: _timestamp, ...rest } = e
  return rest
}

test('the same AG-UI events attached live and imported as the log saved from the stream give the same history, entry for entry', async () => {
  // The log as a client saves the stream: the `data:` lines the source wrote.
  const saved = EVENTS.map((e) => `data: ${JSON.stringify(e)}\n\n`).join('')
  const imported = importedEntries(readLines(convertForeign(saved, 'saved.sse')!.lines))

  source = await startSource()
  host = (await Host.create({ log: () => undefined })).host
  await host.attach({ url: checkAttachUrl(source.url), headers: {} }, { backoff: { firstMs: 1, maxMs: 4 } })
  const c = await source.next()
  for (const e of EVENTS) c.send({ data: e })
  const h = host
  const isEnd = (e: HistoryEvent): boolean => e.type === 'custom-event' && (e.data as { name?: unknown }).name === 'end'
  await until(h, () => attachedEntries(h).some(isEnd))
  const recorded: { event: HistoryEvent; state: Slices }[] = []
  for (let seq = h.history.lastSeq; seq > h.history.baseSeq && h.history.event(seq).type !== 'state.initial'; seq--)
    recorded.unshift({ event: h.history.event(seq), state: toPlain(h.history.stateAt(seq)) })

  expect(recorded.map((r) => comparable(r.event))).toEqual(imported.map((r) => comparable(r.event)))
  expect(recorded.map((r) => r.state)).toEqual(imported.map((r) => r.state))

  // What the two agree on is the whole translation, not an empty history.
  expect(recorded.at(-1)?.state).toEqual({ count: 0, [MESSAGES_SLICE]: [{ id: 'u1', role: 'user', content: 'Again?' }] })
  const notes = recorded.flatMap(({ event }) => {
    const note = noteOf(event)
    return note?.note === 'attach' ? [note.message] : []
  })
  expect(notes).toEqual([
    'TEXT_MESSAGE_CONTENT was not applied: message "never-started" was never started (TEXT_MESSAGE_START)',
    expect.stringMatching(/^STATE_DELTA was not applied: remove \/missing: /),
    'STATE_DELTA was not applied: the state is out of step since a delta did not apply: it is kept as it was until the next STATE_SNAPSHOT'
  ])
  const slices = new Set(recorded.flatMap(({ event }) => (event.type === 'state.update' ? [event.slice] : [])))
  expect(slices).toEqual(new Set(['count', 'todos', 'schema', MESSAGES_SLICE, 'done', 'state']))
})
