/**
 * The replay script of a history: the inputs it recorded and the effects between them, from its
 * last `state.initial` (the runtime's last load) on.
 */
import { isEffect, type Effect, type ReplayScript } from '../../shared/effects'
import { noteOf } from '../../shared/notes'
import type { HistoryEvent } from '../../shared/protocol'

/** A session that cannot be replayed; the message says why, for a user. */
export class NotReplayable extends Error {
  override name = 'NotReplayable'
}

/** Why a version 1 session file cannot be replayed. */
export const VERSION_1_REASON =
  'it was recorded before Patchscope kept what replay needs (session file version 1): the actions dispatched to the runtime ' +
  'were not told apart from those it dispatched itself, and the clock, randomness, timers and responses it read were not kept. ' +
  'It can be opened and read, not replayed; record the session again to replay it.'

/** Where the runtime's last run begins: the last `state.initial`. */
export function lastRun(events: readonly HistoryEvent[]): readonly HistoryEvent[] {
  for (let i = events.length - 1; i >= 0; i--) if (events[i]?.type === 'state.initial') return events.slice(i)
  throw new NotReplayable('the session holds no state.initial: it does not begin where a runtime was loaded')
}

/**
 * The script of the runtime's last run in `events`.
 * @param version the session file's version, when the events come from a file
 * @throws {NotReplayable} for a version 1 file, a history without a `state.initial`, or an effect this build cannot read
 */
export function replayScript(events: readonly HistoryEvent[], version = 2): ReplayScript {
  if (version < 2) throw new NotReplayable(`This session cannot be replayed: ${VERSION_1_REASON}`)
  const segments: ReplayScript['segments'] = [{ effects: [] }]
  let current = segments[0] as { effects: Effect[] }
  const run = lastRun(events)
  const resumed = run
    .slice(1, 3)
    .map(noteOf)
    .find((n) => n?.note === 'resume')
  if (resumed?.note === 'resume')
    throw new NotReplayable(
      `the runtime's last run was resumed from entry ${resumed.reached}${resumed.session !== undefined ? ` of ${resumed.session}` : ''}, not loaded: ` +
        'replay plays a run from the module’s load. Replay the run it branched from, or reload the runtime and record again.'
    )
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
