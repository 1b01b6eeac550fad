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
import { HistoryStore } from '../../src/renderer/src/lib/model/store'
import { percentile } from '../lib/stats'
import { random } from '../lib/random'
import { collect, serveRequests, type Request } from './protocol'

/** What the window's model costs on a whole session. */
export interface ModelFigures {
  fileBytes: number
  /** Entries the store holds, the base included, and their seqs. */
  entries: number
  baseSeq: number
  lastSeq: number
  /** Parsing and ingesting every line, ms (reading the file included). */
  ingestMs: number
  /** The process's JS heap after a full GC, holding the store, bytes. */
  heapUsed: number
  /** `stateAt(i)` for random entries: wall time, and process CPU time, ms. */
  samples: number
  p50: number
  p99: number
  max: number
  cpuP50: number
  cpuP99: number
}

async function load(file: string): Promise<{ store: HistoryStore; ingestMs: number }> {
  const store = new HistoryStore()
  const t0 = performance.now()
  let n = 0
  for await (const line of createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity })) {
    // Line 1 is the session file's header, not an event.
    if (n++ === 0 || line === '') continue
    const event = JSON.parse(line) as HistoryEvent
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
  const times: number[] = []
  const cpu: number[] = []
  const deadline = performance.now() + request.budgetMs
  for (let i = 0; i < request.samples && performance.now() < deadline; i++) {
    const index = Math.floor(next() * store.length)
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    store.stateAt(index)
    times.push(performance.now() - t0)
    const c = process.cpuUsage(c0)
    cpu.push((c.user + c.system) / 1000)
  }
  return {
    fileBytes: statSync(request.file).size,
    entries: store.length,
    baseSeq: store.baseSeq,
    lastSeq: store.lastSeq,
    ingestMs,
    heapUsed,
    samples: times.length,
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    max: Math.max(...times),
    cpuP50: percentile(cpu, 50),
    cpuP99: percentile(cpu, 99)
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
