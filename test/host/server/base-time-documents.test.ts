/**
 * The base entry carries the time the history began (issue 12): the stream's `state.initial`, an
 * export's first line and a document opened from that export say when the history began, or for a
 * trimmed history when the entry the base now stands for was recorded — never when a window
 * connected or the file was written.
 */
import { describe, expect, test } from 'vitest'
import { History } from '../../../src/host/recorder/history'
import { exportSession } from '../../../src/host/recorder/session-file'
import { SseClient } from '../../../src/host/server/sse-client'
import type { HistoryEvent, ServerEvent } from '../../../src/shared/protocol'
import { parseFrame } from '../../helpers/sse'

function record(history: History, from: number, count: number): void {
  for (let i = 0; i < count; i++)
    history.appendEvent({ type: 'state.update', slice: 'a', value: from + i, cause: { type: 'inc' }, timestamp: 1000 + from + i })
}

/** The first event a new client of `history` is sent. */
function firstEvent(history: History, start: ConstructorParameters<typeof SseClient>[1]): ServerEvent {
  const client = new SseClient(history, start, undefined)
  let chunk: Uint8Array | undefined
  client.pull({ enqueue: (c: Uint8Array) => void (chunk = c) } as unknown as ReadableStreamDefaultController<Uint8Array>)
  const block = Buffer.from(chunk as Uint8Array)
    .toString('utf8')
    .split('\n\n')[0] as string
  return JSON.parse((parseFrame(block) as { data: string }).data) as ServerEvent
}

async function exportedLines(history: History, now: number): Promise<string[]> {
  const text = await new Response(exportSession(history, { path: null, name: 'x', status: 'loaded' }, now)).text()
  return text.split('\n').filter((l) => l !== '')
}

describe('the base entry’s time', () => {
  test('a new history’s base is stamped with when it began, and keeps that time', () => {
    const before = Date.now()
    const history = new History()
    expect(history.baseTime).toBeGreaterThanOrEqual(before)
    expect(history.baseTime).toBeLessThanOrEqual(Date.now())
    expect(new History({ baseTime: 42 }).baseTime).toBe(42)
  })

  test('the stream’s state.initial from the base carries the base’s time, not the time the client connected', () => {
    const history = new History({ baseTime: 42 })
    record(history, 0, 3)
    expect(firstEvent(history, { from: 'base', gap: false })).toMatchObject({ type: 'state.initial', seq: 0, timestamp: 42 })
    // A client asking for the current state gets the time that state came to be: its last entry's.
    expect(firstEvent(history, { from: 'current' })).toMatchObject({ type: 'state.initial', seq: 3, timestamp: 1002 })
    expect(firstEvent(new History({ baseTime: 7 }), { from: 'current' })).toMatchObject({ seq: 0, timestamp: 7 })
  })

  test('a trimmed history’s base takes the time of the entry it now stands for', () => {
    const history = new History({ baseTime: 42, limits: { maxEntries: 1500 } })
    record(history, 0, 3000)
    expect(history.baseSeq).toBeGreaterThan(0)
    expect(history.baseTime).toBe(1000 + history.baseSeq - 1)
    expect(history.timeAt(history.baseSeq)).toBe(history.baseTime)
    expect(history.timeAt(history.lastSeq)).toBe(1000 + 2999)
    expect(firstEvent(history, { from: 'base', gap: true })).toMatchObject({ seq: history.baseSeq, timestamp: history.baseTime })
  })

  test('an export’s first line carries the base’s time, not the export’s', async () => {
    const history = new History({ baseTime: 42 })
    record(history, 0, 2)
    const lines = await exportedLines(history, 9_999_999)
    expect(JSON.parse(lines[0] as string)).toMatchObject({ createdAt: new Date(9_999_999).toISOString() })
    expect(JSON.parse(lines[1] as string) as HistoryEvent).toMatchObject({ type: 'state.initial', seq: 0, timestamp: 42 })
  })

  test('a history that takes over another (an import) takes its base time; a restart is stamped anew', () => {
    const history = new History({ baseTime: 1 })
    history.adopt(new History({ baseTime: 77 }))
    expect(history.baseTime).toBe(77)
    history.restart({}, 0, 88)
    expect(history.baseTime).toBe(88)
  })
})
