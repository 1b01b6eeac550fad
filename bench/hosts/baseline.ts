/**
 * A baseline host in a child process: the workload runs in the process itself (as in the seed),
 * behind one of the baseline routes, on @hono/node-server. PATCHSCOPE_BENCH_BASELINE names the
 * route (`seed` or `full-state`); PATCHSCOPE_BENCH_WORKLOAD gives the workload's options.
 */
import type { Server } from 'node:http'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { createAgent, optionsFromEnv, type AgentAction } from '../workloads/agent.mjs'
import { createEventsRoute } from '../baselines/seed-route'
import { createFullStateRoute } from '../baselines/full-state-route'
import { collect, serveRequests, usage, type Request } from './protocol'

const kind = process.env.PATCHSCOPE_BENCH_BASELINE
const agent = createAgent(optionsFromEnv())
const runtime = { getState: () => agent.getState() as unknown as Record<string, unknown> }
const app = new Hono()
let history: unknown[] | undefined

if (kind === 'seed') {
  app.route('/events', createEventsRoute({ runtime, bus: agent.bus, heartbeatInterval: 15_000, serializer: JSON.stringify }))
} else if (kind === 'full-state') {
  const route = createFullStateRoute({ runtime, bus: agent.bus, heartbeatInterval: 15_000 })
  app.route('/events', route.app)
  history = route.history
} else {
  process.send?.({ t: 'failed', error: `PATCHSCOPE_BENCH_BASELINE must be seed or full-state (got ${String(kind)})` })
  process.exit(1)
}

app.post('/actions', async (c) => {
  const action = (await c.req.json()) as AgentAction
  const { step, changes } = agent.dispatch(action)
  return c.json({ step, changes })
})
app.get('/state', (c) => c.body(JSON.stringify(agent.getState()), 200, { 'content-type': 'application/json' }))

const server = await new Promise<Server>((resolve) => {
  const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server)) as Server
})
const address = server.address()
const port = typeof address === 'object' && address !== null ? address.port : 0

serveRequests(async (request: Request) => {
  switch (request.t) {
    case 'usage':
      return { ...usage(), entries: history?.length }
    case 'gc':
      collect()
      return null
    case 'time-travel':
      throw new Error(`the ${kind} baseline has no time travel to measure`)
    case 'close':
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      return null
  }
})
process.send?.({ t: 'ready', origin: `http://127.0.0.1:${port}`, token: 'baseline-needs-no-token' })
