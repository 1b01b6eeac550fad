/**
 * A session file opened as a document (DESIGN.md, Extensions): `POST /documents` checks the file
 * as an import does, changes nothing in the host, and answers it for the window to hold beside
 * the live session. The answer is NDJSON: a `DocumentHead` line, then the file's events in order,
 * each with the seq the file gave it.
 */
import { SESSION_VERSION, type SessionHeader } from './protocol'
import { readIntegrity, type SessionIntegrity } from './session-end'

/** The largest file the window opens as a document, in bytes: what it holds is kept in the window's memory. */
export const DOCUMENT_MAX_BYTES = 256 * 1024 * 1024
/** The most events a document holds (the window's store is built for a million entries). */
export const DOCUMENT_MAX_EVENTS = 1_000_000

/** The first line of `POST /documents`' answer. */
export type DocumentHead = {
  /** From the file's header: the runtime it was recorded from, and when it was written. */
  runtime: SessionHeader['runtime']
  createdAt: string
  /**
   * The file's version, as its header says: a document saved or replayed from the window is made
   * again with it, so that a version 1 file stays one (and replay says it cannot replay it, and why).
   */
  version: SessionHeader['version']
  /** Events after this line. */
  events: number
  /** The seq of the first event (its `state.initial`); each next event's is one more. */
  firstSeq: number
  /** True when the file's own seqs could not be kept (missing, or not one more each time): then numbered from 0. */
  renumbered: boolean
} & SessionIntegrity

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/**
 * Narrows the first line of `POST /documents`' answer.
 * @throws {TypeError} naming what is missing
 */
export function readDocumentHead(v: unknown): DocumentHead {
  if (!isObject(v)) throw new TypeError('the host answered no document header')
  const { events, firstSeq, renumbered, createdAt, version } = v
  if (typeof events !== 'number' || !Number.isSafeInteger(events) || events < 1) throw new TypeError('the document holds no events')
  if (typeof firstSeq !== 'number' || !Number.isSafeInteger(firstSeq)) throw new TypeError('the document has no first seq')
  const runtime = isObject(v.runtime) ? v.runtime : {}
  return {
    runtime: {
      path: typeof runtime.path === 'string' ? runtime.path : null,
      name: typeof runtime.name === 'string' ? runtime.name : null
    },
    createdAt: typeof createdAt === 'string' ? createdAt : '',
    // Every host of this build sends it; a head without one is this build's own version.
    version: version === 1 || version === 2 ? version : SESSION_VERSION,
    events,
    firstSeq,
    renumbered: renumbered === true,
    ...readIntegrity(v)
  }
}
