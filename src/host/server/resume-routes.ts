/**
 * Resume from here (issue 14): `POST /resume` brings a fresh copy of the runtime's module to an
 * entry of the host's history (JSON `{seq, module?}`), or of a session file sent as the body
 * (`?seq=&module=`), and makes it the live runtime; the history goes on from there as a branch
 * (see `Host.resume`). Its progress and end are the `resume` event outside the history. One at a
 * time (409).
 */
import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ResumeNotice, ResumeOutcome, ResumeRequest } from '../../shared/replay'
import { ResumeFailed, type Host, type ResumeSource } from '../host'
import { NotReplayable } from '../replay'
import type { EventHub } from './events'
import { jsonBody, requireType } from './body'
import { moduleOf, readSessionUpload } from './replay-routes'

const USAGE =
  'send {"seq": N, "module"?: "path/to/runtime.mjs"} as JSON to resume the host’s history at entry N, or a session file as ' +
  'application/x-ndjson with ?seq=N&module=…'

export interface ResumeRoutesOptions {
  host: Host
  hub: EventHub
  /** Give up on a session upload that sends nothing for this long. @default 10_000 */
  idleMs?: number
  /** How long loading and replaying may take. @default 60_000 */
  timeoutMs?: number
}

/**
 * The resume route, to mount at `/`.
 * @example app.route('/', createResumeRoutes({ host, hub }))
 */
export function createResumeRoutes({ host, hub, idleMs = 10_000, timeoutMs = 60_000 }: ResumeRoutesOptions): Hono {
  const app = new Hono()
  let running = false

  app.post('/resume', async (c) => {
    if (running) throw busy()
    requireType(c, ['application/json', 'application/x-ndjson', 'application/jsonl'])
    const isJson = (c.req.header('content-type') ?? '').toLowerCase().startsWith('application/json')
    let seq: number
    let asked: string | undefined
    let source: ResumeSource | undefined
    if (isJson) {
      const body = await jsonBody(c)
      if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new HTTPException(400, { message: USAGE })
      const { seq: s, module } = body as Record<keyof ResumeRequest, unknown>
      if (module !== undefined && typeof module !== 'string') throw new HTTPException(400, { message: `"module" must be a path: ${USAGE}` })
      seq = seqOf(s)
      asked = module
    } else {
      const raw = c.req.query('seq')
      seq = seqOf(raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : raw)
      asked = c.req.query('module')
      const upload = await readSessionUpload(c, idleMs, USAGE, 'resumed')
      source = {
        events: upload.events,
        stateAt: upload.stateAt,
        version: upload.version,
        session: c.req.query('name') ?? upload.runtime ?? 'the session file'
      }
    }
    const module = moduleOf(host, asked)
    if (running) throw busy()
    running = true
    const notice: ResumeNotice = { phase: 'running', from: seq, done: 0, total: 0 }
    hub.broadcast('resume', { ...notice })
    let outcome: ResumeOutcome
    try {
      outcome = await host.resume({
        seq,
        module,
        timeoutMs,
        ...(source !== undefined ? { source } : {}),
        onProgress: (done, total) => hub.broadcast('resume', { ...notice, done, total })
      })
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e)
      hub.broadcast('resume', { ...notice, phase: 'failed', error: message })
      if (e instanceof NotReplayable) throw new HTTPException(422, { message: `entry ${seq} cannot be resumed at: ${e.message}`, cause: e })
      if (e instanceof ResumeFailed) throw new HTTPException(422, { message: e.message, cause: e })
      throw e
    } finally {
      running = false
    }
    hub.broadcast('resume', { ...notice, phase: 'done', done: outcome.inputs + 1, total: outcome.inputs + 1, outcome })
    return c.json(outcome)
  })

  return app
}

function busy(): HTTPException {
  return new HTTPException(409, { message: 'a resume is running already: wait for it to end' })
}

function seqOf(raw: unknown): number {
  if (typeof raw !== 'number' || !Number.isSafeInteger(raw) || raw < 0)
    throw new HTTPException(400, { message: `"seq" must be the seq of an entry: ${USAGE}` })
  return raw
}
