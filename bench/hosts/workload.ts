/**
 * The workload alone, in a child process of its own with nothing listening to its bus: what the
 * runtime itself costs for a given run, to be told apart from what the host that records it costs.
 */
import { createAgent, STEP_ACTION } from '../workloads/agent.mjs'
import { collect, serveRequests, type Request } from './protocol'

serveRequests((request: Request) => {
  switch (request.t) {
    case 'workload': {
      const agent = createAgent(request.options)
      // The same warm-up as the host's run, unmeasured: the measured steps are the same steps.
      for (let done = 0; done < request.warmup;) {
        const n = Math.min(request.burst, request.warmup - done)
        agent.dispatch({ type: STEP_ACTION, payload: { steps: n } })
        done += n
      }
      collect()
      const c0 = process.cpuUsage()
      for (let done = 0; done < request.steps;) {
        const n = Math.min(request.burst, request.steps - done)
        agent.dispatch({ type: STEP_ACTION, payload: { steps: n } })
        done += n
      }
      const c = process.cpuUsage(c0)
      return { cpuUs: c.user + c.system, changes: agent.changes }
    }
    case 'gc':
      collect()
      return null
    case 'close':
      return null
    default:
      throw new Error(`the workload child does not answer ${request.t}`)
  }
})
process.send?.({ t: 'ready', origin: '', token: '' })
