/**
 * The journal: the host's history, appended to a session file on disk as it is recorded, so that a
 * crash, a kill or a closed lid loses at most the last moments of a session.
 *
 * - A journal is an ordinary session file (DESIGN.md): a header, the history's base as a
 *   `state.initial`, then every entry's line as the stream sends it. Closed cleanly, it ends with
 *   the closing line an export ends with; a journal without one ended unexpectedly.
 * - Nothing is written on the recording's hot path: a timer (every `flushMs`) copies the lines
 *   recorded since the last tick out of the history and writes them in one call, then syncs the
 *   file. A write that fails (a full disk, a folder gone) is reported through `onStatus` and tried
 *   again; the recording in memory never waits for the disk nor stops. Past `maxPendingBytes` not
 *   yet written, the journal gives up (and says so) rather than hold the memory.
 * - It follows the history's bounds: once the file holds more than twice what the history retains
 *   (and the history has dropped entries the file starts with), the journal starts a new file from
 *   what the history retains and deletes the old one. A history replaced (an import) closes the
 *   file, which is kept, and starts a new one.
 * - A lock file beside the journal (`<file>.lock`, with this process's id) tells other hosts
 *   listing the folder that it is being written (see `sessions.ts`).
 */
import { open, rm, writeFile, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import type { JournalStatus } from '../../shared/journal'
import type { RuntimeInfo } from '../../shared/protocol'
import type { SessionDigest } from '../../shared/session-end'
import type { History } from '../recorder/history'
import { exportSession, newSessionDigest } from '../recorder/session-file'
import { journalFileName, LOCK_SUFFIX } from './sessions'

export interface JournalOptions {
  /** The folder of the journals (created if missing). */
  dir: string
  history: History
  /** What is running, for the file's header and name. */
  runtime: () => RuntimeInfo
  /** How often what was recorded is written. @default 500 */
  flushMs?: number
  /** Bytes recorded but not yet written beyond which the journal stops. @default 256 MiB */
  maxPendingBytes?: number
  /** @default Date.now */
  now?: () => number
  /** Bytes a file may hold beyond twice what the history retains before it starts again. @default 64 MiB */
  rotateSlackBytes?: number
  /** Opens a new journal's file (a test's full disk). @default creates it, failing if it exists */
  openFile?: (path: string) => Promise<FileHandle>
}

interface OpenFile {
  path: string
  id: string
  handle: FileHandle
  digest: SessionDigest
  /** The first seq the file holds after its base. */
  baseSeq: number
  bytes: number
}

export class Journal {
  readonly #dir: string
  readonly #history: History
  readonly #runtime: () => RuntimeInfo
  readonly #maxPending: number
  readonly #listeners = new Set<(status: JournalStatus) => void>()
  readonly #now: () => number
  readonly #slack: number
  readonly #openFile: (path: string) => Promise<FileHandle>
  readonly #timer: NodeJS.Timeout
  readonly #unsubscribe: () => void
  #file: OpenFile | undefined
  /** The last seq copied out of the history (into `#pending` or the file). */
  #cursor = 0
  #generation = -1
  #pending: Buffer[] = []
  #pendingBytes = 0
  #spare = Buffer.allocUnsafeSlow(0)
  #busy: Promise<void> | undefined
  #status: JournalStatus

  private constructor(options: JournalOptions) {
    this.#dir = options.dir
    this.#history = options.history
    this.#runtime = options.runtime
    this.#maxPending = options.maxPendingBytes ?? 256 * 1024 * 1024
    this.#now = options.now ?? Date.now
    this.#slack = options.rotateSlackBytes ?? 64 * 1024 * 1024
    this.#openFile = options.openFile ?? ((path) => open(path, 'wx'))
    this.#status = { state: 'writing', id: null, dir: this.#dir }
    this.#timer = setInterval(() => this.#tick(), options.flushMs ?? 500)
    this.#timer.unref()
    // Lines not yet copied when the history is replaced (an import) would be gone after it.
    this.#unsubscribe = this.#history.beforeReplace(() => {
      try {
        this.#collect()
      } catch (e) {
        this.#failed(e)
      }
    })
  }

  /**
   * Starts journaling `history` into a new file of `dir`.
   * @throws when the folder cannot be created or the file cannot be opened (nothing is recorded then)
   */
  static async open(options: JournalOptions): Promise<Journal> {
    const journal = new Journal(options)
    try {
      await journal.#start()
    } catch (e) {
      clearInterval(journal.#timer)
      journal.#unsubscribe()
      throw e
    }
    return journal
  }

  get status(): JournalStatus {
    return this.#status
  }

  /** The folder the journal writes into. */
  get dir(): string {
    return this.#dir
  }

  /** Calls `listener` each time the journal's state changes (a write failed, writes again, stopped); returns the unsubscribe function. */
  subscribe(listener: (status: JournalStatus) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** Writes what is left and the closing line, and closes the file (the journal then ended cleanly). */
  async close(): Promise<void> {
    clearInterval(this.#timer)
    this.#unsubscribe()
    await this.#busy
    if (this.#status.state === 'closed' || this.#status.state === 'stopped') return
    try {
      this.#collect()
      await this.#finish()
      this.#setStatus({ state: 'closed', id: this.#status.id, dir: this.#dir })
    } catch (e) {
      this.#setStatus({ state: 'stopped', id: this.#status.id, dir: this.#dir, error: describe(e, this.#dir) })
    }
  }

  /** Waits until every line recorded so far is written (for tests and a clean close). */
  async flush(): Promise<void> {
    await this.#busy
    this.#tick()
    await this.#busy
  }

  #tick(): void {
    if (this.#busy !== undefined || this.#status.state === 'stopped' || this.#status.state === 'closed') return
    const h = this.#history
    const file = this.#file
    let work: () => Promise<void>
    if (file === undefined || h.generation !== this.#generation || this.#cursor < h.baseSeq || this.#cursor > h.lastSeq) {
      // The history was replaced (or dropped entries before they were written): a new file.
      work = () => this.#restart(file !== undefined && h.generation === this.#generation)
    } else if (file.bytes > 2 * h.bytes + this.#slack && h.baseSeq > file.baseSeq) {
      work = () => this.#restart(true)
    } else {
      try {
        this.#collect()
      } catch (e) {
        this.#failed(e)
        return
      }
      if (this.#pendingBytes === 0) return
      work = () => this.#write()
    }
    this.#busy = work()
      .catch((e: unknown) => this.#failed(e))
      .finally(() => {
        this.#busy = undefined
      })
  }

  /** Copies the lines recorded since the last tick out of the history. */
  #collect(): void {
    const h = this.#history
    const file = this.#file
    if (file === undefined || this.#cursor >= h.lastSeq || h.generation !== this.#generation) return
    const view = h.view()
    const first = Math.max(this.#cursor, view.baseSeq) + 1
    // Segment by segment: the size first, then the bytes copied straight into the chunk.
    let size = 0
    for (let seq = first; seq <= view.lastSeq;) {
      const segment = view.segment(seq)
      const to = Math.min(segment.lastSeq, view.lastSeq)
      size += segment.dataLinesLength(seq, to)
      seq = to + 1
    }
    // The same buffer each tick while nothing written from it is still pending: a fresh one costs its page faults.
    const reuse = this.#busy === undefined && this.#pendingBytes === 0
    if (reuse && this.#spare.length < size) this.#spare = Buffer.allocUnsafeSlow(Math.max(size, 2 * this.#spare.length))
    const chunk = reuse ? this.#spare.subarray(0, size) : Buffer.allocUnsafe(size)
    let at = 0
    for (let seq = first; seq <= view.lastSeq;) {
      const segment = view.segment(seq)
      const to = Math.min(segment.lastSeq, view.lastSeq)
      at = segment.copyDataLines(seq, to, chunk, at)
      seq = to + 1
    }
    file.digest.addEvents(chunk, view.lastSeq - first + 1)
    this.#cursor = view.lastSeq
    this.#pending.push(chunk)
    this.#pendingBytes += size
    if (this.#pendingBytes > this.#maxPending) {
      const mb = Math.round(this.#maxPending / 1024 / 1024)
      throw new JournalStopped(`more than ${mb} MB were recorded that the disk did not take in time`)
    }
  }

  async #write(): Promise<void> {
    const file = this.#file as OpenFile
    let chunk = this.#pending.length === 1 ? (this.#pending[0] as Buffer) : Buffer.concat(this.#pending, this.#pendingBytes)
    try {
      while (chunk.length > 0) {
        const { bytesWritten } = await file.handle.write(chunk, 0, chunk.length)
        file.bytes += bytesWritten
        chunk = chunk.subarray(bytesWritten)
      }
    } finally {
      // What did not reach the file is written next time, from the byte where this write stopped.
      this.#pending = chunk.length > 0 ? [chunk] : []
      this.#pendingBytes = chunk.length
    }
    await file.handle.datasync()
    if (this.#status.state !== 'writing') this.#setStatus({ state: 'writing', id: file.id, dir: this.#dir })
  }

  /** Opens a new file with the history as it is now (its base, then every retained entry). */
  async #start(): Promise<void> {
    const info = this.#runtime()
    const now = this.#now()
    const id = journalFileName(info, now, process.pid)
    const path = join(this.#dir, id)
    await writeFile(`${path}${LOCK_SUFFIX}`, JSON.stringify({ pid: process.pid, startedAt: new Date(now).toISOString() }), { flag: 'wx' })
    const handle = await this.#openFile(path)
    const h = this.#history
    const view = h.view()
    const file: OpenFile = { path, id, handle, digest: newSessionDigest(), baseSeq: view.baseSeq, bytes: 0 }
    this.#file = file
    this.#generation = h.generation
    this.#cursor = view.lastSeq
    this.#pending = []
    this.#pendingBytes = 0
    for await (const chunk of exportSession(h, info, now, { view, digest: file.digest, close: false })) {
      await writeAll(handle, chunk)
      file.bytes += chunk.length
    }
    await handle.datasync()
    this.#setStatus({ state: 'writing', id, dir: this.#dir })
  }

  /** Ends the file with its closing line and closes it. */
  async #finish(): Promise<void> {
    const file = this.#file
    if (file === undefined) return
    if (this.#pendingBytes > 0) await this.#write()
    await writeAll(file.handle, Buffer.from(`${file.digest.closingLine()}\n`))
    await file.handle.datasync()
    await file.handle.close()
    await rm(`${file.path}${LOCK_SUFFIX}`, { force: true })
    this.#file = undefined
  }

  /** Closes the file and starts a new one; `replace`: the new one holds all the old one still matters for, so the old is deleted. */
  async #restart(replace: boolean): Promise<void> {
    const old = this.#file
    // What was recorded before the history was replaced was copied then (`beforeReplace`).
    if (old !== undefined) await this.#finish()
    await this.#start()
    if (replace && old !== undefined) await rm(old.path, { force: true })
  }

  #failed(e: unknown): void {
    const error = describe(e, this.#dir)
    if (e instanceof JournalStopped) {
      clearInterval(this.#timer)
      this.#unsubscribe()
      this.#pending = []
      this.#pendingBytes = 0
      this.#setStatus({ state: 'stopped', id: this.#status.id, dir: this.#dir, error })
      void this.#file?.handle.close().catch(() => undefined)
      return
    }
    this.#setStatus({ state: 'failing', id: this.#status.id, dir: this.#dir, error })
  }

  #setStatus(status: JournalStatus): void {
    const changed = status.state !== this.#status.state || status.error !== this.#status.error || status.id !== this.#status.id
    this.#status = status
    if (changed) for (const listener of this.#listeners) listener(status)
  }
}

/** The journal gave up; the message says why. */
class JournalStopped extends Error {
  override name = 'JournalStopped'
}

async function writeAll(handle: FileHandle, chunk: Uint8Array): Promise<void> {
  let at = 0
  while (at < chunk.length) {
    const { bytesWritten } = await handle.write(chunk, at, chunk.length - at)
    at += bytesWritten
  }
}

function describe(e: unknown, dir: string): string {
  const err = e as NodeJS.ErrnoException
  if (err.code === 'ENOSPC') return `the disk holding ${dir} is full: the session is still recorded in memory (export it to keep it)`
  if (err.code === 'EACCES' || err.code === 'EPERM') return `the journal may not write into ${dir} (${err.code})`
  if (err.code === 'ENOENT') return `the folder ${dir} is gone: the journal cannot write into it`
  return err instanceof JournalStopped ? `the journal stopped: ${err.message}` : `the journal could not write: ${err.message ?? String(e)}`
}
