/**
 * Replay from the window (issue 14): `POST /replay` starts a replay of the host's history, or of a
 * session file sent as the body, against a module (by default the runtime's own, loaded afresh
 * from disk), leaving out the inputs `without` names; one at a time (409 while one runs). Its
 * progress and end are the `replay` event outside the history; `GET /replay` answers the last one
 * with its report, the two runs side by side and the replayed history (bounded); `DELETE /replay`
 * cancels it. The host's history is never touched.
 */
import { Hono, type Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { DOCUMENT_MAX_BYTES, DOCUMENT_MAX_EVENTS } from '../../shared/document'
import type { HistoryEvent, Slices } from '../../shared/protocol'
import { readWhole } from '../../shared/read-whole'
import type { ReplayRequest } from '../../shared/replay'
import type { Host } from '../host'
import { LoadError } from '../loader/load'
import { readSession } from '../recorder/session-file'
import { historyReplay, sessionFileEvents, NoReplayModule, NotReplayable, ReplayBusy, replayModule, type ReplayJobStart } from '../replay'
import { jsonBody, requireType } from './body'
import { uploadError } from './upload-errors'

const USAGE =
  'send {"module"?: "path/to/runtime.mjs", "without"?: [seq, …]} as JSON to replay the host’s history, or a session file as ' +
  'application/x-ndjson with ?module=…&without=1,2'

export interface ReplayRoutesOptions {
  host: Host
  /** Give up on a session upload that sends nothing for this long. @default 10_000 */
  idleMs?: number
}

/**
 * The replay routes, to mount at `/`.
 * @example app.route('/', createReplayRoutes({ host }))
 */
export function createReplayRoutes({ host, idleMs = 10_000 }: ReplayRoutesOptions): Hono {
  const app = new Hono()
  const jobs = host.replays

  app.post('/replay', async (c) => {
    if (jobs.running) throw busy()
    requireType(c, ['application/json', 'application/x-ndjson', 'application/jsonl'])
    const isJson = (c.req.header('content-type') ?? '').toLowerCase().startsWith('application/json')
    const start = isJson ? fromHistory(host, await jsonBody(c)) : await fromSession(host, c, idleMs)
    try {
      return c.json(await jobs.start(start), 202)
    } catch (e) {
      if (e instanceof ReplayBusy) throw busy()
      if (e instanceof LoadError) throw new HTTPException(400, { message: e.message, cause: e })
      if (e instanceof NotReplayable) throw new HTTPException(422, { message: e.message, cause: e })
      throw e
    }
  })

  app.get('/replay', (c) => {
    const result = jobs.result()
    if (result === undefined) throw new HTTPException(404, { message: 'no replay has run yet: start one with POST /replay' })
    return c.json(result)
  })

  app.delete('/replay', (c) => {
    if (!jobs.cancel()) throw new HTTPException(409, { message: 'no replay is running' })
    return c.body(null, 204)
  })

  return app
}

function busy(): HTTPException {
  return new HTTPException(409, { message: 'a replay is running already: wait for it to end, or cancel it (DELETE /replay)' })
}

/** The module asked for, else the runtime's own (400 when there is neither). */
export function moduleOf(host: Host, asked: string | undefined): string {
  try {
    return replayModule(host, asked)
  } catch (e) {
    if (e instanceof NoReplayModule) throw new HTTPException(400, { message: e.message, cause: e })
    throw e
  }
}

function withoutOf(raw: unknown): number[] {
  if (raw === undefined) return []
  if (!Array.isArray(raw) || !raw.every((n) => Number.isSafeInteger(n) && (n as number) >= 0))
    throw new HTTPException(400, { message: `"without" must be a list of the seqs of inputs to leave out: ${USAGE}` })
  return raw as number[]
}

/** A replay of the host's own history. */
function fromHistory(host: Host, body: unknown): ReplayJobStart {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new HTTPException(400, { message: USAGE })
  const { module, without } = body as Record<keyof ReplayRequest, unknown>
  if (module !== undefined && typeof module !== 'string') throw new HTTPException(400, { message: `"module" must be a path: ${USAGE}` })
  try {
    return historyReplay(host, { module, without: withoutOf(without) })
  } catch (e) {
    if (e instanceof NoReplayModule) throw new HTTPException(400, { message: e.message, cause: e })
    if (e instanceof NotReplayable) throw new HTTPException(422, { message: e.message, cause: e })
    throw e
  }
}

/** A session file sent as a request's body, read whole and checked: its events keep the file's seqs. */
export interface SessionUpload {
  events: HistoryEvent[]
  /** The state right after each of its entries, by the file's seq. */
  stateAt: (seq: number) => Slices
  version: number
  runtime: string | null
}

/** Reads the body as a session file (400 naming the line, 408 stalled, 413 too large; `verb` says what it cannot be). */
export async function readSessionUpload(c: Context, idleMs: number, usage: string, verb = 'replayed'): Promise<SessionUpload> {
  const body = c.req.raw.body
  if (body === null) throw new HTTPException(400, { message: `the body is empty: ${usage}` })
  let imported
  try {
    const chunks = await readWhole(body, { idleMs, maxBytes: DOCUMENT_MAX_BYTES })
    imported = readSession(chunks, { baseSeq: 0, limits: { maxEntries: DOCUMENT_MAX_EVENTS + 1, maxBytes: Number.MAX_SAFE_INTEGER } })
  } catch (e) {
    throw uploadError(e, { failed: `the session file cannot be ${verb}` })
  }
  return { ...sessionFileEvents(imported), version: imported.header.version, runtime: imported.header.runtime.name }
}

/** A replay of a session file sent as the body, its events keeping the file's seqs. */
async function fromSession(host: Host, c: Context, idleMs: number): Promise<ReplayJobStart> {
  const module = moduleOf(host, c.req.query('module'))
  const raw = c.req.query('without')
  const without = withoutOf(raw === undefined || raw === '' ? undefined : raw.split(',').map((s) => (/^\d+$/.test(s) ? Number(s) : NaN)))
  const { events, version, runtime } = await readSessionUpload(c, idleMs, USAGE)
  return { events, module, source: 'session', without, version, runtime }
}
