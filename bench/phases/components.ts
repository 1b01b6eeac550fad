/**
 * Where a recorded change's CPU goes, counted in one thread with the host's own parts run in
 * process (no worker, no sockets): the diff (`Snapshot.update`), the cause's encoding (once per
 * batch, as the worker does), the entry's JSON (built as the worker builds it), a structured clone of it (the batch message to
 * the main thread), and `History.append`, with the checkpoint each full segment takes apart.
 * The sum is less than the host's figure: the SSE fan-out, the HTTP actions and the main thread's
 * side of the message are not in it.
 */
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads'
import { encode } from '../../src/host/recorder/encode'
import { BATCH_ENTRIES } from '../../src/host/runtime/outbox'
import { History } from '../../src/host/recorder/history'
import { CHANGE_PATCHES, CHANGE_VALUE, type ChangeSpan } from '../../src/host/recorder/entry'
import { SEGMENT_ENTRIES } from '../../src/host/recorder/segment'
import { Snapshot } from '../../src/host/recorder/snapshot'
import type { Slices } from '../../src/shared/protocol'
import { shapeOptions, type Shape } from '../lib/shapes'
import { createAgent, STEP_ACTION } from '../workloads/agent.mjs'

export interface Components {
  shape: Shape
  startStep: number
  messages: number
  changes: number
  /** Mean CPU µs per change of each part (garbage collection falls in the part that caused it). */
  workload: number
  diff: number
  cause: number
  serialize: number
  clone: number
  append: number
  /** `History.append` calls that closed a segment (replaying it for the next checkpoint), spread over every change. */
  checkpoint: number
}

interface Change {
  slice: string
  after: unknown
  causingAction: { type: string; payload?: unknown }
}

/** CPU time of the current process, µs. */
function cpu(): number {
  const c = process.cpuUsage()
  return c.user + c.system
}

/**
 * Runs the workload in chunks of `chunk` steps; each chunk's changes go through each part in turn,
 * timed in CPU time over the whole chunk (so that the figures do not count waiting for a core).
 */
export function components(shape: Shape, startStep: number, steps: number, chunk = 500): Components {
  const agent = createAgent({ ...shapeOptions(shape), startStep })
  const snapshot = new Snapshot({ policy: agent.immutable === true ? 'trust' : 'full' })
  const history = new History({ base: snapshot.reset(agent.getState() as unknown as Record<string, unknown>) as Slices })
  const { port1, port2 } = new MessageChannel()
  const us = { workload: 0, diff: 0, cause: 0, serialize: 0, clone: 0, append: 0, checkpoint: 0 }
  let collected: Change[] = []
  agent.bus.on('state-changed', (e: Change) => void collected.push(e))
  let changes = 0
  const pass = (measure: boolean): void => {
    for (let done = 0; done < steps; done += chunk) {
      collected = []
      let t = cpu()
      agent.dispatch({ type: STEP_ACTION, payload: { steps: Math.min(chunk, steps - done) } })
      const lap = (part: keyof typeof us): void => {
        const now = cpu()
        if (measure) us[part] += now - t
        t = now
      }
      lap('workload')
      const diffs = collected.map((e) => snapshot.update(e.slice, e.after))
      lap('diff')
      // As the worker does: the cause's JSON once per batch (one action causes every change of a chunk).
      const causes: string[] = []
      for (let i = 0; i < collected.length; i++) {
        const a = (collected[i] as Change).causingAction
        causes.push(i % BATCH_ENTRIES === 0 ? JSON.stringify({ type: a.type, payload: encode(a.payload) }) : (causes[i - 1] as string))
      }
      lap('cause')
      // And each body by concatenation, with where its change is, as the worker builds it.
      const spans: ChangeSpan[] = []
      const bodies = collected.map((e, i) => {
        const d = diffs[i]
        if (d === undefined || 'removed' in d)
          throw new Error(`a change of ${e.slice} changed nothing: the workload changes something every time`)
        const head = `"slice":${JSON.stringify(e.slice)},`
        const key = 'patches' in d ? '"patches":' : '"value":'
        const json = JSON.stringify('patches' in d ? d.patches : d.value)
        spans.push({
          kind: 'patches' in d ? CHANGE_PATCHES : CHANGE_VALUE,
          from: head.length + key.length,
          to: head.length + key.length + json.length
        })
        return `${head}${key}${json},"cause":${causes[i] as string},"timestamp":${Date.now()}}`
      })
      lap('serialize')
      const spanNumbers = spans.flatMap((s) => [s.kind, s.from, s.to])
      port1.postMessage({ t: 'entries', types: bodies.map(() => 'state.update'), slices: collected.map((e) => e.slice), bodies, changes: spanNumbers })
      receiveMessageOnPort(port2)
      lap('clone')
      let checkpoint = 0
      for (let i = 0; i < bodies.length; i++) {
        const closing = history.lastSeq % SEGMENT_ENTRIES === 0
        const c0 = closing ? cpu() : 0
        history.append('state.update', (collected[i] as Change).slice, bodies[i] as string, spans[i])
        if (closing) checkpoint += cpu() - c0
      }
      lap('append')
      if (measure) {
        us.append -= checkpoint
        us.checkpoint += checkpoint
        changes += collected.length
      }
    }
  }
  pass(false)
  pass(true)
  port1.close()
  const per = (v: number): number => v / changes
  return {
    shape,
    startStep,
    messages: agent.getState().conversation.messages.length,
    changes,
    workload: per(us.workload),
    diff: per(us.diff),
    cause: per(us.cause),
    serialize: per(us.serialize),
    clone: per(us.clone),
    append: per(us.append),
    checkpoint: per(us.checkpoint)
  }
}
