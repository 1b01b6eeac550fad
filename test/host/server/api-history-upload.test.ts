import { request as httpRequest, type ClientRequest } from 'node:http'
import { afterEach, describe, expect, test } from 'vitest'
import { fixture, startTestHost, type TestHost } from '../../helpers/host'

const hosts: TestHost[] = []

afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.close()))
})

async function start(options: Parameters<typeof startTestHost>[0] = {}): Promise<TestHost> {
  const host = await startTestHost({ runtime: fixture('bus-runtime.mjs'), ...options })
  hosts.push(host)
  expect(host.loadError).toBeUndefined()
  return host
}

/** `promise`, or a failure naming `what` when it takes longer than `ms`. */
async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} waited more than ${ms} ms`)), ms)))
  try {
    return await Promise.race([promise, late])
  } finally {
    clearTimeout(timer)
  }
}

/** A session file a host exported. */
async function sessionFile(): Promise<string> {
  const host = await start()
  for (let i = 0; i < 20; i++) expect((await host.dispatch({ type: 'increment' })).status).toBe(200)
  return (await host.fetch('/history')).text()
}

interface Upload {
  req: ClientRequest
  /** The answer: its status, its JSON body, and when it came. */
  answer: Promise<{ status: number; body: { error?: { message: string } }; at: number }>
}

/** `POST /history` sending `text` and then nothing more, without ending the body. */
function stalledUpload(host: TestHost, text: string): Upload {
  const { hostname, port } = new URL(host.server.origin)
  const req = httpRequest({
    host: hostname,
    port,
    method: 'POST',
    path: '/history',
    headers: { authorization: `Bearer ${host.server.token}`, 'content-type': 'application/x-ndjson', 'transfer-encoding': 'chunked' }
  })
  const answer = new Promise<{ status: number; body: { error?: { message: string } }; at: number }>((resolve, reject) => {
    req.on('response', (res) => {
      const at = Date.now()
      let data = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (data += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(data) as { error?: { message: string } }, at }))
      res.on('error', reject)
    })
    req.on('error', reject)
  })
  req.write(text)
  return { req, answer }
}

describe('POST /history whose upload stalls', () => {
  test('is cut with 408 after the idle time, while recording, the stream and runtime control go on', async () => {
    const file = await sessionFile()
    const idleMs = 3000
    const host = await start({ importIdleMs: idleMs })
    const sse = await host.events()
    await sse.waitFor((e) => e.type === 'state.initial')
    const before = host.host.history.lastSeq

    const sent = Date.now()
    const upload = stalledUpload(host, file.slice(0, file.length >> 1))

    // A dispatch is answered and recorded, and reaches the stream, while the upload hangs.
    const dispatched = await within(idleMs, 'POST /actions', host.dispatch({ type: 'increment' }))
    expect(dispatched.status).toBe(200)
    expect(host.host.history.lastSeq).toBeGreaterThan(before)
    await sse.waitForSeq(host.host.history.lastSeq)

    // Runtime control answers at once, not after the upload.
    const reload = await within(
      idleMs,
      'POST /runtime',
      host.fetch('/runtime', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"reload":true}' })
    )
    const reloaded = Date.now()
    expect(reload.status).toBe(200)
    expect(((await reload.json()) as { status: string }).status).toBe('loaded')
    expect((await host.dispatch({ type: 'increment' })).status).toBe(200)

    const { status, body, at } = await upload.answer
    upload.req.destroy()
    expect(status).toBe(408)
    expect(body.error?.message).toMatch(/nothing arrived for 3 s after [\d,]+ bytes: the upload stalled/)
    expect(reloaded).toBeLessThan(at)
    expect(at - sent).toBeGreaterThanOrEqual(idleMs - 100)
    expect(at - sent).toBeLessThan(idleMs + 5000)

    // Nothing changed: the runtime runs on, with every entry recorded meanwhile.
    expect(await host.getJson('/runtime')).toMatchObject({ status: 'loaded' })
    const next = await host.dispatch({ type: 'increment' })
    expect(next.status).toBe(200)
    await sse.waitForSeq(host.host.history.lastSeq)
  })

  test('holds nothing while a slow upload is still coming, and imports it once it ends', async () => {
    const file = await sessionFile()
    const host = await start({ importIdleMs: 5000 })
    const upload = stalledUpload(host, file.slice(0, 100))
    expect((await host.dispatch({ type: 'increment' })).status).toBe(200)
    const reload = await host.fetch('/runtime', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"reload":true}'
    })
    expect(reload.status).toBe(200)
    upload.req.end(file.slice(100))
    const { status } = await upload.answer
    expect(status).toBe(200)
    expect(await host.getJson('/runtime')).toMatchObject({ status: 'session' })
  })

  test('refuses a file larger than the import limit with 413, and nothing changes', async () => {
    const file = await sessionFile()
    const host = await start({ importMaxBytes: 1000 })
    const lastSeq = host.host.history.lastSeq
    const res = await host.fetch('/history', { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: file })
    expect(res.status).toBe(413)
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/larger than 1,000 bytes/)
    expect(host.host.history.lastSeq).toBe(lastSeq)
    expect(await host.getJson('/runtime')).toMatchObject({ status: 'loaded' })
  })
})
