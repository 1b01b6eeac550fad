/**
 * Where a recorded change's CPU goes, counted in one thread with the host's own parts run in
 * process (no worker, no sockets): the diff (`Snapshot.update`, under the policy the recorder uses
 * for the shape), the recorder's copy and its verification (each change applied to the copy, and
 * the whole state verified by the recorder's rule for a burst, the diff's time taken for the recording's; none
 * for a runtime declaring `immutable: true`), the cause's encoding (once per batch, as the worker
 * does), the entry's JSON (`updateBody`, as the recorder builds it), a structured clone of the
 * batch (the message to the main thread), and `History.append`, with the checkpoint each full
 * segment takes apart; and the journal (issue 16) writing those entries to disk, in process CPU time
 * (its writes and syncs run in the I/O pool).
 * The sum is less than the host's figure: the SSE fan-out, the HTTP actions and the main thread's
 * side of the message are not in it.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads'
import { encode } from '../../src/host/recorder/encode'
import { BATCH_ENTRIES } from '../../src/host/runtime/outbox'
import { History } from '../../src/host/recorder/history'
import { Journal } from '../../src/host/journal/journal'
import { BatchWriter, updateBody } from '../../src/host/recorder/entry'
import { RecordedCopy } from '../../src/host/recorder/recorded-copy'
import { verifySlice } from '../../src/host/recorder/verify'
import { BURST_VERIFY_EVERY, VERIFY_SHARE } from '../../src/host/recorder/recorder'
import { SEGMENT_ENTRIES } from '../../src/host/recorder/segment'
import { Snapshot } from '../../src/host/recorder/snapshot'
import type { Json, Slices } from '../../src/shared/protocol'
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
  /** The recorder's copy and verification (0 for a runtime declaring `immutable: true`). */
  verify: number
  cause: number
  serialize: number
  clone: number
  append: number
  /** `History.append` calls that closed a segment (replaying it for the next checkpoint), spread over every change. */
  checkpoint: number
  /**
   * The journal: its flushes (the lines copied out of the history, the digest, the write and the sync), one for
   * every `JOURNAL_FLUSH_CHANGES` changes, in CPU time of every thread (absent from results written before it).
   */
  journal?: number
}

/**
 * Changes a journal's flush takes at once here: about what its timer finds every 500 ms in the steady phase's
 * host (30,000–40,000 changes a second), so that a write and a sync are spread over as many changes as there.
 */
const JOURNAL_FLUSH_CHANGES = 15_000

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
export async function components(shape: Shape, startStep: number, steps: number, chunk = 500): Promise<Components> {
  const agent = createAgent({ ...shapeOptions(shape), startStep })
  // Every shape is diffed trusting references: verified by default, never when declared immutable.
  const snapshot = new Snapshot({ policy: 'trust' })
  const verifies = agent.immutable !== true
  const base = snapshot.reset(agent.getState() as unknown as Record<string, unknown>) as Slices
  const history = new History({ base })
  const copy = new RecordedCopy()
  copy.reset(JSON.parse(JSON.stringify(base)) as Slices)
  const { port1, port2 } = new MessageChannel()
  const us = { workload: 0, diff: 0, verify: 0, cause: 0, serialize: 0, clone: 0, append: 0, checkpoint: 0, journal: 0 }
  // As the host keeps it by default, into a temporary folder; flushed here rather than by its timer.
  const dir = mkdtempSync(join(tmpdir(), 'patchscope-bench-components-'))
  const runtime = { path: null, name: 'agent', status: 'loaded' } as const
  const journal = await Journal.open({ dir, history, runtime: () => runtime, flushMs: 3_600_000 })
  let unflushed = 0
  let collected: Change[] = []
  agent.bus.on('state-changed', (e: Change) => void collected.push(e))
  let changes = 0
  let sinceChanges = 0
  let lastVerifyUs = 0
  /** Verifies the whole state, as the recorder does (and once at the start, as it does when it is reset). */
  const verifyAll = (): void => {
    const v0 = cpu()
    const state = agent.getState() as unknown as Record<string, unknown>
    for (const slice of Object.keys(state)) {
      if (verifySlice(copy.get(slice) as Json, state[slice]) !== undefined) throw new Error(`verification found ${slice} changed in place`)
    }
    lastVerifyUs = cpu() - v0
    sinceChanges = 0
    recordingUs = 0
  }
  /** The diff's time since the last verification: the recording, as the recorder estimates it. */
  let recordingUs = 0
  const flush = async (measure: boolean): Promise<void> => {
    const j0 = cpu()
    await journal.flush()
    if (measure) us.journal += cpu() - j0
    unflushed = 0
  }
  const pass = async (measure: boolean): Promise<void> => {
    for (let done = 0; done < steps; done += chunk) {
      collected = []
      let t = cpu()
      agent.dispatch({ type: STEP_ACTION, payload: { steps: Math.min(chunk, steps - done) } })
      const lap = (part: keyof typeof us): void => {
        const now = cpu()
        if (measure) us[part] += now - t
        if (part === 'diff') recordingUs += now - t
        t = now
      }
      lap('workload')
      const diffs = collected.map((e) => snapshot.update(e.slice, e.after))
      lap('diff')
      if (verifies) {
        for (let i = 0; i < collected.length; i++) {
          const d = diffs[i]
          if (d !== undefined && !copy.apply((collected[i] as Change).slice, d)) throw new Error('a trusted diff did not apply to the copy')
        }
        // Verified as the recorder verifies in a burst: after at least BURST_VERIFY_EVERY changes, and
        // once ten times as long as the last verification took was spent recording.
        sinceChanges += collected.length
        if (sinceChanges >= BURST_VERIFY_EVERY && recordingUs * VERIFY_SHARE >= lastVerifyUs) verifyAll()
      }
      lap('verify')
      // As the worker does: the cause's JSON once per batch (one action causes every change of a chunk).
      const causes: string[] = []
      for (let i = 0; i < collected.length; i++) {
        const a = (collected[i] as Change).causingAction
        causes.push(i % BATCH_ENTRIES === 0 ? JSON.stringify({ type: a.type, payload: encode(a.payload) }) : (causes[i - 1] as string))
      }
      lap('cause')
      // And each body as the recorder builds it, with where its change is.
      const writer = new BatchWriter()
      const spans = collected.map((e, i) => {
        const d = diffs[i]
        if (d === undefined || 'removed' in d)
          throw new Error(`a change of ${e.slice} changed nothing: the workload changes something every time`)
        const { body, span } = updateBody(e.slice, d, causes[i] as string, Date.now())
        writer.entry('state.update', e.slice, body, span)
        return { body, span }
      })
      lap('serialize')
      port1.postMessage(writer.take())
      receiveMessageOnPort(port2)
      lap('clone')
      let checkpoint = 0
      for (let i = 0; i < spans.length; i++) {
        const closing = history.lastSeq % SEGMENT_ENTRIES === 0
        const c0 = closing ? cpu() : 0
        history.append('state.update', (collected[i] as Change).slice, (spans[i] as { body: string }).body, spans[i]?.span)
        if (closing) checkpoint += cpu() - c0
      }
      lap('append')
      if (measure) {
        us.append -= checkpoint
        us.checkpoint += checkpoint
        changes += collected.length
      }
      unflushed += collected.length
      if (unflushed >= JOURNAL_FLUSH_CHANGES) await flush(measure)
    }
    await flush(measure)
  }
  if (verifies) verifyAll()
  try {
    await pass(false)
    await pass(true)
  } finally {
    port1.close()
    await journal.close()
    rmSync(dir, { recursive: true, force: true })
  }
  const per = (v: number): number => v / changes
  return {
    shape,
    startStep,
    messages: agent.getState().conversation.messages.length,
    changes,
    workload: per(us.workload),
    diff: per(us.diff),
    verify: per(us.verify),
    cause: per(us.cause),
    serialize: per(us.serialize),
    clone: per(us.clone),
    append: per(us.append),
    checkpoint: per(us.checkpoint),
    journal: per(us.journal)
  }
}
