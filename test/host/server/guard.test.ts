import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { CSP } from '../../../src/host/server/app'
import { fixture, rawRequest, startTestHost, type RawResponse, type TestHost } from '../../helpers/host'

let h: TestHost
let rendererDir: string

beforeAll(async () => {
  rendererDir = await mkdtemp(join(tmpdir(), 'patchscope-renderer-'))
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Patchscope</title>')
  await writeFile(join(rendererDir, 'app.js'), 'console.log(1)')
  h = await startTestHost({ runtime: fixture('bus-runtime.mjs'), server: { rendererDir } })
  expect(h.loadError).toBeUndefined()
})

afterAll(async () => {
  await h.close()
  await rm(rendererDir, { recursive: true, force: true })
})

/** Every data route, with a body that gets past the token (and then fails, or does nothing, harmlessly). */
const DATA_ROUTES: { method: string; path: string; body?: string; type?: string }[] = [
  { method: 'GET', path: '/events' },
  { method: 'GET', path: '/state' },
  { method: 'GET', path: '/state?at=0' },
  { method: 'POST', path: '/actions', body: '{"type":"increment"}', type: 'application/json' },
  { method: 'GET', path: '/history' },
  { method: 'POST', path: '/history', body: 'not a session file', type: 'application/x-ndjson' },
  { method: 'GET', path: '/runtime' },
  { method: 'POST', path: '/runtime', body: '{}', type: 'application/json' },
  { method: 'POST', path: '/runtime/compare', body: '{"mode":"full"}', type: 'application/json' }
]

const own = (): string => `127.0.0.1:${h.server.port}`

/** A request to the server with exactly these headers (Host included). */
function send(
  route: { method: string; path: string; body?: string; type?: string },
  headers: Record<string, string>
): Promise<RawResponse> {
  return rawRequest(
    { host: '127.0.0.1', port: h.server.port },
    {
      method: route.method,
      path: route.path,
      headers: { host: own(), ...(route.type ? { 'content-type': route.type } : {}), ...headers },
      ...(route.body !== undefined ? { body: route.body } : {})
    }
  )
}

/** Reads an SSE response only as far as its status, then drops it. */
async function statusOf(route: (typeof DATA_ROUTES)[number], headers: Record<string, string>, query = ''): Promise<number> {
  const path = route.path + (query === '' ? '' : (route.path.includes('?') ? '&' : '?') + query)
  const res = await fetch(h.url(path), {
    method: route.method,
    headers: { ...(route.type ? { 'content-type': route.type } : {}), ...headers },
    ...(route.body !== undefined ? { body: route.body } : {})
  })
  await res.body?.cancel()
  return res.status
}

function expectJsonError(res: RawResponse, status: number, message?: RegExp): void {
  expect(res.status).toBe(status)
  expect(res.headers['content-type']).toMatch(/^application\/json/)
  const body = JSON.parse(res.body) as { error: { message: string } }
  expect(typeof body.error.message).toBe('string')
  if (message) expect(body.error.message).toMatch(message)
}

describe('the token', () => {
  test.each(DATA_ROUTES)('is required by $method $path: 401 in JSON without it', async (route) => {
    const res = await send(route, {})
    expectJsonError(res, 401, /token/)
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/)
  })

  test.each(DATA_ROUTES)('is checked by $method $path: 401 for a wrong one, as a header or in the query', async (route) => {
    const wrong = h.server.token.slice(0, -1) + (h.server.token.endsWith('A') ? 'B' : 'A')
    expectJsonError(await send(route, { authorization: `Bearer ${wrong}` }), 401, /not valid/)
    expectJsonError(await send({ ...route, path: `${route.path}${route.path.includes('?') ? '&' : '?'}token=${wrong}` }, {}), 401)
    expectJsonError(await send(route, { authorization: `Bearer ${h.server.token.slice(0, 20)}` }), 401)
    expectJsonError(await send(route, { authorization: h.server.token }), 401)
  })

  test.each(DATA_ROUTES)('is taken by $method $path as Authorization: Bearer or as ?token=', async (route) => {
    const byHeader = await statusOf(route, { authorization: `Bearer ${h.server.token}` })
    const byQuery = await statusOf(route, {}, `token=${encodeURIComponent(h.server.token)}`)
    expect(byHeader).not.toBe(401)
    expect(byHeader).not.toBe(403)
    expect(byQuery).toBe(byHeader)
  })

  test('guards the data routes however their path is written', async () => {
    for (const path of ['/state/', '/STATE', '//state', '/events/', '/history/', '/runtime/', '/state?token=', '/x/../state', '/%73tate']) {
      const res = await send({ method: 'GET', path }, {})
      expect(res.status, path).toBeGreaterThanOrEqual(400)
      expect(res.body).not.toContain('"list"')
      expect(res.headers['content-type'], path).toMatch(/^application\/json/)
    }
  })

  test('is not needed for the window itself, which holds no data', async () => {
    const res = await send({ method: 'GET', path: '/' }, {})
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toMatch(/^text\/html/)
    expect(res.headers['content-security-policy']).toBe(CSP)
    expect((await send({ method: 'GET', path: '/app.js' }, {})).status).toBe(200)
  })

  test('does not let a path climb out of the window directory', async () => {
    for (const path of ['/../package.json', '/..%2f..%2fpackage.json', '/%2e%2e/%2e%2e/package.json']) {
      const res = await send({ method: 'GET', path }, {})
      expect(res.body).not.toContain('"devDependencies"')
    }
  })
})

describe('the Host and Origin checks', () => {
  const everyRoute = [...DATA_ROUTES, { method: 'GET', path: '/' }, { method: 'GET', path: '/app.js' }, { method: 'GET', path: '/nowhere' }]

  test.each(everyRoute)('refuse a foreign Host on $method $path with 403, even with the token', async (route) => {
    for (const host of [
      'evil.example',
      `evil.example:${h.server.port}`,
      `127.0.0.1:${h.server.port + 1}`,
      'localhost',
      '127.0.0.1',
      `[::1]:${h.server.port}`
    ]) {
      const res = await send(route, { host, authorization: `Bearer ${h.server.token}` })
      expectJsonError(res, 403, /Host/)
    }
  })

  test.each(everyRoute)('refuse a foreign Origin on $method $path with 403, even with the token', async (route) => {
    for (const origin of [
      'http://evil.example',
      'null',
      `http://127.0.0.1:${h.server.port + 1}`,
      `https://127.0.0.1:${h.server.port}`,
      `http://evil.example:${h.server.port}`
    ]) {
      const res = await send(route, { origin, authorization: `Bearer ${h.server.token}` })
      expectJsonError(res, 403, /origin/)
    }
  })

  test('accept the server own address by IP or by name, and its own origin', async () => {
    const route = { method: 'GET', path: '/runtime' }
    const auth = { authorization: `Bearer ${h.server.token}` }
    for (const host of [own(), `localhost:${h.server.port}`, `LOCALHOST:${h.server.port}`]) {
      expect((await send(route, { ...auth, host })).status).toBe(200)
    }
    for (const origin of [`http://127.0.0.1:${h.server.port}`, `http://localhost:${h.server.port}`]) {
      expect((await send(route, { ...auth, origin })).status).toBe(200)
    }
  })
})

describe('errors', () => {
  test('are JSON with a message, never HTML, for unknown routes and methods', async () => {
    const auth = { authorization: `Bearer ${h.server.token}` }
    expectJsonError(await send({ method: 'GET', path: '/nowhere' }, auth), 404, /no route/)
    expectJsonError(await send({ method: 'PUT', path: '/state' }, auth), 404)
    expectJsonError(await send({ method: 'DELETE', path: '/history' }, auth), 404)
  })
})

describe('the server', () => {
  test('listens on 127.0.0.1 only', async () => {
    expect(h.server.origin).toBe(`http://127.0.0.1:${h.server.port}`)
    // 127.0.0.2 is loopback too: a server bound to every address (or to all of 127/8) would answer there.
    const refused = await new Promise<string>((resolve) => {
      const socket = connect({ host: '127.0.0.2', port: h.server.port })
      socket.once('connect', () => {
        socket.destroy()
        resolve('connected')
      })
      socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message))
    })
    expect(refused).toBe('ECONNREFUSED')
  })
})
