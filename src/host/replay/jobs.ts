/**
 * The host's replays (`POST /replay`, and Reload's offer to replay): one at a time, told to its
 * listeners as it starts, as it goes and as it ends (the `replay` event outside the history), its
 * result kept until the next one.
 */
import type { HistoryEvent } from '../../shared/protocol'
import {
  MAX_REPLAY_EVENTS,
  MAX_REPLAY_STEPS,
  type ReplayNotice,
  type ReplayReport,
  type ReplayResultBody,
  type ReplayStep
} from '../../shared/replay'
import { checkModuleFile } from '../loader/load'
import { replaySession, type ReplayOptions, type ReplayResult } from './run'
import { replayScript } from './script'
import { withoutInputs } from './without'

/** A replay is running already: one at a time. */
export class ReplayBusy extends Error {
  override name = 'ReplayBusy'
}

export interface ReplayJobStart {
  /** The recorded history, from a `state.initial`. */
  events: readonly HistoryEvent[]
  /** An absolute module path. */
  module: string
  source: ReplayNotice['source']
  /** Seqs of input notes to leave out. @default [] */
  without?: readonly number[]
  /** The session file's version, for a session sent with the request. @default 2 */
  version?: number
  runtime?: string | null
}

interface Last {
  notice: ReplayNotice
  report?: ReplayReport
  steps: ReplayStep[]
  stepsMore: number
  history: HistoryEvent[]
  historyMore: number
}

export class ReplayJobs {
  #last: Last | undefined
  #abort: AbortController | undefined
  #count = 0
  readonly #listeners = new Set<(notice: ReplayNotice) => void>()

  /** @param replay runs a replay @default replaySession */
  constructor(private readonly replay: (options: ReplayOptions) => Promise<ReplayResult> = replaySession) {}

  /** Hears of each change of the running replay (started, progress by the percent, ended); returns the unsubscribe function. */
  subscribe(listener: (notice: ReplayNotice) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  #tell(notice: ReplayNotice): void {
    for (const listener of this.#listeners) listener({ ...notice })
  }

  get running(): boolean {
    return this.#abort !== undefined
  }

  /**
   * Starts a replay, once what it needs is checked: the module's file, the inputs to leave out,
   * and the session's script. Resolves when it has started (not when it ends).
   * @throws {ReplayBusy} while another runs
   * @throws {LoadError} when the module is not a file that can be loaded
   * @throws {NotReplayable} when the session cannot be replayed, or `without` names no input
   */
  async start({ events, module, source, without = [], version = 2, runtime = null }: ReplayJobStart): Promise<ReplayNotice> {
    if (this.running) throw new ReplayBusy('a replay is running already: wait for it to end, or cancel it (DELETE /replay)')
    await checkModuleFile(module)
    const played = withoutInputs(events, without)
    const script = replayScript(played, version)
    if (this.running) throw new ReplayBusy('a replay is running already: wait for it to end, or cancel it (DELETE /replay)')
    const abort = new AbortController()
    this.#abort = abort
    const notice: ReplayNotice = {
      id: ++this.#count,
      phase: 'running',
      module,
      source,
      without: [...new Set(without)].sort((a, b) => a - b),
      done: 0,
      total: script.segments.length
    }
    const last: Last = { notice, steps: [], stepsMore: 0, history: [], historyMore: 0 }
    this.#last = last
    this.#tell({ ...notice })
    let percent = 0
    const onProgress = (done: number, total: number): void => {
      Object.assign(notice, { done, total })
      const now = Math.floor((done * 100) / Math.max(total, 1))
      if (now === percent) return
      percent = now
      this.#tell({ ...notice })
    }
    const onStep = (step: ReplayStep): void => {
      if (last.steps.length < MAX_REPLAY_STEPS) last.steps.push(step)
      else last.stepsMore++
    }
    void this.replay({ events: played, module, version, runtime, onProgress, onStep, signal: abort.signal })
      .then(
        ({ report, history }) => {
          last.report = report
          last.history = history.slice(0, MAX_REPLAY_EVENTS)
          last.historyMore = history.length - last.history.length
          Object.assign(notice, { phase: 'done', identical: report.identical, done: notice.total })
        },
        (e: unknown) => {
          if (abort.signal.aborted) Object.assign(notice, { phase: 'cancelled' })
          else Object.assign(notice, { phase: 'failed', error: e instanceof Error ? e.message : String(e) })
          last.steps = []
          last.stepsMore = 0
        }
      )
      .finally(() => {
        this.#abort = undefined
        this.#tell({ ...notice })
      })
    return { ...notice }
  }

  /** Cancels the running replay; false when none runs. */
  cancel(): boolean {
    if (this.#abort === undefined) return false
    this.#abort.abort(new Error('the replay was cancelled'))
    return true
  }

  /** The last replay (running or ended), with its report and what it recorded once it has ended. */
  result(): ReplayResultBody | undefined {
    const last = this.#last
    if (last === undefined) return undefined
    const ended = last.notice.phase !== 'running'
    return {
      ...last.notice,
      ...(last.report !== undefined ? { report: last.report } : {}),
      steps: ended ? last.steps : [],
      stepsMore: ended ? last.stepsMore : 0,
      history: last.history,
      historyMore: last.historyMore
    }
  }

  /** Cancels the running replay, if any (the host is closing). */
  close(): void {
    this.cancel()
  }
}
