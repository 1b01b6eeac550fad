import { readdirSync, readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import type { Shape } from '../lib/shapes'
import type { Mutation } from '../workloads/agent.mjs'
import { percentile } from '../lib/stats'

/**
 * What the bench process and a host it starts in a child process say to each other over IPC.
 * The host runs in its own process so that its CPU and memory are its own: the clients that
 * mirror the state run in the bench process, and their work is not counted as the host's.
 */

/** Sent once by the child when its server listens. */
export interface Ready {
  t: 'ready'
  origin: string
  token: string
}

/** Sent once by the child when it cannot start. */
export interface StartFailed {
  t: 'failed'
  error: string
}

/** CPU and memory of the whole child process (every thread). */
export interface Usage {
  /** User + system CPU time since the process started, in microseconds. */
  cpuUs: number
  rss: number
  /** Peak RSS since the process started, in bytes. */
  maxRss: number
  heapUsed: number
  external: number
  /** CPU time of each thread (by its Linux thread id), µs, at the kernel's tick resolution; empty elsewhere. */
  threads: Record<string, number>
  /** The main thread's id. */
  mainThread: string
  /** Entries the host's history retains (Patchscope only). */
  entries?: number
  /** Bytes of frames the history holds (Patchscope only). */
  historyBytes?: number
  lastSeq?: number
  baseSeq?: number
}

/** Timings of repeated calls, in milliseconds. */
export interface Timings {
  samples: number
  /** Wall time. */
  p50: number
  p99: number
  max: number
  /** Process CPU time over the same calls: what the wall time is without waiting for a core. */
  cpuP50: number
  cpuP99: number
}

/** Times `call(i)` for i from 0, `samples` times or until `budgetMs` have passed, whichever comes first. */
export function timeCalls(samples: number, budgetMs: number, call: (i: number) => void): Timings {
  const times: number[] = []
  const cpu: number[] = []
  const deadline = performance.now() + budgetMs
  for (let i = 0; i < samples && performance.now() < deadline; i++) {
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    call(i)
    times.push(performance.now() - t0)
    const c = process.cpuUsage(c0)
    cpu.push((c.user + c.system) / 1000)
  }
  return {
    samples: times.length,
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    max: Math.max(...times),
    cpuP50: percentile(cpu, 50),
    cpuP99: percentile(cpu, 99)
  }
}

/** Timings of `History.stateAt` for random retained entries, in milliseconds. */
export interface TimeTravel extends Timings {
  baseSeq: number
  lastSeq: number
}

/** Bench → child. */
export type Request =
  | { id: number; t: 'usage' }
  | { id: number; t: 'gc' }
  | { id: number; t: 'time-travel'; samples: number; seed: number; budgetMs: number }
  | {
      id: number
      t: 'workload'
      options: { freeze: boolean; immutable: boolean; mutate?: Mutation; startStep: number }
      warmup: number
      steps: number
      burst: number
    }
  | { id: number; t: 'renderer-model'; file: string; samples: number; seed: number; budgetMs: number }
  | { id: number; t: 'differ'; shape: Shape; startStep: number; steps: number }
  | { id: number; t: 'components'; shape: Shape; startStep: number; steps: number; chunk: number }
  | { id: number; t: 'close' }

/** Child → bench, in answer to a request with the same id. */
export type Reply = { t: 'reply'; id: number; ok: true; value: unknown } | { t: 'reply'; id: number; ok: false; error: string }

export type ChildMessage = Ready | StartFailed | Reply

/** Answers requests from the bench process with `handle`; every child host calls this once. */
export function serveRequests(handle: (request: Request) => Promise<unknown> | unknown): void {
  process.on('message', (raw: unknown) => {
    const request = raw as Request
    void (async () => {
      let reply: Reply
      try {
        reply = { t: 'reply', id: request.id, ok: true, value: await handle(request) }
      } catch (e) {
        reply = { t: 'reply', id: request.id, ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) }
      }
      process.send?.(reply)
      if (request.t === 'close') process.exit(0)
    })()
  })
  // The bench process went away without saying goodbye: end too.
  process.on('disconnect', () => process.exit(0))
}

/** CPU and memory of this process. */
export function usage(): Usage {
  const cpu = process.cpuUsage()
  const mem = process.memoryUsage()
  return {
    cpuUs: cpu.user + cpu.system,
    rss: mem.rss,
    maxRss: process.resourceUsage().maxRSS * 1024,
    heapUsed: mem.heapUsed,
    external: mem.external,
    threads: threadCpu(),
    mainThread: String(process.pid)
  }
}

/** Clock ticks a second in /proc's stat files (USER_HZ, 100 on Linux). */
const TICKS = 100

/** Each thread's user + system CPU from /proc/self/task/<tid>/stat (Linux only). */
function threadCpu(): Record<string, number> {
  const out: Record<string, number> = {}
  let tids: string[]
  try {
    tids = readdirSync('/proc/self/task')
  } catch {
    return out
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')
      // The fields after the command name, which may itself hold spaces and parentheses.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      out[tid] = ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / TICKS
    } catch {
      // The thread ended between the listing and the read: its time is no longer counted anywhere.
    }
  }
  return out
}

/**
 * Where the CPU between two readings went: the main thread, the busiest other thread (in
 * Patchscope's host, the runtime's worker), and every other thread (GC helpers, compiler, I/O).
 */
export function threadSplit(before: Usage, after: Usage): { mainUs: number; busiestUs: number; otherUs: number } {
  const deltas = Object.entries(after.threads).map(([tid, t]) => [tid, t - (before.threads[tid] ?? 0)] as const)
  const main = deltas.find(([tid]) => tid === after.mainThread)?.[1] ?? 0
  const others = deltas.filter(([tid]) => tid !== after.mainThread).map(([, t]) => t)
  const busiest = others.length > 0 ? Math.max(...others) : 0
  const total = others.reduce((a, b) => a + b, 0)
  return { mainUs: main, busiestUs: busiest, otherUs: total - busiest }
}

/** Runs a full garbage collection twice (the bench runs with --expose-gc). */
export function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc === undefined) throw new Error('start the child with --expose-gc')
  gc()
  gc()
}
