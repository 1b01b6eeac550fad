/** A history's retained entries as events, from a `state.initial` of its base: what a replay reads. */
import type { HistoryEvent, Slices } from '../../shared/protocol'
import type { History } from '../recorder/history'
import type { ImportedSession } from '../recorder/session-file'

export function historyEvents(history: History): HistoryEvent[] {
  const view = history.view()
  const out: HistoryEvent[] = [{ type: 'state.initial', seq: view.baseSeq, slices: view.base, timestamp: view.baseTime }]
  for (let seq = view.baseSeq + 1; seq <= view.lastSeq; seq++) out.push(JSON.parse(view.segment(seq).data(seq)) as HistoryEvent)
  return out
}

/**
 * A session file's own events, imported with `baseSeq: 0`, with the seqs the file gave them (when
 * it numbered them one by one): a resume note's entries name those. The first is its `state.initial`.
 */
export function sessionFileEvents({ history, fileSeqs }: Pick<ImportedSession, 'history' | 'fileSeqs'>): {
  events: HistoryEvent[]
  /** The state right after each of its entries, by the file's seq. */
  stateAt: (seq: number) => Slices
} {
  const offset = fileSeqs.consecutive ? (fileSeqs.first as number) - (history.baseSeq + 1) : 0
  const events = historyEvents(history)
    .slice(1)
    .map((e) => ({ ...e, seq: e.seq + offset }))
  return { events, stateAt: (seq) => history.stateAt(seq - offset) }
}
