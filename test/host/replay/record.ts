/**
 * Recording sessions for the replay tests: a real host runs a module, the test dispatches, and
 * the history is read as events (or exported as a session file).
 */
import { createServer, type Server } from 'node:http'
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { historyEvents } from '../../../src/host/replay'
import type { HistoryEvent } from '../../../src/shared/protocol'
import { startTestHost, type TestHost } from '../../helpers/host'

export const AGENT = fileURLToPath(new URL('../../../examples/agent.mjs', import.meta.url))
export const FORECAST = fileURLToPath(new URL('../../../examples/forecast-agent.mjs', import.meta.url))

/** Resolves once `check` holds, looking again each time the host records something. */
export function until(h: TestHost, check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (check()) return resolve()
    const stop = h.host.history.subscribe(() => {
      if (!check()) return
      stop()
      resolve()
    })
  })
}

/** Whether the history holds an execution status `status` of `executionId` (a whole execution's, not a turn's). */
export function hasStatus(h: TestHost, executionId: string, status: string): boolean {
  const history = h.host.history
  for (let seq = history.baseSeq + 1; seq <= history.lastSeq; seq++) {
    const e = history.event(seq)
    if (e.type === 'execution.status' && e.executionId === executionId && e.turnId === undefined && e.status === status) return true
  }
  return false
}

/** A session of the agent example: its demo (two executions, the second failing), then one question. */
export async function recordAgent(): Promise<{ events: HistoryEvent[]; file: string }> {
  const h = await startTestHost({ runtime: AGENT })
  try {
    await until(h, () => hasStatus(h, 'exec-2', 'failed'))
    const res = await h.dispatch({ type: 'agent/ask', payload: { prompt: 'What is new in the weather today?' } })
    if (res.status !== 200) throw new Error(`the dispatch answered ${res.status}`)
    return { events: historyEvents(h.host.history), file: await exportTo(h) }
  } finally {
    await h.close()
  }
}

/** Writes the host's history, unredacted, to a session file in a new temporary folder. */
export async function exportTo(h: TestHost): Promise<string> {
  const res = await h.fetch('/history?redact=false')
  if (!res.ok) throw new Error(`GET /history answered ${res.status}`)
  const file = join(await mkdtemp(join(tmpdir(), 'patchscope-replay-')), 'session.ndjson')
  await writeFile(file, await res.text())
  return file
}

/** A weather service on a free port: `GET /weather?city=NAME`. */
export async function weatherService(): Promise<{ url: string; server: Server; requests: string[] }> {
  const requests: string[] = []
  const server = createServer((req, res) => {
    requests.push(req.url ?? '')
    const city = new URL(req.url ?? '/', 'http://x').searchParams.get('city') ?? '?'
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ tempC: city.length + 10, sky: city === 'Oslo' ? 'snow' : 'light rain' }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('the weather service has no port')
  return { url: `http://127.0.0.1:${address.port}/weather`, server, requests }
}

/** A copy of `module` in a new temporary folder with `from` replaced by `to` (which must occur once). */
export async function editedCopy(module: string, from: string, to: string): Promise<string> {
  const source = await readFile(module, 'utf8')
  if (source.split(from).length !== 2) throw new Error(`"${from}" does not occur exactly once in ${module}`)
  const file = join(await mkdtemp(join(tmpdir(), 'patchscope-edited-')), module.split(/[\\/]/).pop() as string)
  await writeFile(file, source.replace(from, to))
  return file
}
