/**
 * The replay script of a history: the inputs it recorded and the effects between them, from its
 * last `state.initial` (the runtime's last load) on. A run that was resumed (Resume from here)
 * began from a state, not a load: it is played as the run it branched from up to the point it was
 * resumed at, then its own inputs and effects (`playedRun`), following a branch of a branch back
 * to the run that was loaded.
 */
import { isEffect, type Effect, type ReplayScript } from '../../shared/effects'
import { noteData, noteOf, type ResumeNote } from '../../shared/notes'
import type { HistoryEvent } from '../../shared/protocol'
import { applyEvent, deepEqual, newEdit } from '../../shared/state'

/** A session that cannot be replayed; the message says why, for a user. */
export class NotReplayable extends Error {
  override name = 'NotReplayable'
}

/** Why a version 1 session file cannot be replayed. */
export const VERSION_1_REASON =
  'it was recorded before Patchscope kept what replay needs (session file version 1): the actions dispatched to the runtime ' +
  'were not told apart from those it dispatched itself, and the clock, randomness, timers and responses it read were not kept. ' +
  'It can be opened and read, not replayed; record the session again to replay it.'

type Initial = HistoryEvent & { type: 'state.initial' }

/** Where the runtime's last run begins: the last `state.initial`. */
export function lastRun(events: readonly HistoryEvent[]): readonly HistoryEvent[] {
  for (let i = events.length - 1; i >= 0; i--) if (events[i]?.type === 'state.initial') return events.slice(i)
  throw new NotReplayable('the session holds no state.initial: it does not begin where a runtime was loaded')
}

/**
 * The script of the runtime's last run in `events` (a resumed branch: with the runs it came from).
 * @param version the session file's version, when the events come from a file
 * @throws {NotReplayable} for a version 1 file, a history without a `state.initial`, an effect this
 *   build cannot read, or a branch that cannot be played from a load (see `playedRun`)
 */
export function replayScript(events: readonly HistoryEvent[], version = 2): ReplayScript {
  if (version < 2) throw new NotReplayable(`This session cannot be replayed: ${VERSION_1_REASON}`)
  return scriptOf(playedRun(events).events)
}

/** The script of a run played from its load (its first event): a segment before the first input, then one an input. */
export function scriptOf(run: readonly HistoryEvent[]): ReplayScript {
  const segments: ReplayScript['segments'] = [{ effects: [] }]
  let current = segments[0] as { effects: Effect[] }
  for (const e of run) {
    const note = noteOf(e)
    if (note?.note === 'input') {
      current = { effects: [] }
      segments.push({ action: note.action, effects: current.effects })
    } else if (note?.note === 'effects') {
      const list: unknown = note.effects
      if (!Array.isArray(list)) throw new NotReplayable(`entry ${e.seq}: an effects note without a list of effects`)
      for (const effect of list as unknown[]) {
        if (!isEffect(effect))
          throw new NotReplayable(`entry ${e.seq}: an effect this Patchscope cannot read: ${JSON.stringify(effect).slice(0, 200)}`)
        current.effects.push(effect)
      }
    }
  }
  return { segments }
}

/** Where a resumed branch begins in a `PlayedRun`. */
export interface BranchPoint {
  /** The branch's reset `state.initial` (the state its runtime went live in) and its resume note, as recorded. */
  initial: Initial
  note: HistoryEvent
  resume: ResumeNote
  /** The index in `PlayedRun.events` of the branch's first own entry (after its reset and note). */
  at: number
  /** Inputs played before the branch point (those of the runs it came from). */
  inputs: number
}

/**
 * A run as a replay plays it: from a load. A loaded run is itself; a resumed branch is the run it
 * branched from (itself played) up to the end of the turn it was resumed at, the values read in the
 * rest of that turn (an effects note numbered as the branch's reset), then the branch's own entries
 * without its reset and note. Seqs are those of the history: each entry is the one recorded.
 */
export interface PlayedRun {
  events: HistoryEvent[]
  branch?: BranchPoint
}

/**
 * The last run of `events`, played from a load.
 * @throws {NotReplayable} when it holds no `state.initial`, or it is a branch that cannot be played
 *   (resumed from a session file, its origin folded away, or timers and requests of a branch recorded
 *   before branches were `numbered`, after it went live)
 */
export function playedRun(events: readonly HistoryEvent[]): PlayedRun {
  for (let i = events.length - 1; i >= 0; i--) {
    if (events[i]?.type !== 'state.initial') continue
    const played = playedFrom(events, i)
    if (played.branch !== undefined) unnumbered(played.events.slice(played.branch.at), played.branch)
    return played
  }
  throw new NotReplayable('the session holds no state.initial: it does not begin where a runtime was loaded')
}

/** The run beginning at `events[start]` (a `state.initial`), up to the next one, played from a load. */
export function playedFrom(events: readonly HistoryEvent[], start: number): PlayedRun {
  let end = start + 1
  while (end < events.length && events[end]?.type !== 'state.initial') end++
  const run = events.slice(start, end)
  const at = run.slice(1, 3).findIndex((e) => noteOf(e)?.note === 'resume') + 1
  if (at === 0) return { events: run }
  const note = run[at] as HistoryEvent
  const resume = noteOf(note) as ResumeNote
  const initial = run[0] as Initial
  const from = `the run at entry ${initial.seq} was resumed from entry ${resume.from}`
  if (resume.session !== undefined)
    throw new NotReplayable(
      `${from} of the session file ${resume.session}, which this history does not hold: open that file and replay or resume ` +
        'from it, or reload the runtime and record again.'
    )
  const first = events[0] as HistoryEvent
  if (resume.from < first.seq)
    throw new NotReplayable(
      `${from}, which was folded into the history's base (--max-entries, --max-mb): the run it branched from is gone, so it ` +
        'cannot be played from the runtime’s load. Reload the runtime and record again.'
    )
  const index = events.findIndex((e) => e.seq === resume.from)
  if (index < 0 || index >= start) throw new NotReplayable(`${from}, which this session does not hold before it`)
  let originStart = index
  while (originStart >= 0 && events[originStart]?.type !== 'state.initial') originStart--
  if (originStart < 0 || (originStart === 0 && first.seq > 0))
    throw new NotReplayable(
      `${from}, whose run's load was folded into the history's base (--max-entries, --max-mb): it cannot be played from the ` +
        'runtime’s load. Reload the runtime and record again.'
    )
  const origin = playedFrom(events, originStart)
  let cut = turnOf(origin, resume.from)
  if (cut.reached !== resume.reached) {
    // The runtime resumed from ran on while the resume replayed, and recorded past the turn's end the
    // resume saw (then the last entry): the branch began there, with nothing of the rest of the turn.
    const upTo = origin.events.findIndex((e) => e.seq === resume.reached)
    if (cut.reached < resume.reached || upTo < 0)
      throw new NotReplayable(
        `${from} and reached entry ${resume.reached}, which is not where that entry's turn ends in this session: its entries ` +
          'are numbered otherwise than in the history the branch was recorded in.'
      )
    cut = { events: origin.events.slice(0, upTo + 1), reached: resume.reached, tail: [] }
  }
  if (resume.identical && !deepEqual(stateAt(events, resume.reached), initial.slices))
    throw new NotReplayable(
      `${from} in the state recorded at entry ${resume.reached}, but that entry of this session holds another state: its ` +
        'entries are numbered otherwise than in the history the branch was recorded in.'
    )
  const played = [...cut.events]
  if (cut.tail.length > 0) played.push(effectsNote(initial.seq, initial.timestamp, cut.tail))
  const inputs = played.filter((e) => noteOf(e)?.note === 'input').length
  const branchAt = played.length
  played.push(...run.filter((e, i) => i !== 0 && i !== at))
  return { events: played, branch: { initial, note, resume, at: branchAt, inputs } }
}

/** A turn's end in a played run: its events up to there, the entry reached, and the values read after it in that turn. */
export interface TurnCut {
  events: HistoryEvent[]
  reached: number
  tail: Effect[]
}

/**
 * The played run up to the end of the turn that recorded `seq` (a runtime's thread stops only
 * between turns): the next input, or the next effects note with a timer firing or a response. At a
 * branch's reset or note, the branch point itself.
 * @throws {NotReplayable} when the branch's part needed holds timers that fired or requests made after it went live,
 *   and its note does not say it was `numbered`
 */
export function turnOf(played: PlayedRun, seq: number): TurnCut {
  const { events, branch } = played
  if (branch !== undefined && (seq === branch.initial.seq || seq === branch.note.seq))
    return { events: events.slice(0, branch.at), reached: branch.note.seq, tail: [] }
  const end = events.findIndex((e) => e.seq > seq && boundary(e) !== undefined)
  const cut =
    end < 0
      ? { events: [...events], reached: (events[events.length - 1] as HistoryEvent).seq, tail: [] }
      : { events: events.slice(0, end), reached: (events[end - 1] as HistoryEvent).seq, tail: boundary(events[end] as HistoryEvent) ?? [] }
  if (branch !== undefined) unnumbered(cut.events.slice(branch.at), branch)
  return cut
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

/**
 * A branch whose note says `numbered` went on numbering its timers and requests from the replay that
 * brought it to its point (src/host/runtime/effects/handover.ts), as a replay through the run it
 * branched from numbers them: it plays. One recorded before numbered them afresh when it went live
 * (those handed over first): which of the replay's its `fire`, `fetch` or `response` names cannot be
 * told from the recording (timers that never fired are not in it). Such a branch is refused, naming the first.
 */
function unnumbered(own: readonly HistoryEvent[], branch: BranchPoint): void {
  if (branch.resume.numbered === true) return
  for (const e of own) {
    const note = noteOf(e)
    if (note?.note !== 'effects' || !Array.isArray(note.effects)) continue
    const effect = note.effects.find((x) => x.k === 'fire' || x.k === 'fetch' || x.k === 'response')
    if (effect === undefined) continue
    const what = effect.k === 'fire' ? `a timer fired (entry ${e.seq})` : `a request was made or answered (entry ${e.seq})`
    throw new NotReplayable(
      `the branch resumed at entry ${branch.initial.seq} from entry ${branch.resume.from} went live, then ${what}: it was recorded ` +
        'by a Patchscope that numbered a branch’s timers and requests afresh when it went live, and which of the replay’s they are ' +
        `cannot be told from the recording. Resume at an entry of the branch before entry ${e.seq} (a branch recorded now is ` +
        'replayed whole), or replay or resume in the run it branched from.'
    )
  }
}

/** An effects note standing for values read in the rest of a turn. */
function effectsNote(seq: number, timestamp: number, effects: Effect[]): HistoryEvent {
  return { type: 'custom-event', seq, timestamp, data: noteData({ note: 'effects', effects }) }
}

/** The state recorded at entry `seq` of `events` (one it holds): its run's `state.initial` with the updates up to it applied. */
function stateAt(events: readonly HistoryEvent[], seq: number): Initial['slices'] {
  const at = events.findIndex((e) => e.seq === seq)
  let start = at
  while (start > 0 && events[start]?.type !== 'state.initial') start--
  const edit = newEdit()
  let state: Initial['slices'] = {}
  for (let i = Math.max(start, 0); i <= at; i++) state = applyEvent(state, events[i] as HistoryEvent, edit)
  return state
}
