/**
 * The host's data routes besides the stream and the session file: `/state`, `/actions` and `/runtime`
 * (DESIGN.md, HTTP API). Each throws `HTTPException` with a message a user can act on.
 */
import { Hono, type Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { HTTPException } from 'hono/http-exception'
import type { DispatchResult, Slices } from '../../shared/protocol'
import type { Host } from '../host'
import { RetentionError } from '../recorder/history'
import { CommandNotSent, DispatchFailed, RuntimeUnavailable } from '../runtime/controller'
import { actionOf } from './action'
import { jsonBody } from './body'
import { slicesParam } from './events'

export interface ApiOptions {
  host: Host
  /** Largest `POST /actions` body. @default 1 MiB */
  actionBodyLimit?: number
  /** How long an async dispatch is awaited before answering 202. @default 5_000 */
  actionTimeoutMs?: number
  /** How long `GET /state` waits for the runtime. @default 5_000 */
  stateTimeoutMs?: number
}

function pick(state: Slices, slices: string[] | undefined): Slices {
  if (slices === undefined) return state
  const out: Slices = {}
  for (const s of slices) {
    if (Object.hasOwn(state, s)) Object.defineProperty(out, s, { value: state[s], enumerable: true, writable: true, configurable: true })
  }
  return out
}

/** The routes, to mount at `/`. */
export function createApiRoutes({
  host,
  actionBodyLimit = 1024 * 1024,
  actionTimeoutMs = 5_000,
  stateTimeoutMs = 5_000
}: ApiOptions): Hono {
  const app = new Hono()
  const json = (c: Context, body: string, status: 200 | 202 | 422 = 200): Response =>
    c.body(body, status, { 'content-type': 'application/json; charset=utf-8' })

  app.get('/state', async (c) => {
    const slices = slicesParam(c.req.queries('slices'))
    const at = c.req.query('at')
    if (at !== undefined) {
      if (!/^\d+$/.test(at)) throw new HTTPException(400, { message: `?at must be the seq of an entry (got "${at}")` })
      try {
        return json(c, JSON.stringify(pick(host.history.stateAt(Number(at)), slices)))
      } catch (e) {
        if (e instanceof RetentionError) throw new HTTPException(404, { message: e.message })
        throw e
      }
    }
    // A paused runtime cannot answer; what it recorded last is its state (it stopped right after).
    if (!host.runtime.running || host.runtime.paused !== undefined)
      return json(c, JSON.stringify(pick(host.history.stateAt(host.history.lastSeq), slices)))
    try {
      // Redacted as the history is, when entries are redacted at capture.
      const state = await host.state(stateTimeoutMs)
      return json(c, slices === undefined ? state : JSON.stringify(pick(JSON.parse(state) as Slices, slices)))
    } catch (e) {
      if (e instanceof RuntimeUnavailable) throw new HTTPException(503, { message: e.message })
      throw e
    }
  })

  app.post(
    '/actions',
    bodyLimit({
      maxSize: actionBodyLimit,
      onError: () => {
        throw new HTTPException(413, { message: `the action is larger than the limit of ${actionBodyLimit} bytes` })
      }
    }),
    async (c) => {
      const action = actionOf(await jsonBody(c))
      try {
        const { settled, count, first, last } = await host.dispatch(action, actionTimeoutMs)
        const result: DispatchResult =
          first !== undefined && last !== undefined
            ? { seq: last, first, entries: count, changed: true, settled }
            : { seq: host.history.lastSeq, entries: 0, changed: false, settled }
        return c.json(result, settled ? 200 : 202)
      } catch (e) {
        if (e instanceof CommandNotSent) throw new HTTPException(400, { message: `the action was not dispatched: ${e.message}` })
        if (e instanceof RuntimeUnavailable) throw new HTTPException(409, { message: e.message })
        if (e instanceof DispatchFailed) throw new HTTPException(500, { message: `the runtime's dispatch failed: ${e.message}` })
        throw e
      }
    }
  )

  app.get('/runtime', (c) => c.json(host.runtimeInfo))

  app.post('/runtime/compare', async (c) => {
    const mode = ((await jsonBody(c)) as { mode?: unknown } | null)?.mode
    if (mode !== 'full' && mode !== 'verify') {
      throw new HTTPException(400, {
        message: 'send {"mode": "full"} to compare every change in full, or {"mode": "verify"} to trust references and verify (the default)'
      })
    }
    try {
      await host.setCompare(mode, stateTimeoutMs)
    } catch (e) {
      if (e instanceof RuntimeUnavailable) throw new HTTPException(409, { message: e.message })
      if (e instanceof DispatchFailed) throw new HTTPException(422, { message: e.message })
      throw e
    }
    return c.json(host.runtimeInfo)
  })

  app.post('/runtime', async (c) => {
    const body = await jsonBody(c)
    const path = (body as { path?: unknown } | null)?.path
    const reload = (body as { reload?: unknown } | null)?.reload === true
    if (!reload && (typeof path !== 'string' || path.trim() === '')) {
      throw new HTTPException(400, {
        message: 'send {"path": "<module file>"} to load a runtime, or {"reload": true} to reload the current one'
      })
    }
    const result = reload && typeof path !== 'string' ? await host.reloadRuntime() : await host.loadRuntime(path as string)
    if (!result.ok) return c.json({ error: { message: result.error }, runtime: host.runtimeInfo }, 422)
    return c.json(host.runtimeInfo)
  })

  return app
}
