import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { fixture, startTestHost, type TestHost } from '../../helpers/host'

let h: TestHost

beforeAll(async () => {
  h = await startTestHost({ runtime: fixture('bus-runtime.mjs'), server: { actionBodyLimit: 1024, actionTimeoutMs: 200 } })
  expect(h.loadError).toBeUndefined()
})

afterAll(async () => {
  await h.close()
})

async function post(body: string, headers: Record<string, string> = { 'content-type': 'application/json' }): Promise<Response> {
  return h.fetch('/actions', { method: 'POST', headers, body })
}

async function errorOf(res: Response): Promise<string> {
  expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  return ((await res.json()) as { error: { message: string } }).error.message
}

describe('POST /actions', () => {
  test('dispatches the action and answers the seq of its entry', async () => {
    const before = await h.state()
    const res = await post(JSON.stringify({ type: 'increment', meta: { __ellie: { actionId: 'act-1' } } }))
    expect(res.status).toBe(200)
    const body = (await res.json()) as { seq: number; settled: boolean }
    expect(body).toEqual({ seq: h.host.history.lastSeq, first: h.host.history.lastSeq, entries: 1, changed: true, settled: true })
    expect(h.host.history.event(body.seq)).toMatchObject({
      type: 'state.update',
      slice: 'a',
      value: (before.a as number) + 1,
      cause: { type: 'increment', id: 'act-1' }
    })
    expect((await h.state()).a).toBe((before.a as number) + 1)
  })

  test('answers the first and the last of every entry a dispatch made, however many', async () => {
    const before = h.host.history.lastSeq
    const res = await h.dispatch({ type: 'burst', payload: { count: 5000, slice: 'c' } })
    expect(res.status).toBe(200)
    // The input note (before + 1) is not one of the action's entries: they follow it.
    expect(h.host.history.event(before + 1)).toMatchObject({ type: 'custom-event', data: { $patchscope: { note: 'input' } } })
    expect(res.body).toMatchObject({ seq: h.host.history.lastSeq, first: before + 2, entries: 5000, changed: true })
    expect(h.host.history.event(res.body.seq as number)).toMatchObject({ slice: 'c', value: 4999 })
  })

  test('records the encoded payload as the cause', async () => {
    const res = await h.dispatch({ type: 'set', payload: { slice: 'c', value: { $ref: 'data' } } })
    expect(h.host.history.event(res.body.seq as number)).toMatchObject({
      value: { $object: { $ref: 'data' } },
      cause: { type: 'set', payload: { slice: 'c', value: { $object: { $ref: 'data' } } } }
    })
  })

  test('says a dispatch changed nothing, with the seq of the state after it', async () => {
    await h.dispatch({ type: 'set', payload: { slice: 'c', value: { same: [1] } } })
    const before = h.host.history.lastSeq
    const action = { type: 'set', payload: { slice: 'c', value: { same: [1] } } }
    const res = await h.dispatch(action)
    // The state after it is that of its notes: the input, then the dispatch's 'no change'.
    expect(res).toEqual({ status: 200, body: { seq: before + 2, entries: 0, changed: false, settled: true } })
    expect(h.host.history.event(before + 1)).toMatchObject({ type: 'custom-event', data: { $patchscope: { note: 'input', action } } })
    expect(h.host.history.event(before + 2)).toMatchObject({
      type: 'custom-event',
      data: { $patchscope: { note: 'dispatch', outcome: 'no change', cause: action } }
    })
    expect(await h.state(`?at=${before + 2}`)).toEqual(await h.state(`?at=${before}`))
  })

  test('counts the statuses and custom events a dispatch emits as its entries', async () => {
    const status = await h.dispatch({ type: 'status', payload: { status: 'started', executionId: 'e1' } })
    expect(status.body).toMatchObject({ entries: 1, changed: true })
    expect(h.host.history.event(status.body.seq as number)).toMatchObject({ type: 'execution.status', executionId: 'e1' })
    const custom = await h.dispatch({ type: 'custom', payload: { hello: 'world' } })
    expect(h.host.history.event(custom.body.seq as number)).toMatchObject({ type: 'custom-event', data: { hello: 'world' } })
  })

  test.each([
    ['no Content-Type', {}],
    ['text/plain', { 'content-type': 'text/plain' }],
    ['a form', { 'content-type': 'application/x-www-form-urlencoded' }]
  ])('answers 415 to a body sent as %s', async (_name, headers) => {
    const res = await post('{"type":"increment"}', headers)
    expect(res.status).toBe(415)
    expect(await errorOf(res)).toMatch(/application\/json/)
  })

  test('takes application/json with a charset', async () => {
    expect((await post('{"type":"increment"}', { 'content-type': 'application/json; charset=utf-8' })).status).toBe(200)
  })

  test('answers 413 to a body over the limit, with or without a Content-Length', async () => {
    const big = JSON.stringify({ type: 'set', payload: { slice: 'c', value: 'x'.repeat(2048) } })
    const res = await post(big)
    expect(res.status).toBe(413)
    expect(await errorOf(res)).toMatch(/1024 bytes/)
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big))
        controller.close()
      }
    })
    const streamed = await h.fetch('/actions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: chunked,
      duplex: 'half'
    } as RequestInit)
    expect(streamed.status).toBe(413)
  })

  test.each([
    ['invalid JSON', '{"type":', /not valid JSON/],
    ['an array', '[{"type":"increment"}]', /must be a JSON object/],
    ['null', 'null', /must be a JSON object/],
    ['a string', '"increment"', /must be a JSON object/],
    ['no type', '{"payload":1}', /string "type"/],
    ['a numeric type', '{"type":1}', /string "type"/],
    ['an empty body', '', /not valid JSON/]
  ])('answers 400 to %s', async (_name, body, message) => {
    const before = h.host.history.lastSeq
    const res = await post(body)
    expect(res.status).toBe(400)
    expect(await errorOf(res)).toMatch(message)
    expect(h.host.history.lastSeq).toBe(before)
  })

  test('answers 500 with the message of a dispatch that throws or rejects, and the host goes on', async () => {
    const thrown = await h.dispatch({ type: 'throw', payload: { message: 'no such counter' } })
    expect(thrown.status).toBe(500)
    expect(thrown.body.error?.message).toMatch(/TypeError: no such counter/)
    const rejected = await h.dispatch({ type: 'reject', payload: { message: 'later, no' } })
    expect(rejected.status).toBe(500)
    expect(rejected.body.error?.message).toMatch(/later, no/)
    const next = await h.dispatch({ type: 'increment' })
    expect(next.status).toBe(200)
    expect((await h.getJson<{ status: string }>('/runtime')).status).toBe('loaded')
  })

  test('answers 202 with the seq so far when an async dispatch takes longer than the limit, and records it when it ends', async () => {
    const sse = await h.events()
    await sse.waitFor((e) => e.type === 'state.initial')
    const before = (await h.state()).a as number
    const res = await h.dispatch({ type: 'slow', payload: { ms: 500 } })
    expect(res.status).toBe(202)
    expect(res.body).toEqual({ seq: h.host.history.lastSeq, entries: 0, changed: false, settled: false })
    const done = await sse.waitFor((e) => e.type === 'state.update' && e.cause.type === 'slow')
    expect(done).toMatchObject({ slice: 'a', value: before + 1 })
  })

  test('awaits an async dispatch that ends within the limit', async () => {
    const res = await h.dispatch({ type: 'slow', payload: { ms: 1 } })
    expect(res.status).toBe(200)
    expect(h.host.history.event(res.body.seq as number)).toMatchObject({ cause: { type: 'slow' } })
  })
})
