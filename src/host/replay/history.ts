/**
 * A replay of the host's own history: its last run (from the runtime's last load), against a
 * module — by default the runtime's own, read afresh from disk. What `POST /replay` with JSON and
 * Reload's offer to replay both start.
 */
import type { HistoryEvent, RuntimeInfo } from '../../shared/protocol'
import type { History } from '../recorder/history'
import { historyEvents } from './events'
import type { ReplayJobStart } from './jobs'
import { NotReplayable, replayScript } from './script'

/** No module was named and the host has none loaded to replay against. */
export class NoReplayModule extends Error {
  override name = 'NoReplayModule'
}

/** What a replay of the host's history needs from the host. */
export interface HistorySource {
  readonly history: History
  readonly runtimeInfo: RuntimeInfo
  resolvePath(path: string): string
}

export interface HistoryReplayOptions {
  /** A module path (relative to where the host works); empty or absent: the runtime's own. */
  module?: string | undefined
  /** Seqs of input notes to leave out. @default [] */
  without?: readonly number[]
}

/** The module asked for, else the runtime's own. @throws {NoReplayModule} when there is neither */
export function replayModule(host: HistorySource, asked: string | undefined): string {
  if (asked !== undefined && asked.trim() !== '') return host.resolvePath(asked)
  const { path, status } = host.runtimeInfo
  if (path === null || status === 'attached')
    throw new NoReplayModule('no runtime module is loaded to replay against: name one ("module": "path/to/runtime.mjs")')
  return path
}

/**
 * The start of a replay of the host's history.
 * @throws {NoReplayModule} when no module is named and none is loaded
 * @throws {NotReplayable} when the start of the last run was folded into the history's base
 */
export function historyReplay(host: HistorySource, { module, without = [] }: HistoryReplayOptions = {}): ReplayJobStart {
  const events = historyEvents(host.history)
  // The base alone, with entries folded into it past the history's bounds: the run's start is gone.
  if (host.history.baseSeq > 0 && !events.slice(1).some((e) => e.type === 'state.initial'))
    throw new NotReplayable(
      'the start of the runtime’s run was folded into the history’s base (--max-entries, --max-mb): replay needs the run from its load. Reload the runtime and record again.'
    )
  return { events, module: replayModule(host, module), source: 'history', without, runtime: host.runtimeInfo.name }
}

/**
 * How many inputs the last run of `events` holds that a replay would send again: 0 when there is
 * nothing to replay (nothing was dispatched since the load) or the run cannot be replayed.
 */
export function replayableInputs(events: readonly HistoryEvent[]): number {
  try {
    return replayScript(events).segments.length - 1
  } catch (e) {
    if (e instanceof NotReplayable) return 0
    throw e
  }
}
