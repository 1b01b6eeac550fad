/**
 * Session files (DESIGN.md): NDJSON, a header line, then the events in order from a
 * `state.initial`, then a closing line with their count and digest (`src/shared/session-end.ts`).
 * Export streams the retained history; import checks every line (patches included: each must
 * apply, no value may nest deeper than recorded values do) into a new history, so a bad file
 * changes nothing, and says whether the file is complete.
 */
import { createHash } from 'node:crypto'
import { deeperThan, jsonDepthBound } from '../../shared/json-depth'
import {
  SESSION_FORMAT,
  SESSION_VERSION,
  type HistoryEvent,
  type Operation,
  type RuntimeInfo,
  type SavedWatch,
  type SessionHeader,
  type Slices
} from '../../shared/protocol'
import {
  changedAfterWriting,
  cutShort,
  isClosingLine,
  readClosingLine,
  SessionDigest,
  type Sha256,
  type SessionEnd,
  type SessionIntegrity
} from '../../shared/session-end'
import { applyEvent, newEdit, toPlain, valueAt } from '../../shared/state'
import type { CompiledPolicy } from '../../shared/redaction'
import { ExportRedactor } from '../redaction/export'
import { MAX_DEPTH } from './encode'
import { History, RetentionError, type HistoryLimits, type HistoryView } from './history'
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

/** SHA-256 by Node's own `crypto`, several times faster than a script's: for the host's files. */
export function nodeSha256(): Sha256 {
  const hash = createHash('sha256')
  return {
    update: (bytes) => void hash.update(bytes),
    hex: () => hash.copy().digest('hex')
  }
}

/** A digest for a session file the host writes or reads. */
export function newSessionDigest(): SessionDigest {
  return new SessionDigest(nodeSha256())
}

export interface ExportOptions {
  /** What to export. @default history.view() */
  view?: HistoryView
  /** Fed every line written (a journal goes on with it after the export). @default newSessionDigest() */
  digest?: SessionDigest
  /** End the file with its closing line. @default true */
  close?: boolean
  /** The watches to keep in the header (restored on import). @default none */
  watches?: readonly SavedWatch[]
  /**
   * Redact with this policy: every line, and the header, which lists the places redacted (by
   * path, never by value) once the history was read through. @default none (the file as recorded)
   */
  redaction?: CompiledPolicy
}

/**
 * The session file of a history, as a stream of bytes. It starts with the base as a
 * `state.initial`, unless the first retained entry is one (a load, a reload or an import), which
 * then starts it: the base before it counts for nothing, and an imported session exported again
 * gives back the same timeline instead of one with an empty state in front. It ends with the
 * closing line (the count of events and the SHA-256 of the lines before it). With `redaction`,
 * the history is read through once before the header is written (see `ExportRedactor`).
 */
export function exportSession(
  history: History,
  runtime: RuntimeInfo,
  now = Date.now(),
  { view = history.view(), digest = newSessionDigest(), close = true, watches = [], redaction }: ExportOptions = {}
): ReadableStream<Uint8Array> {
  const header: SessionHeader = {
    format: SESSION_FORMAT,
    version: SESSION_VERSION,
    runtime: { path: runtime.path, name: runtime.name },
    createdAt: new Date(now).toISOString(),
    ...(watches.length > 0 ? { watches: watches.map(({ text, pause }) => ({ text, pause })) } : {})
  }
  let next = view.baseSeq + 1
  const startsWithInitial = next <= view.lastSeq && view.segment(next).kind(next) === typeNumber('state.initial')
  const initial: HistoryEvent | undefined = startsWithInitial
    ? undefined
    : // The base carries the time the history began (or the time of the last entry folded into it), not the export's.
      { type: 'state.initial', seq: view.baseSeq, slices: view.base, timestamp: view.baseTime }
  const redactor =
    redaction === undefined || redaction.empty
      ? undefined
      : new ExportRedactor(redaction, view, (seq) => {
          try {
            return history.stateAt(seq)
          } catch (e) {
            // Dropped from the history since the export began: the redactor then hides the slice whole.
            if (e instanceof RetentionError) return undefined
            throw e
          }
        })
  async function head(): Promise<string> {
    if (redactor !== undefined) header.redaction = await redactor.scan(initial)
    const headerLine = JSON.stringify(header)
    digest.addHeader(headerLine)
    let text = `${headerLine}\n`
    if (initial !== undefined) {
      const initialLine = JSON.stringify(redactor === undefined ? initial : redactor.initial(initial))
      digest.addEvent(initialLine)
      text += `${initialLine}\n`
    }
    return text
  }
  let started = false
  let ended = false
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true
        controller.enqueue(Buffer.from(await head()))
        return
      }
      if (next > view.lastSeq) {
        if (close && !ended) {
          ended = true
          controller.enqueue(Buffer.from(`${digest.closingLine()}\n`))
          return
        }
        return controller.close()
      }
      const parts: Buffer[] = []
      let size = 0
      while (next <= view.lastSeq && size < EXPORT_CHUNK) {
        const recorded = view.segment(next).dataBytes(next)
        const data = redactor === undefined ? recorded : redactor.line(next, recorded)
        digest.addEvent(data)
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
 * newline (with `terminated` false). A line split between chunks is joined once, when its end
 * arrives.
 */
export class LineSplitter {
  #parts: Buffer[] = []
  #partBytes = 0

  constructor(private readonly onLine: (buf: Buffer, start: number, end: number, terminated: boolean) => void) {}

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
    this.#emit(line, 0, line.length, false)
  }

  #emit(buf: Buffer, start: number, end: number, terminated = true): void {
    this.onLine(buf, start, end > start && buf[end - 1] === CR_BYTE ? end - 1 : end, terminated)
  }
}

const NEWLINE_BYTE = 0x0a
const CR_BYTE = 0x0d

/** A file read: what it holds, and whether it is complete. */
export interface ImportedSession {
  header: SessionHeader
  history: History
  events: number
  /** Whether the file ended with a closing line that matches it; if not, what it holds, in a sentence. */
  integrity: SessionIntegrity
  /** The seqs the file gave its events: the first one's, and whether each next one is one more (a document keeps them). */
  fileSeqs: { first: number | undefined; consecutive: boolean }
}

export interface ImportOptions {
  /** The seq the new history's base is at: the file's events are renumbered after it. */
  baseSeq: number
  limits?: Partial<HistoryLimits>
}

/**
 * Reads a session file into a new history whose first entry (seq `baseSeq + 1`) is a reset
 * `state.initial`; every event is renumbered after it.
 * @throws {SessionError} naming the first bad line
 * @throws {RangeError} for a line longer than `MAX_LINE_BYTES`
 */
export async function importSession(
  body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: ImportOptions
): Promise<ImportedSession> {
  const { importer, splitter } = start(options)
  for await (const chunk of body) splitter.push(chunk)
  splitter.end()
  return importer.finish()
}

/**
 * `importSession` of a file already in memory, at once: nothing else runs while it reads.
 * @throws {SessionError} naming the first bad line
 * @throws {RangeError} for a line longer than `MAX_LINE_BYTES`
 */
export function readSession(chunks: Iterable<Uint8Array>, options: ImportOptions): ImportedSession {
  const { importer, splitter } = start(options)
  for (const chunk of chunks) splitter.push(chunk)
  splitter.end()
  return importer.finish()
}

function start({ baseSeq, limits }: ImportOptions): { importer: Importer; splitter: LineSplitter } {
  const importer = new Importer(new History({ base: {}, baseSeq, ...(limits ? { limits } : {}) }))
  return { importer, splitter: new LineSplitter((buf, start, end, terminated) => importer.line(buf, start, end, terminated)) }
}

/**
 * The levels a recorded value may hold: `MAX_DEPTH` objects, and the `$truncated` object that
 * stands for what is below them. A state's value never nests deeper in a file Patchscope writes.
 */
export const MAX_VALUE_LEVELS = MAX_DEPTH + 1
/** The levels a line may hold: a value, inside an event (1), its field (2) and a patch operation (3). */
const MAX_LINE_LEVELS = MAX_VALUE_LEVELS + 3

/** The lines of a session file, checked and applied one by one into a history. */
class Importer {
  #header: SessionHeader | undefined
  #mirror: Slices = {}
  #owned = newEdit({ chunkArrays: true })
  #n = 0
  #events = 0
  readonly #digest = newSessionDigest()
  /** The closing line, once read, and how the lines before it differ from it. */
  #end: { line: number; mismatch: string | undefined } | undefined
  /** The last line, when it ended in the middle (no newline, not JSON). */
  #cutLine: number | undefined
  #fileSeqs: ImportedSession['fileSeqs'] = { first: undefined, consecutive: false }

  constructor(private readonly history: History) {}

  line(buf: Buffer, start: number, end: number, terminated: boolean): void {
    const n = ++this.#n
    let text = buf.toString('utf8', start, end)
    // A byte order mark some editors put in front of a file.
    if (n === 1 && text.charCodeAt(0) === 0xfeff) {
      text = text.slice(1)
      start += 3
    }
    if (text.trim() === '') return
    if (this.#end !== undefined)
      throw new SessionError(n, `a line after the closing line (line ${this.#end.line}): a session file ends with its closing line`)
    const levels = jsonDepthBound(text, MAX_LINE_LEVELS)
    if (levels > MAX_LINE_LEVELS) throw tooDeep(n, 'a value')
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch (e) {
      // The last line of a file cut short in the middle of it: what came before is kept, and said so.
      if (!terminated && this.#header !== undefined) {
        this.#cutLine = n
        return
      }
      throw new SessionError(n, `not valid JSON (${(e as Error).message})${n > 1 ? '; the file may be truncated' : ''}`)
    }
    if (this.#header === undefined) {
      this.#header = checkHeader(value, n)
      this.#digest.addHeader(buf.subarray(start, end))
      return
    }
    if (isClosingLine(value)) {
      this.#close(value, n)
      return
    }
    const event = checkEvent(value, n)
    if (this.#events === 0 && event.type !== 'state.initial')
      throw new SessionError(n, `the first event must be a state.initial, not ${event.type}`)
    this.#noteSeq(event.seq)
    // A line that opens few objects cannot nest a state's value too deeply: most skip the check.
    this.#checkLevels(event, levels, n)
    try {
      this.#mirror = applyEvent(this.#mirror, event, this.#owned)
    } catch (e) {
      throw new SessionError(n, `${event.type} does not apply: ${(e as Error).message}`)
    }
    const history = this.history
    history.append(event.type, event.type === 'state.update' ? event.slice : null, bodyOf(event, text, buf, start, end))
    this.#events++
    this.#digest.addEvent(buf.subarray(start, end))
    if (history.segmentFull) {
      // The mirror is the state the next checkpoint needs; from now on it is copied before changes.
      history.offerHead(this.#mirror)
      this.#owned = newEdit({ chunkArrays: true })
    }
  }

  finish(): ImportedSession {
    if (this.#header === undefined) throw new SessionError(1, 'the file is empty')
    if (this.#events === 0) {
      if (this.#cutLine !== undefined)
        throw new SessionError(this.#cutLine, 'the file holds a header, and its first event was cut in the middle')
      throw new SessionError(this.#n + 1, 'the file holds a header but no events')
    }
    return { header: this.#header, history: this.history, events: this.#events, integrity: this.#integrity(), fileSeqs: this.#fileSeqs }
  }

  #noteSeq(seq: unknown): void {
    const whole = typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 0
    if (this.#events === 0) this.#fileSeqs = whole ? { first: seq, consecutive: true } : { first: undefined, consecutive: false }
    else if (this.#fileSeqs.consecutive && seq !== (this.#fileSeqs.first as number) + this.#events) this.#fileSeqs.consecutive = false
  }

  #integrity(): SessionIntegrity {
    if (this.#end === undefined) return { complete: false, statement: cutShort(this.#events, this.#cutLine) }
    if (this.#end.mismatch !== undefined) return { complete: false, statement: changedAfterWriting(this.#end.mismatch, this.#end.line) }
    return { complete: true }
  }

  #close(value: unknown, n: number): void {
    let end: SessionEnd
    try {
      end = readClosingLine(value)
    } catch (e) {
      throw new SessionError(n, (e as Error).message)
    }
    if (this.#events === 0) throw new SessionError(n, 'the file holds a header but no events before its closing line')
    this.#end = { line: n, mismatch: this.#digest.mismatch(end) }
  }

  /**
   * Refuses a state that would nest deeper than a recorded one can, so that no stored entry breaks
   * a reader. `levels` bounds the line's nesting: a value inside it is shallower by its place in the
   * event (`value` 1, a slice 2, a patch's value 3), and most lines are shallow enough to skip the walk.
   */
  #checkLevels(event: HistoryEvent, levels: number, n: number): void {
    if (event.type === 'state.initial') {
      if (levels - 2 <= MAX_VALUE_LEVELS) return
      for (const [slice, value] of Object.entries(event.slices))
        if (deeperThan(value, MAX_VALUE_LEVELS)) throw tooDeep(n, `slice ${JSON.stringify(slice)}`)
    } else if (event.type === 'state.update') {
      if (event.value !== undefined && levels - 1 > MAX_VALUE_LEVELS && deeperThan(event.value, MAX_VALUE_LEVELS))
        throw tooDeep(n, 'the value')
      for (const [i, op] of (event.patches ?? []).entries()) {
        // A value put at a path is as deep as the path, and its own levels below that.
        const room = MAX_VALUE_LEVELS - tokens(op.path)
        let value: unknown
        if (op.op === 'add' || op.op === 'replace' || op.op === 'test') value = levels - 3 > room ? op.value : undefined
        else if ((op.op === 'move' || op.op === 'copy') && tokens(op.path) > tokens(op.from)) {
          const from = valueAt(this.#mirror[event.slice], op.from)
          value = from === undefined ? undefined : toPlain(from)
        }
        if (deeperThan(value, room)) throw tooDeep(n, `patch operation ${i} (${op.op} at a path ${tokens(op.path)} levels deep)`)
      }
    }
  }
}

/** The tokens of a JSON pointer: each starts with `/`, and a `/` inside one is escaped as `~1`. */
function tokens(pointer: string): number {
  let count = 0
  for (let at = pointer.indexOf('/'); at !== -1; at = pointer.indexOf('/', at + 1)) count++
  return count
}

function tooDeep(line: number, what: string): SessionError {
  return new SessionError(
    line,
    `${what} nests deeper than ${MAX_DEPTH} levels, the limit of recorded values (Patchscope writes no such file: it was made or changed elsewhere)`
  )
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
  // Version 1 (before inputs and effects were recorded) still imports; it cannot be replayed.
  if (v.version !== SESSION_VERSION && v.version !== 1) {
    throw new SessionError(
      line,
      `session file version ${JSON.stringify(v.version)} is not supported (this Patchscope reads versions 1 and ${SESSION_VERSION})`
    )
  }
  const runtime = isObject(v.runtime) ? v.runtime : {}
  return {
    format: SESSION_FORMAT,
    version: v.version,
    runtime: {
      path: typeof runtime.path === 'string' ? runtime.path : null,
      name: typeof runtime.name === 'string' ? runtime.name : null
    },
    createdAt: typeof v.createdAt === 'string' ? v.createdAt : '',
    // Kept as far as they are well formed; a watch whose text no longer parses is left out when restored.
    ...(Array.isArray(v.watches) ? { watches: v.watches.filter(isSavedWatch).map(({ text, pause }) => ({ text, pause })) } : {})
  }
}

function isSavedWatch(v: unknown): v is SavedWatch {
  return isObject(v) && typeof v.text === 'string' && typeof v.pause === 'boolean'
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
