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
import { typeNumber } from './entry'

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
/** The longest line an import reads, in bytes. */
export const MAX_LINE_BYTES = 256 * 1024 * 1024

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
  const startsWithInitial = next <= view.lastSeq && view.segment(next).kind(next) === typeNumber('state.initial')
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

/**
 * Splits bytes into lines without decoding them: each complete line goes to `onLine` as a range of
 * a buffer, without its newline and a CR before it; `end` gives the last line when it has no
 * newline. A line split between chunks is joined once, when its end arrives.
 */
export class LineSplitter {
  #parts: Buffer[] = []
  #partBytes = 0

  constructor(private readonly onLine: (buf: Buffer, start: number, end: number) => void) {}

  /** @throws {RangeError} when a line grows longer than `MAX_LINE_BYTES` */
  push(chunk: Uint8Array): void {
    const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    let start = 0
    let at = buf.indexOf(NEWLINE_BYTE)
    if (at !== -1 && this.#parts.length > 0) {
      this.#parts.push(buf.subarray(0, at))
      const line = Buffer.concat(this.#parts, this.#partBytes + at)
      this.#parts = []
      this.#partBytes = 0
      this.#emit(line, 0, line.length)
      start = at + 1
      at = buf.indexOf(NEWLINE_BYTE, start)
    }
    for (; at !== -1; at = buf.indexOf(NEWLINE_BYTE, start)) {
      this.#emit(buf, start, at)
      start = at + 1
    }
    if (start < buf.length) {
      this.#partBytes += buf.length - start
      if (this.#partBytes > MAX_LINE_BYTES) throw new RangeError(`a line is longer than ${MAX_LINE_BYTES} bytes`)
      // A copy: a source may fill the same buffer again for its next chunk.
      this.#parts.push(Buffer.from(buf.subarray(start)))
    }
  }

  end(): void {
    if (this.#parts.length === 0) return
    const line = Buffer.concat(this.#parts, this.#partBytes)
    this.#parts = []
    this.#partBytes = 0
    this.#emit(line, 0, line.length)
  }

  #emit(buf: Buffer, start: number, end: number): void {
    this.onLine(buf, start, end > start && buf[end - 1] === CR_BYTE ? end - 1 : end)
  }
}

const NEWLINE_BYTE = 0x0a
const CR_BYTE = 0x0d

export interface ImportedSession {
  header: SessionHeader
  history: History
  events: number
}

/**
 * Reads a session file into a new history whose first entry (seq `baseSeq + 1`) is a reset
 * `state.initial`; every event is renumbered after it.
 * @throws {SessionError} naming the first bad line
 * @throws {RangeError} for a line longer than `MAX_LINE_BYTES`
 */
export async function importSession(
  body: AsyncIterable<Uint8Array>,
  { baseSeq, limits }: { baseSeq: number; limits?: Partial<HistoryLimits> }
): Promise<ImportedSession> {
  const importer = new Importer(new History({ base: {}, baseSeq, ...(limits ? { limits } : {}) }))
  const splitter = new LineSplitter((buf, start, end) => importer.line(buf, start, end))
  for await (const chunk of body) splitter.push(chunk)
  splitter.end()
  return importer.finish()
}

/** The lines of a session file, checked and applied one by one into a history. */
class Importer {
  #header: SessionHeader | undefined
  #mirror: Slices = {}
  #owned = newEdit({ chunkArrays: true })
  #n = 0
  #events = 0

  constructor(private readonly history: History) {}

  line(buf: Buffer, start: number, end: number): void {
    const n = ++this.#n
    let text = buf.toString('utf8', start, end)
    // A byte order mark some editors put in front of a file.
    if (n === 1 && text.charCodeAt(0) === 0xfeff) {
      text = text.slice(1)
      start += 3
    }
    if (text.trim() === '') return
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch (e) {
      throw new SessionError(n, `not valid JSON (${(e as Error).message})${n > 1 ? '; the file may be truncated' : ''}`)
    }
    if (this.#header === undefined) {
      this.#header = checkHeader(value, n)
      return
    }
    const event = checkEvent(value, n)
    if (this.#events === 0 && event.type !== 'state.initial')
      throw new SessionError(n, `the first event must be a state.initial, not ${event.type}`)
    try {
      this.#mirror = applyEvent(this.#mirror, event, this.#owned)
    } catch (e) {
      throw new SessionError(n, `${event.type} does not apply: ${(e as Error).message}`)
    }
    const history = this.history
    history.append(event.type, event.type === 'state.update' ? event.slice : null, bodyOf(event, text, buf, start, end))
    this.#events++
    if (history.segmentFull) {
      // The mirror is the state the next checkpoint needs; from now on it is copied before changes.
      history.offerHead(this.#mirror)
      this.#owned = newEdit({ chunkArrays: true })
    }
  }

  finish(): ImportedSession {
    if (this.#header === undefined) throw new SessionError(1, 'the file is empty')
    if (this.#events === 0) throw new SessionError(this.#n + 1, 'the file holds a header but no events')
    return { header: this.#header, history: this.history, events: this.#events }
  }
}

/** The start of a line as Patchscope writes it, up to the fields an entry's body holds. */
const CANONICAL = /^\{"type":"(state\.update|execution\.status|custom-event)","seq":\d+,/

/**
 * An event's body for the history: its JSON after `type` and `seq`. A line written the way
 * Patchscope writes it already is that, after its first two fields: its bytes are kept as they
 * are (`buf` from `start` to `end`; the prefix is ASCII, so as long in bytes as in characters).
 * Any other is serialized anew. A `state.initial` always is, to mark it a reset and drop a `gap`.
 */
function bodyOf(event: HistoryEvent, line: string, buf: Buffer, start: number, end: number): string | Uint8Array {
  const canonical = CANONICAL.exec(line)
  // A CR is whitespace to JSON but ends a line in an event stream: such a line is written anew.
  if (canonical !== null && canonical[1] === event.type && !line.includes('\r')) {
    // Bytes that are not UTF-8 were read as U+FFFD: store the text then, so every frame is UTF-8.
    if (line.includes('\ufffd')) return line.slice(canonical[0].length).trimEnd()
    // JSON.parse took the line, so what follows its closing brace can only be JSON's whitespace.
    while (end > start && isJsonSpace(buf[end - 1] as number)) end--
    return buf.subarray(start + canonical[0].length, end)
  }
  const { type, seq: _seq, ...rest } = event as HistoryEvent & { gap?: unknown }
  if (type === 'state.initial') {
    delete (rest as { gap?: unknown }).gap
    ;(rest as { reset?: true }).reset = true
  }
  return JSON.stringify(rest).slice(1)
}

function isJsonSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d
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
  for (let i = 0; i < v.length; i++) {
    const op: unknown = v[i]
    if (!isObject(op) || typeof op.op !== 'string' || !OPS.has(op.op))
      throw new SessionError(line, `patch operation ${i} has no valid "op"`)
    if (typeof op.path !== 'string') throw new SessionError(line, `patch operation ${i} has no "path"`)
    if ((op.op === 'move' || op.op === 'copy') && typeof op.from !== 'string')
      throw new SessionError(line, `patch operation ${i} (${op.op}) has no "from"`)
    if ((op.op === 'add' || op.op === 'replace' || op.op === 'test') && !('value' in op))
      throw new SessionError(line, `patch operation ${i} (${op.op}) has no "value"`)
  }
  return v as Operation[]
}

function need(v: Record<string, unknown>, key: string, type: string, line: number): void {
  if (typeof v[key] !== type) throw new SessionError(line, `a ${String(v.type)} event needs "${key}" (a ${type})`)
}

/** Narrows one line of a session file to a history event, or says what is wrong with it. */
export function checkEvent(v: unknown, line: number): HistoryEvent {
  if (!isObject(v)) throw new SessionError(line, 'an event must be a JSON object')
  need(v, 'timestamp', 'number', line)
  if (v.seq !== undefined && typeof v.seq !== 'number') throw new SessionError(line, '"seq" must be a number')
  switch (v.type) {
    case 'state.initial':
      if (!isObject(v.slices)) throw new SessionError(line, 'a state.initial event needs "slices" (an object)')
      break
    case 'state.update': {
      need(v, 'slice', 'string', line)
      if (!isObject(v.cause) || typeof v.cause.type !== 'string')
        throw new SessionError(line, 'a state.update event needs "cause" with a string "type"')
      const forms = [v.patches !== undefined, v.value !== undefined, v.removed === true].filter(Boolean).length
      if (forms !== 1) throw new SessionError(line, 'a state.update event needs exactly one of "patches", "value" or "removed": true')
      if (v.patches !== undefined) checkOps(v.patches, line)
      break
    }
    case 'execution.status':
      need(v, 'status', 'string', line)
      need(v, 'executionId', 'string', line)
      if (v.turnId !== undefined) need(v, 'turnId', 'string', line)
      if (v.error !== undefined) need(v, 'error', 'string', line)
      break
    case 'custom-event':
      if (!('data' in v)) throw new SessionError(line, 'a custom-event needs "data"')
      break
    default:
      throw new SessionError(line, `unknown event type ${JSON.stringify(v.type)}`)
  }
  return v as unknown as HistoryEvent
}
