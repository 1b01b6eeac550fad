/**
 * Sessions as documents (issue 12; DESIGN.md, Extensions): the live session — the host's history
 * over the event stream — and each session file opened beside it are separate documents, each
 * with its own store, timeline and inspector. One is shown; everything that reads "the history"
 * reads the shown one's. A file is opened through `POST /documents`, which checks it as an import
 * does and changes nothing in the host; its store is filled once from the answer, with the file's
 * own seqs, and never streamed into.
 */
import { readDocumentHead, type DocumentHead } from '../../../shared/document'
import { SESSION_FORMAT, type HistoryEvent, type SessionHeader } from '../../../shared/protocol'
import { SessionDigest } from '../../../shared/session-end'
import { errorOf, unreachable } from './model/host-errors'
import { HistoryStore } from './model/store'

/** What a document is shown through: its history and the views' state over it. */
export interface DocumentView {
  readonly store: HistoryStore
  /** Told once the store was filled (the timeline takes the rows in). */
  filled(): void
}

/** A session file opened beside the live session. */
export interface OpenedDocument<V extends DocumentView = DocumentView> {
  /** Unique in this window (a file opened twice is two documents). */
  readonly id: string
  /** The file's name as the user chose it. */
  readonly name: string
  readonly head: DocumentHead
  readonly view: V
}

/** What the documents need: the host, and a view made over a new store. */
export interface DocumentsDeps<V extends DocumentView> {
  request(path: string, init?: RequestInit): Promise<Response>
  /** The live session's view. */
  live: V
  /** A view over a document's store, made when it is opened. */
  makeView(store: HistoryStore): V
}

/** The id of the live session. */
export const LIVE = 'live'

export class Documents<V extends DocumentView = DocumentView> {
  /** The documents opened beside the live session, in the order they were opened. */
  opened = $state.raw<readonly OpenedDocument<V>[]>([])
  /** The id of the document shown: `LIVE` or an opened one's. */
  shownId = $state(LIVE)
  /** Why the last file could not be opened. */
  error = $state<string | undefined>()
  busy = $state(false)
  #next = 1

  constructor(private readonly deps: DocumentsDeps<V>) {}

  /** The opened document shown, or undefined while the live session is. */
  readonly document: OpenedDocument<V> | undefined = $derived(this.opened.find((d) => d.id === this.shownId))

  /** The view shown: the live session's or a document's. */
  get shown(): V {
    return this.document?.view ?? this.deps.live
  }

  get live(): V {
    return this.deps.live
  }

  /** True while the live session is shown. */
  get showingLive(): boolean {
    return this.document === undefined
  }

  /** Shows the live session, or an opened document (an id that is not open shows live). */
  show(id: string): void {
    this.shownId = this.opened.some((d) => d.id === id) ? id : LIVE
  }

  /** Closes an opened document; if it was shown, the live session is shown. */
  close(id: string): void {
    this.opened = this.opened.filter((d) => d.id !== id)
    if (this.shownId === id) this.shownId = LIVE
  }

  /**
   * Opens a session file as a document beside the live session, and shows it. The host checks the
   * file (every line, every patch) and changes nothing; a refused file leaves everything as it was,
   * and `error` names the line.
   * @returns the document, or undefined when the file was refused (`error` says why)
   */
  async open(file: Blob, name: string): Promise<OpenedDocument<V> | undefined> {
    this.busy = true
    this.error = undefined
    try {
      let res: Response
      try {
        res = await this.deps.request(`/documents?name=${encodeURIComponent(name)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-ndjson' },
          body: file
        })
      } catch (e) {
        this.error = `${name} was not opened: ${unreachable(e)}`
        return undefined
      }
      if (!res.ok) {
        this.error = `${name} was not opened: ${await errorOf(res)}`
        return undefined
      }
      let read: { head: DocumentHead; store: HistoryStore }
      try {
        read = readDocument(await res.text())
      } catch (e) {
        this.error = `${name} was not opened: ${e instanceof Error ? e.message : String(e)}`
        return undefined
      }
      const view = this.deps.makeView(read.store)
      view.filled()
      const doc: OpenedDocument<V> = { id: `doc-${this.#next++}`, name, head: read.head, view }
      this.opened = [...this.opened, doc]
      this.shownId = doc.id
      return doc
    } finally {
      this.busy = false
    }
  }
}

/**
 * Reads `POST /documents`' answer into a new store: its head line, then each event, whose seq must
 * follow the one before (the store keeps entry `i` at seq `first + i`).
 * @throws {Error} naming the line that does not read, or a store that refuses an event
 */
export function readDocument(text: string): { head: DocumentHead; store: HistoryStore } {
  const lines = text.split('\n')
  const head = readDocumentHead(parseLine(lines[0] ?? '', 1))
  const store = new HistoryStore()
  let count = 0
  for (let n = 1; n < lines.length; n++) {
    const raw = lines[n] as string
    if (raw === '') continue
    const event = parseLine(raw, n + 1) as HistoryEvent
    if (count === 0) {
      if (event.type !== 'state.initial') throw new Error(`the document starts with a ${String(event.type)}, not a state.initial`)
      store.reset(event, raw)
    } else {
      store.ingest(event, raw)
    }
    count++
  }
  if (count !== head.events) throw new Error(`the host answered ${count} of the document’s ${head.events} events`)
  return { head, store }
}

function parseLine(line: string, n: number): unknown {
  try {
    return JSON.parse(line) as unknown
  } catch (e) {
    throw new Error(`line ${n} of the host’s answer is not JSON (${e instanceof Error ? e.message : String(e)})`, { cause: e })
  }
}

/** What the header names a document: "<file> — imported, N entries", and what it holds when not complete. */
export function documentLabel(doc: Pick<OpenedDocument, 'name' | 'head'>): string {
  const n = doc.head.events
  return `${doc.name} — imported, ${n.toLocaleString('en-US')} ${n === 1 ? 'entry' : 'entries'}`
}

/**
 * A document's session file, made in the window from the events it holds, as they were opened
 * (with the file's seqs; not redacted again): its header, its events, and a closing line.
 */
export function documentFile(doc: Pick<OpenedDocument, 'head' | 'view'>): Blob {
  const store = doc.view.store
  const header: SessionHeader = {
    format: SESSION_FORMAT,
    // The file's own version: a version 1 file made again as version 2 would claim what it does not hold.
    version: doc.head.version,
    runtime: doc.head.runtime,
    createdAt: doc.head.createdAt
  }
  const digest = new SessionDigest()
  const headerLine = JSON.stringify(header)
  digest.addHeader(headerLine)
  const parts: string[] = [headerLine, '\n']
  for (let i = 0; i < store.length; i++) {
    const line = store.raw(i)
    digest.addEvent(line)
    parts.push(line, '\n')
  }
  parts.push(digest.closingLine(), '\n')
  return new Blob(parts, { type: 'application/x-ndjson' })
}

/** The file name a document is exported as: its own name, marked as a copy when it would be the same. */
export function documentFileName(name: string): string {
  const stem = name.replace(/\.(ndjson|jsonl|json)$/i, '').replace(/\.patchscope$/i, '')
  return `${stem}-copy.patchscope.ndjson`
}
