/**
 * "What changed this field?": the entries that changed a path, a parent or a child of it, each
 * with the value at that path before and after — the question neither Redux DevTools nor
 * Reactotron answers.
 */
import type { Json } from '../../../../shared/protocol'
import { deepEqual, valueAt } from '../../../../shared/state'
import type { HistoryStore } from './store'
import { touches } from './summary'

export interface PathChange {
  index: number
  before: Json | undefined
  after: Json | undefined
}

export interface PathHistory {
  /** Newest first. */
  changes: PathChange[]
  /**
   * How many entries changed the value in all: more than `changes` when cut at the limit (then
   * an upper bound, as entries past the limit are not looked into).
   */
  total: number
}

/**
 * The history of the value at `tokens` (slice name first), up to entry `until`, newest first,
 * at most `limit` of them: the updates after which the value differs from before, and resets.
 */
export function pathHistory(store: HistoryStore, tokens: readonly string[], until = store.length - 1, limit = 200): PathHistory {
  const sliceId = store.names.find(tokens[0] ?? '')
  const hits: number[] = []
  let total = 0
  for (let i = until; i >= 1; i--) {
    const type = store.type(i)
    if (type === 'state.update' ? store.sliceId(i) !== sliceId : type !== 'state.initial') continue
    if (!touches(store.event(i), tokens)) continue
    total++
    if (hits.length < limit) hits.push(i)
  }
  const path = tokens
  const changes: PathChange[] = []
  // Only the entries found can change the value, so each one's "before" is the previous one's "after".
  let before = hits.length > 0 ? valueAt(store.stateAt((hits[hits.length - 1] as number) - 1), path) : undefined
  for (let k = hits.length - 1; k >= 0; k--) {
    const index = hits[k] as number
    const after = valueAt(store.stateAt(index), path)
    // An update that could have changed the value but left it as it was (an insertion elsewhere in
    // the array, a write of the same value) is not a change of it. A reset stays: the history
    // started over there.
    if (store.type(index) === 'state.update' && deepEqual(before, after)) total--
    else changes.push({ index, before, after })
    before = after
  }
  changes.reverse()
  return { changes, total }
}
