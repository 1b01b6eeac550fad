/**
 * Resume from here (issue 14): the script that brings a fresh runtime to an entry of a recorded
 * history. A runtime's thread can only stop between two turns of its event loop, so the point
 * reached is the end of the turn that recorded the entry: the script holds the inputs before it,
 * the effects recorded before it, and the values read after it until the next timer fires or the
 * next response arrives (the rest of that turn). Timers and requests still pending there are
 * handed to real ones when the runtime goes live.
 */
import type { Effect, ReplayScript } from '../../shared/effects'
import { noteOf } from '../../shared/notes'
import type { HistoryEvent } from '../../shared/protocol'
import { NotReplayable, replayScript, VERSION_1_REASON } from './script'

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
 * @throws {NotReplayable} naming why: a version 1 session, an entry not in the history or folded into its base, a run whose load was folded away
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
  const run = events.slice(start)
  const branched = run
    .slice(1, 3)
    .map(noteOf)
    .find((n) => n?.note === 'resume')
  if (branched !== undefined && branched.note === 'resume')
    throw new NotReplayable(
      `entry ${seq} belongs to a run that was itself resumed from entry ${branched.reached}: it cannot be replayed from the runtime's load. ` +
        `Resume at an entry of the run it branched from, or reload the runtime and record again.`
    )
  // The turn's end: the next input, or the next effects note with a timer firing or a response.
  const cut = cutAfter(run, seq)
  const script = replayScript(cut.events, version)
  if (cut.tail.length > 0) (script.segments[script.segments.length - 1] as { effects: Effect[] }).effects.push(...cut.tail)
  return { script, from: seq, reached: cut.reached, inputs: script.segments.length - 1 }
}

/** The run up to the end of the turn that recorded `seq`, and the values read in that turn after its last entry. */
function cutAfter(run: readonly HistoryEvent[], seq: number): { events: HistoryEvent[]; reached: number; tail: Effect[] } {
  const end = run.findIndex((e) => e.seq > seq && boundary(e) !== undefined)
  if (end < 0) return { events: [...run], reached: (run[run.length - 1] as HistoryEvent).seq, tail: [] }
  const stop = run[end] as HistoryEvent
  return { events: run.slice(0, end), reached: (run[end - 1] as HistoryEvent).seq, tail: boundary(stop) ?? [] }
}

/**
 * Where a new turn begins: an input note (no values of it are this turn's), or an effects note with
 * a timer firing or a response (the values read before it are); undefined when `e` is neither.
 */
function boundary(e: HistoryEvent): Effect[] | undefined {
  const note = noteOf(e)
  if (note?.note === 'input') return []
  if (note?.note !== 'effects' || !Array.isArray(note.effects)) return undefined
  const i = note.effects.findIndex((x) => x.k === 'fire' || x.k === 'response')
  return i < 0 ? undefined : note.effects.slice(0, i)
}
