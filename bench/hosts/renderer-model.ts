/**
 * The window's history model (`HistoryStore`, src/renderer/src/lib/model/store.ts) in a child
 * process of its own, under Node: fed with a host's exported session file line by line, as the
 * window feeds it from the event stream (the first event through `reset`, every later one through
 * `ingest` with its JSON as received), then timed on `stateAt` for random entries.
 */
import { createReadStream, statSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { createInterface } from 'node:readline'
import type { HistoryEvent, StateInitialEvent } from '../../src/shared/protocol'
import { isClosingLine } from '../../src/shared/session-end'
import { HistoryStore } from '../../src/renderer/src/lib/model/store'
import { random } from '../lib/random'
import { collect, serveRequests, timeCalls, type Request, type Timings } from './protocol'

/** What the window's model costs on a whole session; the timings are `stateAt(i)` for random entries. */
export interface ModelFigures extends Timings {
  fileBytes: number
  /** Entries the store holds, the base included, and their seqs. */
  entries: number
  baseSeq: number
  lastSeq: number
  /** Parsing and ingesting every line, ms (reading the file included). */
  ingestMs: number
  /** The process's JS heap after a full GC, holding the store, bytes. */
  heapUsed: number
}

async function load(file: string): Promise<{ store: HistoryStore; ingestMs: number }> {
  const store = new HistoryStore()
  const t0 = performance.now()
  let n = 0
  for await (const line of createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity })) {
    // Line 1 is the session file's header, not an event.
    if (n++ === 0 || line === '') continue
    const event = JSON.parse(line) as HistoryEvent
    // The closing line (the count and digest of the events) is not an event either.
    if (isClosingLine(event)) continue
    if (store.length === 0) store.reset(event as StateInitialEvent, line)
    else store.ingest(event, line)
  }
  return { store, ingestMs: performance.now() - t0 }
}

async function measure(request: Extract<Request, { t: 'renderer-model' }>): Promise<ModelFigures> {
  const { store, ingestMs } = await load(request.file)
  collect()
  const heapUsed = process.memoryUsage().heapUsed
  const next = random(request.seed)
  const timings = timeCalls(request.samples, request.budgetMs, () => store.stateAt(Math.floor(next() * store.length)))
  return {
    fileBytes: statSync(request.file).size,
    entries: store.length,
    baseSeq: store.baseSeq,
    lastSeq: store.lastSeq,
    ingestMs,
    heapUsed,
    ...timings
  }
}

serveRequests(async (request: Request) => {
  switch (request.t) {
    case 'renderer-model':
      return measure(request)
    case 'gc':
      collect()
      return null
    case 'close':
      return null
    default:
      throw new Error(`the renderer-model child does not answer ${request.t}`)
  }
})
process.send?.({ t: 'ready', origin: '', token: '' })
