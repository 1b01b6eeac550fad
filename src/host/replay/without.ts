/**
 * Replay without (Redux DevTools' skip): a history with some of its inputs left out. Each input
 * named loses its `input` note, so it is never dispatched; what was recorded after it (its
 * effects, the timers and responses of the inputs before it) joins the input before it, and the
 * report then shows its entries as vanished there, and whatever moved after it. A runtime whose
 * later inputs created timers in an order the skipped one changed is fed the recorded values as
 * far as they match, and the rest is reported as issues (see `EffectPlayer`).
 */
import { noteOf } from '../../shared/notes'
import type { HistoryEvent } from '../../shared/protocol'
import { lastRun, NotReplayable } from './script'

/**
 * `events` without the input notes whose seqs are in `seqs`.
 * @throws {NotReplayable} naming a seq that is not an input of the last run
 */
export function withoutInputs(events: readonly HistoryEvent[], seqs: readonly number[]): HistoryEvent[] {
  if (seqs.length === 0) return [...events]
  const skip = new Set(seqs)
  const run = lastRun(events)
  const inputs = new Set(run.filter((e) => noteOf(e)?.note === 'input').map((e) => e.seq))
  for (const seq of skip) {
    if (!inputs.has(seq))
      throw new NotReplayable(
        `entry ${seq} is not an input of the runtime's last run: choose inputs (actions dispatched from outside the runtime) after its last load`
      )
  }
  return events.filter((e) => !skip.has(e.seq) || noteOf(e)?.note !== 'input')
}
