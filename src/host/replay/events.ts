/** A history's retained entries as events, from a `state.initial` of its base: what a replay reads. */
import type { HistoryEvent } from '../../shared/protocol'
import type { History } from '../recorder/history'

export function historyEvents(history: History): HistoryEvent[] {
  const view = history.view()
  const out: HistoryEvent[] = [{ type: 'state.initial', seq: view.baseSeq, slices: view.base, timestamp: view.baseTime }]
  for (let seq = view.baseSeq + 1; seq <= view.lastSeq; seq++) out.push(JSON.parse(view.segment(seq).data(seq)) as HistoryEvent)
  return out
}
