/**
 * Runs a replay: a new runtime thread (the runtime worker, given a script) loads a fresh copy of
 * the module from disk, is fed the recorded effects and inputs, and records a new history, read
 * here into events; the report compares it with the recorded one.
 */
import { Worker } from 'node:worker_threads'
import { noteData } from '../../shared/notes'
import type { HistoryEvent, Slices } from '../../shared/protocol'
import type { ReplayIssue, ReplayReport } from '../../shared/replay'
import { readBatch } from '../recorder/entry'
import type { DistributiveOmit } from '../recorder/history'
import type { WorkerData, WorkerMessage } from '../runtime/messages'
import { defaultMaxHeapMb, heapLimits } from '../runtime/memory'
import { workerEntry } from '../runtime/runtime-worker'
import { compareHistories, type CompareMeta } from './compare'
import { replayScript } from './script'

/** The module could not be loaded, or its thread ended before the replay did. */
export class ReplayFailed extends Error {
  override name = 'ReplayFailed'
}

export interface ReplayOptions {
  /** The recorded history (a session's events, or the live history's), from a `state.initial`. */
  events: readonly HistoryEvent[]
  /** The runtime module to replay against (a path on disk). */
  module: string
  /** The session file's version, when the events come from one (version 1 cannot be replayed). @default 2 */
  version?: number
  /** The session's runtime, for the report. */
  runtime?: string | null
  /** Hears of each segment (the part of the script an input begins) replayed. */
  onProgress?: (done: number, total: number) => void
  /** Aborting ends the replay's thread; the promise rejects with the signal's reason. */
  signal?: AbortSignal
  /** What the runtime prints. @default ignored */
  log?: (chunk: string) => void
  /** Hears of each row of the two runs side by side (see `CompareMeta.onStep`). */
  onStep?: CompareMeta['onStep']
  /** Megabytes of JS heap the replay's thread is given, as a runtime's (`--max-heap-mb`). @default defaultMaxHeapMb() */
  maxHeapMb?: number
}

export interface ReplayResult {
  report: ReplayReport
  /** The history the replay recorded, numbered from 0 as a session's own. */
  history: HistoryEvent[]
}

/**
 * Replays `events` against `module`.
 * @throws {NotReplayable} when the session cannot be replayed (the reason said)
 * @throws {ReplayFailed} when the module cannot be loaded or its thread ends early
 */
export async function replaySession(options: ReplayOptions): Promise<ReplayResult> {
  const { events, module, version = 2, onProgress, signal, log } = options
  const script = replayScript(events, version)
  signal?.throwIfAborted()
  const history: HistoryEvent[] = []
  const issues: ReplayIssue[] = []
  const { filename, eval: isEval } = workerEntry()
  const data: WorkerData = { path: module, control: new SharedArrayBuffer(4), replay: script }
  const resourceLimits = heapLimits(options.maxHeapMb ?? defaultMaxHeapMb())
  const worker = new Worker(filename, { eval: isEval, workerData: data, stdout: true, stderr: true, resourceLimits })
  worker.stdout.setEncoding('utf8').on('data', (chunk: string) => log?.(chunk))
  worker.stderr.setEncoding('utf8').on('data', (chunk: string) => log?.(chunk))
  const append = (e: DistributiveOmit<HistoryEvent, 'seq'>): void => void history.push({ ...e, seq: history.length } as HistoryEvent)

  await new Promise<void>((resolve, reject) => {
    let settled = false
    const end = (error?: Error): void => {
      if (settled) return
      settled = true
      signal?.removeEventListener('abort', abort)
      void worker.terminate()
      if (error) reject(error)
      else resolve()
    }
    const abort = (): void => end(signal?.reason instanceof Error ? signal.reason : new Error('the replay was cancelled'))
    signal?.addEventListener('abort', abort, { once: true })
    worker.on('error', (e) => end(new ReplayFailed(`the replay's runtime failed: ${e.message}`)))
    worker.on('exit', (code) => end(new ReplayFailed(`the replay's runtime ended before the replay did (exit code ${code})`)))
    worker.on('message', (m: WorkerMessage) => {
      switch (m.t) {
        case 'ready':
          append({ type: 'state.initial', slices: JSON.parse(m.slices) as Slices, timestamp: Date.now() })
          return
        case 'failed':
          return end(new ReplayFailed(m.error))
        case 'entries':
          return readBatch(m, {
            entry: (type, _slice, body) => void history.push(JSON.parse(`{"type":${JSON.stringify(type)},"seq":${history.length},${body}`)),
            verified: () => undefined
          })
        case 'fault':
          append({
            type: 'custom-event',
            data: noteData({
              note: 'runtime-error',
              kind: m.kind,
              message: m.message,
              ...(m.stack !== undefined ? { stack: m.stack } : {})
            }),
            timestamp: Date.now()
          })
          return
        case 'reply':
          // The replay's own dispatches are numbered -input: a refusal is reported, and the replay goes on.
          if (!m.ok && m.id < 0) issues.push({ kind: 'rejected', input: -m.id, message: `the runtime rejected input ${-m.id}: ${m.error}` })
          return
        case 'replay-issue':
          issues.push(m.issue)
          return
        case 'replay-progress':
          onProgress?.(m.done, m.total)
          return
        case 'replay-done':
          return end()
        default:
          return
      }
    })
  })
  issues.sort((a, b) => a.input - b.input)
  const report = compareHistories(events, history, {
    module,
    runtime: options.runtime ?? null,
    issues,
    ...(options.onStep !== undefined ? { onStep: options.onStep } : {})
  })
  return { report, history }
}
