/**
 * Session files (DESIGN.md): NDJSON, a header line, then the events in order from a
 * `state.initial`. Export streams the retained history; import checks every line (patches
 * included: each must apply) into a new history, so a bad file changes nothing.
 */
import {
  SESSION_FORMAT,
  SESSION_VERSION,
  type HistoryEvent,
  type Operation,
  type RuntimeInfo,
  type SessionHeader,
  type Slices
} from '../../shared/protocol'
import { applyEvent, newEdit } from '../../shared/state'
import { History, type HistoryLimits } from './history'
import { kindOf } from './segment'

/** A session file that cannot be imported; `line` is 1-based. */
export class SessionError extends Error {
  override name = 'SessionError'
  constructor(
    readonly line: number,
    why: string
  ) {
    super(`line ${line}: ${why}`)
  }
}

/** Bytes an export stream hands over at a time. */
const EXPORT_CHUNK = 1 << 20
/** The longest line an import reads. */
export const MAX_LINE_CHARS = 256 * 1024 * 1024

/**
 * The session file of a history, as a stream of bytes. It starts with the base as a
 * `state.initial`, unless the first retained entry is one (a load, a reload or an import), which
 * then starts it: the base before it counts for nothing, and an imported session exported again
 * gives back the same timeline instead of one with an empty state in front.
 */
export function exportSession(history: History, runtime: RuntimeInfo, now = Date.now()): ReadableStream<Uint8Array> {
  const view = history.view()
  const header: SessionHeader = {
    format: SESSION_FORMAT,
    version: SESSION_VERSION,
    runtime: { path: runtime.path, name: runtime.name },
    createdAt: new Date(now).toISOString()
  }
  let next = view.baseSeq + 1
  const startsWithInitial = next <= view.lastSeq && view.segment(next).kind(next) === kindOf('state.initial')
  const initial = { type: 'state.initial', seq: view.baseSeq, slices: view.base, timestamp: now }
  let head: string | undefined = `${JSON.stringify(header)}\n${startsWithInitial ? '' : `${JSON.stringify(initial)}\n`}`
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (head !== undefined) {
        controller.enqueue(Buffer.from(head))
        head = undefined
        return
      }
      if (next > view.lastSeq) return controller.close()
      const parts: Buffer[] = []
      let size = 0
      while (next <= view.lastSeq && size < EXPORT_CHUNK) {
        const data = view.segment(next).dataBytes(next)
        parts.push(data, NEWLINE)
        size += data.length + 1
        next++
      }
      controller.enqueue(Buffer.concat(parts, size))
    }
  })
}

const NEWLINE = Buffer.from('\n')

/** Splits a byte stream into lines (a final line without a newline included). */
export async function* lines(body: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: false })
  let rest = ''
  for await (const chunk of body) {
    rest += decoder.decode(chunk, { stream: true })
    let at: number
    while ((at = rest.indexOf('\n')) !== -1) {
      yield rest.slice(0, at).replace(/\r$/, '')
      rest = rest.slice(at + 1)
    }
    if (rest.length > MAX_LINE_CHARS) throw new RangeError(`a line is longer than ${MAX_LINE_CHARS} characters`)
  }
  rest += decoder.decode()
  if (rest.length > 0) yield rest.replace(/\r$/, '')
}

export interface ImportedSession {
  header: SessionHeader
  history: History
  events: number
}

/**
 * Reads a session file into a new history whose first entry (seq `baseSeq + 1`) is a reset
 * `state.initial`; every event is renumbered after it.
 * @throws {SessionError} naming the first bad line
 */
export async function importSession(
  input: AsyncIterable<string>,
  { baseSeq, limits }: { baseSeq: number; limits?: Partial<HistoryLimits> }
): Promise<ImportedSession> {
  const history = new History({ base: {}, baseSeq, ...(limits ? { limits } : {}) })
  let header: SessionHeader | undefined
  let mirror: Slices = {}
  let owned = newEdit()
  let n = 0
  let events = 0
  for await (const text of input) {
    n++
    if (text.trim() === '') continue
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch (e) {
      throw new SessionError(n, `not valid JSON (${(e as Error).message})${n > 1 ? '; the file may be truncated' : ''}`)
    }
    if (header === undefined) {
      header = checkHeader(value, n)
      continue
    }
    const event = checkEvent(value, n)
    if (events === 0 && event.type !== 'state.initial')
      throw new SessionError(n, `the first event must be a state.initial, not ${event.type}`)
    try {
      mirror = applyEvent(mirror, event, owned)
    } catch (e) {
      throw new SessionError(n, `${event.type} does not apply: ${(e as Error).message}`)
    }
    history.append(event.type, event.type === 'state.update' ? event.slice : null, bodyOf(event, text))
    events++
    if (history.segmentFull) {
      // The mirror is the state the next checkpoint needs; from now on it is copied before changes.
      history.offerHead(mirror)
      owned = newEdit()
    }
  }
  if (header === undefined) throw new SessionError(1, 'the file is empty')
  if (events === 0) throw new SessionError(n + 1, 'the file holds a header but no events')
  return { header, history, events }
}

/** The start of a line as Patchscope writes it, up to the fields an entry's body holds. */
const CANONICAL = /^\{"type":"(state\.update|execution\.status|custom-event)","seq":\d+,/

/**
 * An event's body for the history: its JSON after `type` and `seq`. A line written the way
 * Patchscope writes it already is that, after its first two fields; any other is serialized anew.
 * A `state.initial` always is, to mark it a reset and drop a `gap`.
 */
function bodyOf(event: HistoryEvent, line: string): string {
  const canonical = CANONICAL.exec(line)
  if (canonical !== null && canonical[1] === event.type) return line.slice(canonical[0].length).trimEnd()
  const { type, seq: _seq, ...rest } = event as HistoryEvent & { gap?: unknown }
  if (type === 'state.initial') {
    delete (rest as { gap?: unknown }).gap
    ;(rest as { reset?: true }).reset = true
  }
  return JSON.stringify(rest).slice(1)
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function checkHeader(v: unknown, line: number): SessionHeader {
  if (!isObject(v) || v.format !== SESSION_FORMAT) {
    throw new SessionError(line, `not a Patchscope session file: the first line must be a header with "format": "${SESSION_FORMAT}"`)
  }
  if (v.version !== SESSION_VERSION) {
    throw new SessionError(
      line,
      `session file version ${JSON.stringify(v.version)} is not supported (this Patchscope reads version ${SESSION_VERSION})`
    )
  }
  const runtime = isObject(v.runtime) ? v.runtime : {}
  return {
    format: SESSION_FORMAT,
    version: SESSION_VERSION,
    runtime: {
      path: typeof runtime.path === 'string' ? runtime.path : null,
      name: typeof runtime.name === 'string' ? runtime.name : null
    },
    createdAt: typeof v.createdAt === 'string' ? v.createdAt : ''
  }
}

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test'])

function checkOps(v: unknown, line: number): Operation[] {
  if (!Array.isArray(v)) throw new SessionError(line, '"patches" must be an array')
  v.forEach((op: unknown, i) => {
    const at = `patch operation ${i}`
    if (!isObject(op) || typeof op.op !== 'string' || !OPS.has(op.op)) throw new SessionError(line, `${at} has no valid "op"`)
    if (typeof op.path !== 'string') throw new SessionError(line, `${at} has no "path"`)
    if ((op.op === 'move' || op.op === 'copy') && typeof op.from !== 'string')
      throw new SessionError(line, `${at} (${op.op}) has no "from"`)
    if ((op.op === 'add' || op.op === 'replace' || op.op === 'test') && !('value' in op))
      throw new SessionError(line, `${at} (${op.op}) has no "value"`)
  })
  return v as Operation[]
}

/** Narrows one line of a session file to a history event, or says what is wrong with it. */
export function checkEvent(v: unknown, line: number): HistoryEvent {
  if (!isObject(v)) throw new SessionError(line, 'an event must be a JSON object')
  const need = (key: string, type: string): void => {
    if (typeof v[key] !== type) throw new SessionError(line, `a ${String(v.type)} event needs "${key}" (a ${type})`)
  }
  need('timestamp', 'number')
  if (v.seq !== undefined && typeof v.seq !== 'number') throw new SessionError(line, '"seq" must be a number')
  switch (v.type) {
    case 'state.initial':
      if (!isObject(v.slices)) throw new SessionError(line, 'a state.initial event needs "slices" (an object)')
      break
    case 'state.update': {
      need('slice', 'string')
      if (!isObject(v.cause) || typeof v.cause.type !== 'string')
        throw new SessionError(line, 'a state.update event needs "cause" with a string "type"')
      const forms = [v.patches !== undefined, v.value !== undefined, v.removed === true].filter(Boolean).length
      if (forms !== 1) throw new SessionError(line, 'a state.update event needs exactly one of "patches", "value" or "removed": true')
      if (v.patches !== undefined) checkOps(v.patches, line)
      break
    }
    case 'execution.status':
      need('status', 'string')
      need('executionId', 'string')
      if (v.turnId !== undefined) need('turnId', 'string')
      if (v.error !== undefined) need('error', 'string')
      break
    case 'custom-event':
      if (!('data' in v)) throw new SessionError(line, 'a custom-event needs "data"')
      break
    default:
      throw new SessionError(line, `unknown event type ${JSON.stringify(v.type)}`)
  }
  return v as unknown as HistoryEvent
}
