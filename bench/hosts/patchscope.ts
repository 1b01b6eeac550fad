/**
 * Patchscope's host in a child process: `Host.create` with the workload, `startServer`, and the
 * bench's requests over IPC. The workload's options reach the runtime's worker thread through
 * PATCHSCOPE_BENCH_WORKLOAD (a worker inherits the environment).
 */
import { fileURLToPath } from 'node:url'
import { Host, startServer, type HistoryLimits } from '../../src/host/index'
import { collect, serveRequests, timeCalls, usage, type Request, type TimeTravel, type Usage } from './protocol'
import { random } from '../lib/random'

const workload = fileURLToPath(new URL('../workloads/agent.mjs', import.meta.url))
const limits = process.env.PATCHSCOPE_BENCH_LIMITS ? (JSON.parse(process.env.PATCHSCOPE_BENCH_LIMITS) as Partial<HistoryLimits>) : undefined

const { host, error } = await Host.create({ runtime: workload, ...(limits ? { limits } : {}), log: (text) => process.stderr.write(text) })
if (error !== undefined) {
  process.send?.({ t: 'failed', error })
  process.exit(1)
}
const server = await startServer({ host, rendererDir: null })

function hostUsage(): Usage {
  const h = host.history
  return { ...usage(), entries: h.size, historyBytes: h.bytes, lastSeq: h.lastSeq, baseSeq: h.baseSeq }
}

/** `History.stateAt` for random retained entries; at most `budgetMs` in all. */
function timeTravel(samples: number, seed: number, budgetMs: number): TimeTravel {
  const h = host.history
  const next = random(seed)
  const { baseSeq, lastSeq } = h
  const timings = timeCalls(samples, budgetMs, () => h.stateAt(baseSeq + 1 + Math.floor(next() * (lastSeq - baseSeq))))
  return { ...timings, baseSeq, lastSeq }
}

serveRequests(async (request: Request) => {
  switch (request.t) {
    case 'usage':
      return hostUsage()
    case 'gc':
      collect()
      return null
    case 'time-travel':
      return timeTravel(request.samples, request.seed, request.budgetMs)
    case 'close':
      await server.close()
      await host.close()
      return null
  }
})
process.send?.({ t: 'ready', origin: server.origin, token: server.token })
