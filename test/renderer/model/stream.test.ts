import { afterEach, describe, expect, test, vi } from 'vitest'
import { EventStream, type LinkStatus, type StreamOptions } from '../../../src/renderer/src/lib/model/stream'
import type { HistoryEvent } from '../../../src/shared/protocol'

/** One request the window made, and the stream that answers it, which the test writes to. */
interface Call {
  url: string
  headers: Record<string, string>
  signal: AbortSignal
  send(text: string): void
  /** The host ends the response. */
  close(): void
  /** The connection breaks. */
  fail(): void
}

/**
 * A host behind a fake `fetch`: each request is answered with `status`, or else with an SSE
 * body the test writes to. Aborting the request errors the body, as a real fetch does.
 */
class FakeHost {
  readonly calls: Call[] = []
  /** What the next requests are answered with, first to last; after them, 200 with a stream. */
  statuses: number[] = []

  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const headers = Object.fromEntries(
      Object.entries((init?.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v])
    )
    const signal = init?.signal ?? new AbortController().signal
    const status = this.statuses.shift() ?? 200
    let controller!: ReadableStreamDefaultController<Uint8Array>
    const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) })
    const encoder = new TextEncoder()
    let open = true
    const end = (how: () => void): void => {
      if (open) how()
      open = false
    }
    signal.addEventListener('abort', () => end(() => controller.error(new DOMException('The operation was aborted.', 'AbortError'))))
    this.calls.push({
      url: String(input),
      headers,
      signal,
      send: (text) => open && controller.enqueue(encoder.encode(text)),
      close: () => end(() => controller.close()),
      fail: () => end(() => controller.error(new TypeError('network error')))
    })
    return status === 200
      ? new Response(body, { status, headers: { 'content-type': 'text/event-stream' } })
      : new Response('{}', { status })
  }

  /** The request made `n`-th (from 1), once it is made. */
  async call(n: number): Promise<Call> {
    await vi.waitFor(() => expect(this.calls.length).toBeGreaterThanOrEqual(n))
    return this.calls[n - 1] as Call
  }
}

/** An SSE frame as the host writes it. */
const frame = (e: HistoryEvent): string => `id: ${e.seq}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`
const heartbeat = `event: heartbeat\ndata: {"type":"heartbeat","timestamp":1}\n\n`
const base = (seq: number): HistoryEvent => ({ type: 'state.initial', seq, slices: { n: seq }, timestamp: seq })
const entry = (seq: number): HistoryEvent => ({ type: 'state.update', seq, slice: 'n', value: seq, cause: { type: 'inc' }, timestamp: seq })

const streams: EventStream[] = []
afterEach(() => {
  for (const s of streams.splice(0)) s.stop()
})

/** A stream over a fake host (answering `statuses` first) that records what it is told. */
function open(
  more: Partial<StreamOptions> = {},
  onEvent: (e: HistoryEvent, raw: string) => void = () => undefined,
  statuses: number[] = []
) {
  const host = new FakeHost()
  host.statuses = statuses
  const seqs: number[] = []
  const raws: string[] = []
  const told: [LinkStatus, string][] = []
  const stream = new EventStream(
    { origin: 'http://127.0.0.1:4000', token: 'secret', backoff: [0], fetch: host.fetch, ...more },
    {
      onEvent: (e, raw) => {
        onEvent(e, raw)
        seqs.push(e.seq)
        raws.push(raw)
      },
      onStatus: (status, detail) => void told.push([status, detail])
    }
  )
  streams.push(stream)
  stream.start()
  return { host, stream, seqs, raws, statuses: told }
}

/** Lets every pending callback and timer of 0 ms run a few times over. */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await new Promise((r) => setTimeout(r, 0))
}

describe('EventStream', () => {
  test('asks for the whole retained history first, with the token in a header', async () => {
    const { host, statuses } = open()
    const call = await host.call(1)
    expect(call.url).toBe('http://127.0.0.1:4000/events?since=0')
    expect(call.headers).toMatchObject({ authorization: 'Bearer secret', accept: 'text/event-stream' })
    expect(call.headers['last-event-id']).toBeUndefined()
    await vi.waitFor(() => expect(statuses.map(([s]) => s)).toEqual(['connecting', 'live']))
  })

  test('hands over each entry with its JSON as received, skips heartbeats, and remembers the last seq', async () => {
    const { host, stream, seqs, raws } = open()
    const call = await host.call(1)
    call.send(frame(base(0)) + heartbeat + frame(entry(1)))
    // A frame cut anywhere is put together again.
    const f = frame(entry(2))
    call.send(f.slice(0, 7))
    call.send(f.slice(7, 30))
    call.send(f.slice(30))
    await vi.waitFor(() => expect(seqs).toEqual([0, 1, 2]))
    expect(raws[2]).toBe(JSON.stringify(entry(2)))
    expect(stream.lastSeq).toBe(2)
  })

  test('hands an event outside the history (no id) to onNotice, never to onEvent, and ignores one it cannot parse', async () => {
    const host = new FakeHost()
    const seqs: number[] = []
    const notices: [string, unknown][] = []
    const stream = new EventStream(
      { origin: 'http://127.0.0.1:4000', token: 'secret', backoff: [0], fetch: host.fetch },
      { onEvent: (e) => void seqs.push(e.seq), onStatus: () => undefined, onNotice: (type, data) => void notices.push([type, data]) }
    )
    streams.push(stream)
    stream.start()
    const call = await host.call(1)
    call.send(
      `event: journal\ndata: {"type":"journal","state":"failing"}\n\n` +
        frame(base(0)) +
        `event: journal\ndata: not json\n\n` +
        frame(entry(1))
    )
    await vi.waitFor(() => expect(seqs).toEqual([0, 1]))
    expect(notices).toEqual([['journal', { type: 'journal', state: 'failing' }]])
    expect(stream.lastSeq).toBe(1)
    // No resync: the one request is still the stream.
    expect(host.calls).toHaveLength(1)
  })

  test('lets the window paint while it parses a long history that has already arrived', async () => {
    const busy = (ms: number): void => {
      const until = performance.now() + ms
      while (performance.now() < until);
    }
    // Each entry costs the window 1 ms; 200 of them arrived before the stream reads any.
    const { host, seqs } = open({}, () => busy(1))
    const call = await host.call(1)
    call.send(frame(base(0)))
    for (let seq = 1; seq < 200; seq++) call.send(frame(entry(seq)))
    let seenByAnotherTask: number | undefined
    setTimeout(() => (seenByAnotherTask = seqs.length), 0)
    await vi.waitFor(() => expect(seqs.length).toBe(200), { timeout: 5000 })
    // Another task ran part way through, not only once all 200 ms of parsing were done.
    expect(seenByAnotherTask).toBeDefined()
    expect(seenByAnotherTask as number).toBeLessThan(100)
  })

  test('resumes with Last-Event-ID after the connection drops, without repeating or losing entries', async () => {
    const { host, seqs, statuses } = open()
    const first = await host.call(1)
    first.send(frame(base(0)) + frame(entry(1)) + frame(entry(2)))
    // Entry 3 is cut off by the drop: it never arrived whole, so it is asked for again.
    first.send(frame(entry(3)).slice(0, 20))
    await vi.waitFor(() => expect(seqs).toEqual([0, 1, 2]))
    first.fail()
    const second = await host.call(2)
    expect(second.url).toBe('http://127.0.0.1:4000/events')
    expect(second.headers['last-event-id']).toBe('2')
    expect(statuses.map(([s]) => s)).toContain('reconnecting')
    second.send(frame(entry(3)) + frame(entry(4)))
    await vi.waitFor(() => expect(seqs).toEqual([0, 1, 2, 3, 4]))
    second.close()
    const third = await host.call(3)
    expect(third.headers['last-event-id']).toBe('4')
    third.send(frame(entry(5)))
    await vi.waitFor(() => expect(seqs).toEqual([0, 1, 2, 3, 4, 5]))
    await vi.waitFor(() => expect(statuses.at(-1)?.[0]).toBe('live'))
  })

  test('takes a connection that stays silent too long as dead, and resumes', async () => {
    const { host, seqs } = open({ stallMs: 20 })
    const first = await host.call(1)
    first.send(frame(base(0)) + frame(entry(1)))
    const second = await host.call(2)
    expect(first.signal.aborted).toBe(true)
    expect(seqs).toEqual([0, 1])
    expect(second.headers['last-event-id']).toBe('1')
  })

  test.each([401, 403])('reports a refused token (%d) as offline, and stops trying', async (status) => {
    const { host, statuses } = open({}, undefined, [status])
    await vi.waitFor(() => expect(statuses.at(-1)?.[0]).toBe('offline'))
    expect(statuses.at(-1)?.[1]).toContain(`refused this window (${status})`)
    await settle()
    expect(host.calls).toHaveLength(1)
  })

  test('starts over from ?since=0 when an entry does not apply, and drops what followed it', async () => {
    const { host, seqs } = open({}, (e) => {
      if (e.seq === 2 && e.type === 'state.update') throw new RangeError('does not apply')
    })
    const first = await host.call(1)
    first.send(frame(base(0)) + frame(entry(1)) + frame(entry(2)) + frame(entry(3)))
    const second = await host.call(2)
    expect(first.signal.aborted).toBe(true)
    expect(seqs).toEqual([0, 1])
    expect(second.url).toBe('http://127.0.0.1:4000/events?since=0')
    expect(second.headers['last-event-id']).toBeUndefined()
    second.send(frame(base(2)) + frame(entry(3)))
    await vi.waitFor(() => expect(seqs).toEqual([0, 1, 2, 3]))
  })

  test('retries a host that answers with an error, and calls it offline after a few failures in a row', async () => {
    const { host, statuses } = open({}, undefined, [500, 502, 503, 500])
    const fifth = await host.call(5)
    fifth.send(frame(base(0)))
    await vi.waitFor(() => expect(statuses.at(-1)?.[0]).toBe('live'))
    const shown = statuses.map(([s]) => s)
    expect(shown.slice(0, 4)).toEqual(['connecting', 'reconnecting', 'connecting', 'reconnecting'])
    expect(statuses.find(([s]) => s === 'offline')?.[1]).toBe('the host is not answering (the host answered 500); retrying')
  })

  test('stops reading and retrying when stopped', async () => {
    const { host, stream, statuses } = open()
    const call = await host.call(1)
    call.send(frame(base(0)))
    await vi.waitFor(() => expect(statuses.at(-1)?.[0]).toBe('live'))
    stream.stop()
    expect(call.signal.aborted).toBe(true)
    const told = statuses.length
    await settle()
    expect(host.calls).toHaveLength(1)
    expect(statuses).toHaveLength(told)
  })
})
