/**
 * Patchscope's host in a child process: `Host.create` with the workload, `startJournal` and
 * `startServer` as the CLI calls them, and the bench's requests over IPC. The workload's options
 * reach the runtime's worker thread through PATCHSCOPE_BENCH_WORKLOAD (a worker inherits the
 * environment).
 *
 * The host journals, as the CLI and the desktop app do by default, into a fresh temporary folder
 * (never the user's data folder) that is removed when the child ends; PATCHSCOPE_BENCH_JOURNAL=off
 * runs it without one (`--no-save`), to tell what the journal costs.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Host, startJournal, startServer, type HistoryLimits, type Journal } from '../../src/host/index'
import { collect, serveRequests, timeCalls, usage, type Request, type TimeTravel, type Usage } from './protocol'
import { random } from '../lib/random'

const workload = fileURLToPath(new URL('../workloads/agent.mjs', import.meta.url))
const limits = process.env.PATCHSCOPE_BENCH_LIMITS ? (JSON.parse(process.env.PATCHSCOPE_BENCH_LIMITS) as Partial<HistoryLimits>) : undefined

const { host, error } = await Host.create({ runtime: workload, ...(limits ? { limits } : {}), log: (text) => process.stderr.write(text) })
if (error !== undefined) {
  process.send?.({ t: 'failed', error })
  process.exit(1)
}
const journal = process.env.PATCHSCOPE_BENCH_JOURNAL === 'off' ? undefined : await openJournal()
const server = await startServer({ host, rendererDir: null, journal })

/** The journal, in a temporary folder removed when this process exits (however it ends but SIGKILL). */
async function openJournal(): Promise<Journal> {
  const dir = mkdtempSync(join(tmpdir(), 'patchscope-bench-journal-'))
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }))
  const opened = await startJournal(host, dir, (text) => process.stderr.write(text))
  if (opened === undefined) {
    // Measured without it, the budget's row would not be what users run: fail rather than mislead.
    process.send?.({ t: 'failed', error: `the journal could not be opened in ${dir}` })
    process.exit(1)
  }
  // A journal that cannot keep up or write is said, as the window would say it.
  opened.subscribe((status) => {
    if (status.state === 'failing' || status.state === 'stopped')
      process.stderr.write(`bench host: journal ${status.state}: ${status.error}\n`)
  })
  return opened
}

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
      // In the CLI's order; the journal then writes its closing line.
      await server.close()
      await host.close()
      await journal?.close()
      return null
  }
})
process.send?.({ t: 'ready', origin: server.origin, token: server.token })
