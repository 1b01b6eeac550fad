import { describe, expect, test } from 'vitest'
import { History } from '../../../src/host/recorder/history'
import { initialFrame, SseClient, type Start } from '../../../src/host/server/sse-client'
import type { ServerEvent } from '../../../src/shared/protocol'
import { parseFrame } from '../../helpers/sse'

/** A stream controller that keeps what is enqueued. */
class Sink {
  chunks: Uint8Array[] = []
  readonly controller = {
    enqueue: (chunk: Uint8Array) => void this.chunks.push(chunk)
  } as unknown as ReadableStreamDefaultController<Uint8Array>

  /** Every event enqueued so far, parsed. */
  events(): ServerEvent[] {
    const text = Buffer.concat(this.chunks).toString('utf8')
    return text
      .split('\n\n')
      .filter((block) => block !== '')
      .map((block) => JSON.parse((parseFrame(block) as { data: string }).data) as ServerEvent)
  }
}

function increments(history: History, count: number, slice = 'a'): void {
  for (let i = 0; i < count; i++) history.appendEvent({ type: 'state.update', slice, value: i, cause: { type: 'inc' }, timestamp: i })
  history.notify()
}

function open(history: History, start: Start, slices?: string[]): { client: SseClient; sink: Sink } {
  const client = new SseClient(history, start, slices)
  const sink = new Sink()
  history.subscribe(() => client.wake())
  return { client, sink }
}

const seqs = (events: ServerEvent[]): number[] => events.flatMap((e) => ('seq' in e ? [e.seq] : []))

describe('SseClient', () => {
  test('tells a client that stopped reading that entries were dropped meanwhile, then goes on from the base', async () => {
    const history = new History({ limits: { maxEntries: 10 } })
    increments(history, 5)
    const { client, sink } = open(history, { from: 'after', seq: 2 })
    await client.pull(sink.controller)
    expect(seqs(sink.events())).toEqual([3, 4, 5])
    // The client does not pull while 50 entries come and most of them go.
    increments(history, 50)
    await client.pull(sink.controller)
    const after = sink.events().slice(3)
    expect(after[0]).toMatchObject({ type: 'state.initial', seq: history.baseSeq, gap: true })
    while (seqs(sink.events()).at(-1) !== history.lastSeq) await client.pull(sink.controller)
    expect(seqs(sink.events().slice(3))).toEqual(
      Array.from({ length: history.lastSeq - history.baseSeq + 1 }, (_, i) => history.baseSeq + i)
    )
  })

  test('waits for entries of its slices, however many entries of other slices come first', async () => {
    const history = new History()
    const { client, sink } = open(history, { from: 'after', seq: 0 }, ['wanted'])
    let done = false
    const pulled = Promise.resolve(client.pull(sink.controller)).then(() => (done = true))
    increments(history, 3, 'other')
    await Promise.resolve()
    expect(done).toBe(false)
    increments(history, 1, 'wanted')
    await pulled
    expect(sink.events()).toMatchObject([{ type: 'state.update', slice: 'wanted', seq: 4 }])
  })

  test('sends a heartbeat only while it has nothing else to send', async () => {
    const history = new History()
    const { client, sink } = open(history, { from: 'after', seq: 0 })
    const beat = Buffer.from('event: heartbeat\ndata: {"type":"heartbeat","timestamp":1}\n\n')
    client.heartbeat(beat)
    expect(sink.chunks).toEqual([])
    const pulled = client.pull(sink.controller)
    client.heartbeat(beat)
    await pulled
    expect(sink.events()).toEqual([{ type: 'heartbeat', timestamp: 1 }])
  })

  test('writes a state.initial frame with its seq as the id', () => {
    const frame = initialFrame(7, { 'a/b': [1] }, true, 5, true)
    expect(parseFrame(frame.trimEnd())).toEqual({
      id: '7',
      event: 'state.initial',
      data: '{"type":"state.initial","seq":7,"slices":{"a/b":[1]},"timestamp":5,"gap":true,"reset":true}'
    })
  })
})
