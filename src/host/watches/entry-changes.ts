/**
 * What a retained entry changed, as the watch matcher reads it: a `state.update` is one slice's
 * change (its patches, or a whole value, or a removal), a `state.initial` (a load, a reload, an
 * import) replaces every slice whole. The slice name and the patches are read from the stored
 * entry alone; the states before and after are asked of the history only when a watch's path is
 * touched (`History.stateAt`, whose states are copy-on-write, as the matcher needs).
 */
import type { HistoryEvent, Json, Operation, Slices } from '../../shared/protocol'
import type { WatchedChange } from '../../shared/watch'
import { CHANGE_PATCHES, CHANGE_VALUE, typeNumber } from '../recorder/entry'
import type { History } from '../recorder/history'

const INITIAL = typeNumber('state.initial')
const UPDATE = typeNumber('state.update')

/** The changes of entry `seq`; none for statuses and custom events. */
export function changesOf(history: History, seq: number, names: SliceNames, wanted: (slice: string) => boolean): WatchedChange[] {
  const seg = history.segment(seq)
  const kind = seg.kind(seq)
  if (kind === UPDATE) {
    const slice = names.of(history, seq)
    if (!wanted(slice)) return []
    let patches: Operation[] | undefined
    const how = seg.changeKind(seq)
    if (how === CHANGE_PATCHES) patches = JSON.parse(seg.changeJson(seq)) as Operation[]
    else if (how !== CHANGE_VALUE) {
      // Where the change is in the entry is not known (a removal, an imported entry): read it whole.
      const event = history.event(seq)
      if (event.type === 'state.update' && event.patches !== undefined) patches = event.patches
    }
    const states = lazyStates(history, seq)
    return [
      {
        slice,
        ...(patches !== undefined ? { patches } : {}),
        before: () => sliceOf(states.before(), slice),
        after: () => sliceOf(states.after(), slice)
      }
    ]
  }
  if (kind !== INITIAL) return []
  const states = lazyStates(history, seq)
  const slices = new Set([...Object.keys(states.before()), ...Object.keys(states.after())])
  return [...slices]
    .filter(wanted)
    .map((slice) => ({ slice, before: () => sliceOf(states.before(), slice), after: () => sliceOf(states.after(), slice) }))
}

/** The states right before and right after entry `seq`, each asked for once, the one before first. */
function lazyStates(history: History, seq: number): { before(): Slices; after(): Slices } {
  let before: Slices | undefined
  let after: Slices | undefined
  return {
    before: () => (before ??= history.stateAt(seq - 1)),
    // Asked after the state before it, the state after is one entry's replay away.
    after: () => {
      before ??= history.stateAt(seq - 1)
      return (after ??= history.stateAt(seq))
    }
  }
}

function sliceOf(state: Slices, slice: string): Json | undefined {
  return Object.hasOwn(state, slice) ? state[slice] : undefined
}

/**
 * The names of the history's slices by the number its entries store: each is read from an entry
 * once. A replaced history numbers its slices anew (`clear`).
 */
export class SliceNames {
  #names = new Map<number, string>()

  of(history: History, seq: number): string {
    const id = history.segment(seq).sliceId(seq)
    let name = this.#names.get(id)
    if (name === undefined) {
      name = (history.event(seq) as Extract<HistoryEvent, { type: 'state.update' }>).slice
      this.#names.set(id, name)
    }
    return name
  }

  clear(): void {
    this.#names.clear()
  }
}
