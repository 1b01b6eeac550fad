/**
 * The sessions of earlier runs (the journal's folder): `GET /sessions` lists them with the
 * journal's state, `GET /sessions/:id` downloads one, `POST /sessions/:id/open` opens one as the
 * host's history (as `POST /history` does: the runtime stops; the session it was recording stays
 * in its own journal).
 */
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { JournalStatus, SessionsInfo } from '../../shared/journal'
import type { Host } from '../host'
import type { Journal } from '../journal/journal'
import { listSessions, sessionPath } from '../journal/sessions'
import { SessionError } from '../recorder/session-file'

/** The journal's state when there is none (`--no-save`). */
export const JOURNAL_OFF: JournalStatus = { state: 'off', id: null, dir: null }

/** The routes, to mount at `/`; `journal`: the host's, or undefined when it runs without one. */
export function createSessionsRoutes({ host, journal }: { host: Host; journal: Journal | undefined }): Hono {
  const app = new Hono()

  async function pathOf(id: string): Promise<string> {
    if (journal === undefined) throw new HTTPException(404, { message: 'this host keeps no sessions (it was started with --no-save)' })
    let path: string
    try {
      path = sessionPath(journal.dir, id)
    } catch (e) {
      throw new HTTPException(400, { message: (e as Error).message })
    }
    try {
      await stat(path)
    } catch {
      throw new HTTPException(404, { message: `no session "${id}" in ${journal.dir} (it may have been pruned)` })
    }
    return path
  }

  app.get('/sessions', async (c) => {
    const info: SessionsInfo =
      journal === undefined
        ? { journal: JOURNAL_OFF, sessions: [] }
        : { journal: journal.status, sessions: await listSessions(journal.dir, journal.status.id) }
    return c.json(info)
  })

  app.get('/sessions/:id', async (c) => {
    const id = c.req.param('id')
    const path = await pathOf(id)
    return new Response(Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>, {
      headers: { 'content-type': 'application/x-ndjson; charset=utf-8', 'content-disposition': `attachment; filename="${id}"` }
    })
  })

  app.post('/sessions/:id/open', async (c) => {
    const id = c.req.param('id')
    const path = await pathOf(id)
    if (id === journal?.status.id) throw new HTTPException(409, { message: 'this is the session being recorded: it is already open' })
    try {
      const { events, integrity } = await host.importSession(createReadStream(path))
      return c.json({ events, lastSeq: host.history.lastSeq, runtime: host.runtime.info, ...integrity })
    } catch (e) {
      if (e instanceof SessionError || e instanceof RangeError)
        throw new HTTPException(422, { message: `the session ${id} cannot be opened: ${e.message}` })
      throw e
    }
  })

  return app
}
