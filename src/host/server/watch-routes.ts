/**
 * Watches, breaks and the pause (issue 13): `/watches` lists, adds and removes watches and gives
 * their hits, `PUT /breaks` sets the built-in breaks, `/runtime/continue`, `/runtime/step` and
 * `/runtime/pause` drive a paused runtime. Each refusal names what to send instead.
 */
import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { WatchSyntaxError } from '../../shared/watch'
import type { Breaks } from '../../shared/watches'
import type { Host } from '../host'
import { RuntimeUnavailable } from '../runtime/controller'
import { UnknownWatch } from '../watches'
import { jsonBody } from './body'

/** Hits a page gives at most (`?limit=`). */
export const MAX_HITS_PAGE = 1000

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** A whole number from a query parameter, or undefined when absent. @throws {HTTPException} 400 */
function wholeParam(raw: string | undefined, name: string, min: number): number | undefined {
  if (raw === undefined) return undefined
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw)) || Number(raw) < min) {
    throw new HTTPException(400, { message: `${name} must be a whole number of ${min} or more (got "${raw}")` })
  }
  return Number(raw)
}

function breaksOf(body: unknown): Breaks {
  const usage = 'send {"actionTypes": ["type", …], "failedExecution": true|false, "runtimeError": true|false}'
  if (!isObject(body)) throw new HTTPException(400, { message: `the breaks must be an object: ${usage}` })
  const { actionTypes = [], failedExecution = false, runtimeError = false } = body
  if (!Array.isArray(actionTypes) || !actionTypes.every((t) => typeof t === 'string' && t !== '')) {
    throw new HTTPException(400, { message: `"actionTypes" must be an array of action types (non-empty strings): ${usage}` })
  }
  if (typeof failedExecution !== 'boolean' || typeof runtimeError !== 'boolean') {
    throw new HTTPException(400, { message: `"failedExecution" and "runtimeError" must be true or false: ${usage}` })
  }
  return { actionTypes: actionTypes as string[], failedExecution, runtimeError }
}

/** Runs a registry call, answering 404 for an unknown watch. */
function known<T>(call: () => T): T {
  try {
    return call()
  } catch (e) {
    if (e instanceof UnknownWatch) throw new HTTPException(404, { message: e.message, cause: e })
    throw e
  }
}

/** Runs a pause command, answering 409 when there is no runtime to drive (or it is not paused). */
function driving(call: () => void): void {
  try {
    call()
  } catch (e) {
    if (e instanceof RuntimeUnavailable) throw new HTTPException(409, { message: e.message, cause: e })
    throw e
  }
}

/**
 * The routes, to mount at `/`.
 * @example app.route('/', createWatchRoutes({ host }))
 */
export function createWatchRoutes({ host }: { host: Host }): Hono {
  const app = new Hono()
  const watches = host.watches

  app.get('/watches', (c) => c.json(watches.info()))

  app.post('/watches', async (c) => {
    const body = await jsonBody(c)
    const text = isObject(body) ? body.text : undefined
    const pause = isObject(body) ? (body.pause ?? false) : false
    if (typeof text !== 'string' || typeof pause !== 'boolean') {
      throw new HTTPException(400, { message: 'send {"text": "/path [condition]", "pause": true|false} (pause is optional)' })
    }
    try {
      return c.json(watches.add(text, pause), 201)
    } catch (e) {
      if (e instanceof WatchSyntaxError) {
        throw new HTTPException(400, { message: `the watch cannot be read: ${e.reason} at column ${e.column}`, cause: e })
      }
      if (e instanceof RangeError) throw new HTTPException(409, { message: e.message, cause: e })
      throw e
    }
  })

  app.delete('/watches/:id', (c) => {
    known(() => watches.remove(c.req.param('id')))
    return c.body(null, 204)
  })

  app.get('/watches/:id/hits', (c) => {
    const before = wholeParam(c.req.query('before'), '?before', 0)
    const limit = Math.min(wholeParam(c.req.query('limit'), '?limit', 1) ?? 100, MAX_HITS_PAGE)
    return c.json(known(() => watches.hits(c.req.param('id'), { ...(before !== undefined ? { before } : {}), limit })))
  })

  app.post('/watches/:id/cancel', (c) => c.json(known(() => watches.cancelScan(c.req.param('id')))))

  app.get('/breaks', (c) => c.json(watches.breaks))

  app.put('/breaks', async (c) => {
    watches.setBreaks(breaksOf(await jsonBody(c)))
    return c.json(watches.breaks)
  })

  app.post('/runtime/continue', (c) => {
    driving(() => host.runtime.resume(false))
    return c.json(host.runtimeInfo)
  })

  app.post('/runtime/step', (c) => {
    driving(() => host.runtime.resume(true))
    return c.json(host.runtimeInfo)
  })

  app.post('/runtime/pause', (c) => {
    driving(() => host.runtime.pause())
    return c.json(host.runtimeInfo, 202)
  })

  return app
}
