/**
 * The closing line of a session file (DESIGN.md, Session file): a file written whole ends with
 * `{"end":{"events":N,"sha256":"<hex>"}}`, the number of its events and the SHA-256 of the lines
 * before it. A file without one was cut short (a download cut off, a journal whose host died);
 * one whose count or digest does not match was changed after it was written. Pure and
 * incremental, for the host's export, import and journal and for the window alike.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex } from '@noble/hashes/utils.js'

/** What a closing line says. */
export interface SessionEnd {
  /** The event lines between the header and the closing line. */
  events: number
  /** SHA-256, lowercase hex, of the header and event lines, each followed by `\n`. */
  sha256: string
}

/** A running SHA-256 whose digest so far can be read without ending it. */
export interface Sha256 {
  update(bytes: Uint8Array): void
  /** The digest of what was given so far, as lowercase hex; updates may follow. */
  hex(): string
}

/** SHA-256 by `@noble/hashes`: the same in Node and in the browser. */
export function nobleSha256(): Sha256 {
  const hash = sha256.create()
  return {
    update: (bytes) => void hash.update(bytes),
    hex: () => bytesToHex(hash.clone().digest())
  }
}

const NEWLINE = new Uint8Array([0x0a])
const encoder = new TextEncoder()

/**
 * The digest of a session file as it is written or read, line by line. A line is given without
 * its line end; the digest covers each line followed by `\n` (blank lines, a CR before a newline
 * and a byte order mark are not given, so a file an editor saved with CRLF still checks).
 * @example
 * const digest = new SessionDigest()
 * digest.addHeader(JSON.stringify(header))
 * for (const line of eventLines) digest.addEvent(line)
 * out.write(`${digest.closingLine()}\n`)
 */
export class SessionDigest {
  readonly #hash: Sha256
  #header = false
  #events = 0

  /** @param hash a faster SHA-256 where there is one (Node's `crypto`); @default nobleSha256() */
  constructor(hash: Sha256 = nobleSha256()) {
    this.#hash = hash
  }

  /** The header line, given first. */
  addHeader(line: string | Uint8Array): void {
    if (this.#header) throw new Error('a session file has one header line, and it was given already')
    this.#header = true
    this.#add(line)
  }

  /** One event line, after the header. */
  addEvent(line: string | Uint8Array): void {
    if (!this.#header) throw new Error('the header line of a session file comes before its events')
    this.#events++
    this.#add(line)
  }

  /** Event lines given together, each followed by `\n` (`count` of them). */
  addEvents(lines: Uint8Array, count: number): void {
    if (!this.#header) throw new Error('the header line of a session file comes before its events')
    this.#events += count
    this.#hash.update(lines)
  }

  /** The event lines given so far. */
  get events(): number {
    return this.#events
  }

  /** The digest of the lines given so far, as lowercase hex. */
  get sha256(): string {
    return this.#hash.hex()
  }

  /** What a closing line written now says. */
  get end(): SessionEnd {
    return { events: this.#events, sha256: this.sha256 }
  }

  /** The closing line for the lines given so far, without its newline. More lines may still be given. */
  closingLine(): string {
    return closingLine(this.end)
  }

  /** How the lines given so far differ from what a closing line says, or undefined when they match. */
  mismatch(end: SessionEnd): string | undefined {
    if (end.events !== this.#events)
      return `its closing line counts ${eventCount(end.events)}, and the lines before it hold ${count(this.#events)}`
    if (end.sha256 !== this.sha256) return 'the lines before its closing line do not match the SHA-256 digest it carries'
    return undefined
  }

  #add(line: string | Uint8Array): void {
    this.#hash.update(typeof line === 'string' ? encoder.encode(line) : line)
    this.#hash.update(NEWLINE)
  }
}

/** A closing line, without its newline. */
export function closingLine(end: SessionEnd): string {
  return JSON.stringify({ end: { events: end.events, sha256: end.sha256 } })
}

/** Whether a parsed line is meant as a closing line (an object with `end` and no `type`), well-formed or not. */
export function isClosingLine(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.hasOwn(v, 'end') && !Object.hasOwn(v, 'type')
}

/**
 * Narrows a parsed closing line (see `isClosingLine`).
 * @throws {TypeError} saying what is wrong with it
 */
export function readClosingLine(v: unknown): SessionEnd {
  const end = isClosingLine(v) ? (v as { end: unknown }).end : undefined
  if (typeof end !== 'object' || end === null || Array.isArray(end))
    throw new TypeError('a closing line must be {"end":{"events":N,"sha256":"<hex>"}}')
  const { events, sha256: digest } = end as Record<string, unknown>
  if (typeof events !== 'number' || !Number.isSafeInteger(events) || events < 0)
    throw new TypeError('the closing line\'s "events" must be a whole number')
  if (typeof digest !== 'string' || !/^[0-9a-f]{64}$/.test(digest))
    throw new TypeError('the closing line\'s "sha256" must be 64 lowercase hex digits')
  return { events, sha256: digest }
}

/** What the line says, when it is a well-formed closing line; else undefined (any other line, or text that is not JSON). */
export function parseClosingLine(line: string): SessionEnd | undefined {
  let v: unknown
  try {
    v = JSON.parse(line)
  } catch {
    // Not JSON, so not a closing line: the caller asked whether it is one, nothing more.
    return undefined
  }
  if (!isClosingLine(v)) return undefined
  try {
    return readClosingLine(v)
  } catch {
    // Malformed: not a closing line this function can vouch for.
    return undefined
  }
}

/** What an imported file holds, as its import answers it. */
export type SessionIntegrity = { complete: true } | { complete: false; statement: string }

/** Narrows what an import answered (`POST /history`'s `complete` and `statement`) to a `SessionIntegrity`. */
export function readIntegrity(v: unknown): SessionIntegrity {
  const { complete, statement } = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>
  if (complete === true) return { complete: true }
  return { complete: false, statement: typeof statement === 'string' ? statement : 'the host did not say whether the file is complete' }
}

/**
 * The statement for a file without a closing line.
 * @param cutLine the line cut in the middle and left out, if the file ended inside one
 */
export function cutShort(events: number, cutLine?: number): string {
  const why =
    cutLine === undefined
      ? 'the file has no closing line, so its end may be missing (a file cut off, the journal of a session that ended unexpectedly, or a file written before Patchscope ended files with one)'
      : `its last line (line ${count(cutLine)}) was cut in the middle and is left out`
  return `cut short after ${eventCount(events)}: ${why}`
}

/**
 * The statement for a file whose closing line does not match the lines before it.
 * @param mismatch what `SessionDigest.mismatch` says
 * @param line the closing line's
 */
export function changedAfterWriting(mismatch: string, line: number): string {
  return `changed after it was written: ${mismatch} (the closing line is line ${count(line)}); every event in it was checked, and it is shown as the file holds it`
}

/** `1 event`, `43,895 events` */
function eventCount(n: number): string {
  return `${count(n)} ${n === 1 ? 'event' : 'events'}`
}

/** `43,895` */
function count(n: number): string {
  return n.toLocaleString('en-US')
}
