/**
 * A real host on a real server (127.0.0.1, port 0) for tests, with an authorized `fetch`, a raw
 * HTTP request for headers `fetch` will not send as given, and an SSE client factory.
 */
import { request as httpRequest } from 'node:http'
import { fileURLToPath } from 'node:url'
import { Host, type HostOptions } from '../../src/host/host'
import { startServer, type RunningServer, type ServerOptions } from '../../src/host/server/serve'
import type { Json, Slices } from '../../src/shared/protocol'
import { SseTestClient, type ConnectOptions } from './sse'

/** The absolute path of a file under `test/fixtures/`. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url))
}

export interface TestHostOptions extends HostOptions {
  server?: Partial<Omit<ServerOptions, 'host'>>
}

export interface TestHost {
  host: Host
  server: RunningServer
  /** What the host and its runtimes printed. */
  logs: string[]
  /** The load error of `options.runtime`, if it failed. */
  loadError: string | undefined
  /** An absolute URL on the server; the token is not added. */
  url(path: string): string
  /** `fetch` with the token as a Bearer header. */
  fetch(path: string, init?: RequestInit): Promise<Response>
  /** `GET` a JSON route with the token; fails the test on a non-2xx answer. */
  getJson<T = Json>(path: string): Promise<T>
  /** `GET /state` (with the query given). */
  state(query?: string): Promise<Slices>
  /** `POST /actions` with a JSON action; gives the answer's status and body. */
  dispatch(action: unknown): Promise<{ status: number; body: { seq?: number; settled?: boolean; error?: { message: string } } }>
  /** Opens `GET /events` (with the query given) with the token as a Bearer header. */
  events(query?: string, options?: ConnectOptions): Promise<SseTestClient>
  close(): Promise<void>
}

/** Starts a host (loading `options.runtime` if given) and its server. */
export async function startTestHost(options: TestHostOptions = {}): Promise<TestHost> {
  const logs: string[] = []
  const { server: serverOptions, ...hostOptions } = options
  const { host, error } = await Host.create({ log: (text) => logs.push(text), ...hostOptions })
  let server: RunningServer
  try {
    server = await startServer({ host, rendererDir: null, port: 0, ...serverOptions })
  } catch (e) {
    await host.close()
    throw e
  }
  const clients = new Set<SseTestClient>()
  const auth = { authorization: `Bearer ${server.token}` }
  const url = (path: string): string => `${server.origin}${path}`
  const authedFetch = (path: string, init: RequestInit = {}): Promise<Response> =>
    fetch(url(path), { ...init, headers: { ...auth, ...(init.headers as Record<string, string> | undefined) } })
  const getJson = async <T>(path: string): Promise<T> => {
    const res = await authedFetch(path)
    const text = await res.text()
    if (!res.ok) throw new Error(`GET ${path} answered ${res.status}: ${text}`)
    return JSON.parse(text) as T
  }
  return {
    host,
    server,
    logs,
    loadError: error,
    url,
    fetch: authedFetch,
    getJson,
    state: (query = '') => getJson<Slices>(`/state${query}`),
    async dispatch(action) {
      const res = await authedFetch('/actions', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(action)
      })
      return { status: res.status, body: (await res.json()) as { seq?: number; error?: { message: string } } }
    },
    async events(query = '', connect = {}) {
      const client = await SseTestClient.connect(url(`/events${query}`), { ...connect, headers: { ...auth, ...connect.headers } })
      clients.add(client)
      return client
    },
    async close() {
      await Promise.all([...clients].map((c) => c.close()))
      await server.close()
      await host.close()
    }
  }
}

export interface RawResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/**
 * A request with exactly the headers given (`fetch` sets `Host` itself), read to its end.
 * @param address where to connect, which may differ from the `Host` header sent
 */
export function rawRequest(
  address: { host: string; port: number },
  { method = 'GET', path = '/', headers = {}, body }: { method?: string; path?: string; headers?: Record<string, string>; body?: string }
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: address.host, port: address.port, method, path, headers, setHost: false }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (text += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(body)
  })
}
