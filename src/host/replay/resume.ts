/**
 * Resume from here (issue 14): the script that brings a fresh runtime to an entry of a recorded
 * history. A runtime's thread can only stop between two turns of its event loop, so the point
 * reached is the end of the turn that recorded the entry: the script holds the inputs before it,
 * the effects recorded before it, and the values read after it until the next timer fires or the
 * next response arrives (the rest of that turn). Timers and requests still pending there are
 * handed to real ones when the runtime goes live. An entry of a resumed branch is reached through
 * the runs it branched from (see `playedRun`).
 */
import type { Effect, ReplayScript } from '../../shared/effects'
import type { HistoryEvent } from '../../shared/protocol'
import { NotReplayable, playedFrom, scriptOf, turnOf, VERSION_1_REASON } from './script'

export interface ResumePlan {
  script: ReplayScript
  /** The entry chosen. */
  from: number
  /** The last entry of its turn: the state the runtime is brought to. */
  reached: number
  /** Inputs the script dispatches. */
  inputs: number
}

/**
 * The plan that resumes `events` at entry `seq`.
 * @param version the session file's version, when the events come from one
 * @throws {NotReplayable} naming why: a version 1 session, an entry not in the history or folded into its base, a run whose load
 *   was folded away, or a branch that cannot be played from a load (see `playedRun`)
 */
export function resumePlan(events: readonly HistoryEvent[], seq: number, version = 2): ResumePlan {
  if (version < 2) throw new NotReplayable(`This session cannot be resumed: ${VERSION_1_REASON}`)
  const first = events[0]
  if (first === undefined) throw new NotReplayable('the history is empty')
  const last = events[events.length - 1] as HistoryEvent
  if (seq < first.seq)
    throw new NotReplayable(
      `entry ${seq} was folded into the history's base (--max-entries, --max-mb): its detail is gone, so the runtime cannot be brought there`
    )
  const at = events.findIndex((e) => e.seq === seq)
  if (at < 0) throw new NotReplayable(`there is no entry ${seq} (the history holds ${first.seq}–${last.seq})`)
  let start = at
  while (start >= 0 && events[start]?.type !== 'state.initial') start--
  if (start < 0) throw new NotReplayable(`entry ${seq} follows no state.initial: it does not belong to a runtime's run`)
  if (start === 0 && first.seq > 0)
    throw new NotReplayable(
      `the start of the run holding entry ${seq} was folded into the history's base (--max-entries, --max-mb): resume replays a run from the runtime's load`
    )
  // The run up to the next load, played from its own (a branch: through the runs it came from).
  const cut = turnOf(playedFrom(events, start), seq)
  const script = scriptOf(cut.events)
  if (cut.tail.length > 0) (script.segments[script.segments.length - 1] as { effects: Effect[] }).effects.push(...cut.tail)
  return { script, from: seq, reached: cut.reached, inputs: script.segments.length - 1 }
}
