/**
 * Plain HTTP requests over node:http, one socket each (no keep-alive pool shared between the
 * bench's clients), with a time limit on every request.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http'

export interface Endpoint {
  origin: string
  token: string
}

export interface Answer {
  status: number
  body: Buffer
}

/** Sends a request and reads the whole answer. */
export function send(
  { origin, token }: Endpoint,
  method: string,
  path: string,
  { body, type, timeoutMs = 120_000 }: { body?: Buffer | string | Buffer[]; type?: string; timeoutMs?: number } = {}
): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    const req = httpRequest(new URL(path, origin), {
      method,
      agent: false,
      headers: { authorization: `Bearer ${token}`, ...(type !== undefined ? { 'content-type': type } : {}) },
      timeout: timeoutMs
    })
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} took more than ${timeoutMs} ms`)))
    req.on('error', reject)
    req.on('response', (res: IncomingMessage) => {
      const parts: Buffer[] = []
      res.on('data', (chunk: Buffer) => parts.push(chunk))
      res.on('error', reject)
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts) }))
    })
    if (Array.isArray(body)) {
      void (async () => {
        for (const part of body) if (!req.write(part)) await new Promise((r) => req.once('drain', r))
        req.end()
      })()
    } else req.end(body)
  })
}

/** Sends a JSON body (or none) and parses the JSON answer; any status but 2xx throws. */
export async function json<T>(endpoint: Endpoint, method: string, path: string, body?: unknown, timeoutMs?: number): Promise<T> {
  const answer = await send(endpoint, method, path, {
    ...(body !== undefined ? { body: JSON.stringify(body), type: 'application/json' } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {})
  })
  const text = answer.body.toString('utf8')
  if (answer.status < 200 || answer.status > 299) throw new Error(`${method} ${path} answered ${answer.status}: ${text.slice(0, 500)}`)
  return JSON.parse(text) as T
}
