/**
 * `POST /documents` (DESIGN.md, Extensions): a session file opened as a document of its own. The
 * file is read and checked exactly as `POST /history` reads it (`readSession`: every line, every
 * patch applied, the depth bound, the closing line), but the host's history is not touched: the
 * answer is the file's events, with the seqs the file gave them, for the window to hold beside
 * the live session.
 */
import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { DOCUMENT_MAX_BYTES, DOCUMENT_MAX_EVENTS, type DocumentHead } from '../../shared/document'
import { HISTORY_EVENT_TYPES, type HistoryEventType } from '../../shared/protocol'
import { readWhole } from '../../shared/read-whole'
import type { History } from '../recorder/history'
import type { ImportedSession } from '../recorder/session-file'
import { readAnySession } from '../import/read'
import { requireType } from './body'
import { uploadError } from './upload-errors'

export interface DocumentRoutesOptions {
  /** Give up on an upload that sends nothing for this long. @default 10_000 */
  idleMs?: number
  /** The largest file taken. @default DOCUMENT_MAX_BYTES */
  maxBytes?: number
  /** The most events a document may hold. @default DOCUMENT_MAX_EVENTS */
  maxEvents?: number
}

/** Bytes the answer hands over at a time. */
const CHUNK_BYTES = 1 << 20

/**
 * The documents route, to mount at `/`.
 * @example app.route('/', createDocumentRoutes())
 */
export function createDocumentRoutes({
  idleMs = 10_000,
  maxBytes = DOCUMENT_MAX_BYTES,
  maxEvents = DOCUMENT_MAX_EVENTS
}: DocumentRoutesOptions = {}): Hono {
  const app = new Hono()

  app.post('/documents', async (c) => {
    requireType(c, ['application/x-ndjson', 'application/jsonl', 'application/json'])
    const body = c.req.raw.body
    if (body === null) throw new HTTPException(400, { message: 'the body is empty: send a session file' })
    let imported: ImportedSession
    try {
      const chunks = await readWhole(body, { idleMs, maxBytes })
      // Entries are never folded into the base: one more than allowed is enough to tell the file is too long.
      // The file's name (`?name=`) names a converted file's recording, as a session file's header does.
      imported = readAnySession(
        chunks,
        { baseSeq: 0, limits: { maxEntries: maxEvents + 1, maxBytes: Number.MAX_SAFE_INTEGER } },
        c.req.query('name') || undefined
      )
    } catch (e) {
      throw uploadError(e, {
        failed: 'the session file cannot be opened',
        tooLarge: `the file is larger than ${mb(maxBytes)}, the most the window opens as a document`
      })
    }
    if (imported.events > maxEvents)
      throw new HTTPException(413, {
        message: `the file holds more than ${maxEvents.toLocaleString('en-US')} events, the most the window opens as a document`
      })
    const { first, consecutive } = imported.fileSeqs
    const head: DocumentHead = {
      runtime: imported.header.runtime,
      createdAt: imported.header.createdAt,
      version: imported.header.version,
      events: imported.events,
      firstSeq: consecutive ? (first as number) : 0,
      renumbered: !consecutive,
      ...imported.integrity
    }
    return new Response(documentStream(imported.history, head), {
      headers: { 'content-type': 'application/x-ndjson; charset=utf-8' }
    })
  })

  return app
}

/**
 * The head line, then each event of the checked history as a line, its seq the file's: the
 * stored JSON after its `type` and `seq` is kept as it is.
 */
function documentStream(history: History, head: DocumentHead): ReadableStream<Uint8Array> {
  const offset = head.firstSeq - (history.baseSeq + 1)
  let next = history.baseSeq + 1
  let started = false
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (!started) {
        started = true
        controller.enqueue(Buffer.from(`${JSON.stringify(head)}\n`))
        return
      }
      if (next > history.lastSeq) return controller.close()
      const parts: Buffer[] = []
      let size = 0
      while (next <= history.lastSeq && size < CHUNK_BYTES) {
        const seg = history.segment(next)
        const type = HISTORY_EVENT_TYPES[seg.kind(next)] as HistoryEventType
        const stored = seg.dataBytes(next)
        const prefix = `{"type":"${type}","seq":${next},`.length
        const line = Buffer.concat([Buffer.from(`{"type":"${type}","seq":${next + offset},`), stored.subarray(prefix), NEWLINE])
        parts.push(line)
        size += line.length
        next++
      }
      controller.enqueue(Buffer.concat(parts, size))
    }
  })
}

const NEWLINE = Buffer.from('\n')

function mb(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024)).toLocaleString('en-US')} MB`
}
