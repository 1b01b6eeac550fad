/**
 * Aligns two histories input by input: each is cut into groups at its `input` notes (group 0
 * holds what came before the first), and within a group the entries are matched by a longest
 * common subsequence of their keys (type, slice and cause; status and execution; note or kind),
 * so an entry that appeared or vanished leaves the rest matched.
 */
import { noteOf } from '../../shared/notes'
import type { HistoryEvent, Json } from '../../shared/protocol'

/** One entry, with what it is matched by. */
export interface Item {
  event: HistoryEvent
  key: string
  label: string
  /** A failed execution, a runtime error, a dispatch that threw or rejected. */
  error: boolean
}

/** Matched pairs (both set), and entries on one side only, in order. */
export type Step = { recorded?: Item; replayed?: Item }

/** Entries a group may hold on both sides before alignment falls back from LCS to matching in order. */
const LCS_CELLS = 16_000_000

/** The groups of a run (from its `state.initial`, excluded), without input and effects notes. */
export function groups(run: readonly HistoryEvent[]): Item[][] {
  const out: Item[][] = [[]]
  for (const event of run) {
    if (event.type === 'state.initial') continue
    const note = noteOf(event)
    if (note?.note === 'input') out.push([])
    else if (note?.note !== 'effects') (out[out.length - 1] as Item[]).push(itemOf(event))
  }
  return out
}

function itemOf(event: HistoryEvent): Item {
  switch (event.type) {
    case 'state.update':
      return { event, key: `u\u0000${event.slice}\u0000${event.cause.type}`, label: event.cause.type, error: false }
    case 'execution.status':
      return {
        event,
        key: `s\u0000${event.executionId}\u0000${event.turnId ?? ''}\u0000${event.status}`,
        label: `${event.status} ${event.executionId}${event.turnId !== undefined ? ` ${event.turnId}` : ''}`,
        error: event.status === 'failed'
      }
    default: {
      const note = noteOf(event)
      if (note !== undefined) {
        const detail = note.note === 'dispatch' ? `${note.outcome} ${note.cause.type}` : note.note === 'runtime-error' ? note.kind : ''
        return {
          event,
          key: `n\u0000${note.note}\u0000${detail}`,
          label: `${note.note}${detail ? ` (${detail})` : ''}`,
          error: note.note === 'runtime-error' || (note.note === 'dispatch' && note.outcome !== 'no change')
        }
      }
      const data = event.type === 'custom-event' ? event.data : null
      const kind = kindOf(data)
      return { event, key: `c\u0000${kind}`, label: kind === '' ? 'custom-event' : kind, error: false }
    }
  }
}

function kindOf(data: Json): string {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return ''
  const kind = data.kind ?? data.type
  return typeof kind === 'string' ? kind : ''
}

/** The two groups' entries matched in order (LCS of their keys). */
export function align(a: readonly Item[], b: readonly Item[]): Step[] {
  const n = a.length
  const m = b.length
  if (n * m > LCS_CELLS) return alignInOrder(a, b)
  // lengths[i][j]: the LCS of a[i..] and b[j..], row by row.
  const width = m + 1
  const lengths = new Int32Array((n + 1) * width)
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lengths[i * width + j] =
        (a[i] as Item).key === (b[j] as Item).key
          ? (lengths[(i + 1) * width + j + 1] as number) + 1
          : Math.max(lengths[(i + 1) * width + j] as number, lengths[i * width + j + 1] as number)
    }
  }
  const steps: Step[] = []
  let i = 0
  let j = 0
  while (i < n && j < m) {
    if ((a[i] as Item).key === (b[j] as Item).key) steps.push({ recorded: a[i++], replayed: b[j++] })
    else if ((lengths[(i + 1) * width + j] as number) >= (lengths[i * width + j + 1] as number)) steps.push({ recorded: a[i++] })
    else steps.push({ replayed: b[j++] })
  }
  while (i < n) steps.push({ recorded: a[i++] })
  while (j < m) steps.push({ replayed: b[j++] })
  return steps
}

/** Too many entries for LCS: pairs in order while keys match, the rest on one side each. */
function alignInOrder(a: readonly Item[], b: readonly Item[]): Step[] {
  const steps: Step[] = []
  let k = 0
  while (k < a.length && k < b.length && (a[k] as Item).key === (b[k] as Item).key) steps.push({ recorded: a[k], replayed: b[k++] })
  for (let i = k; i < a.length; i++) steps.push({ recorded: a[i] })
  for (let j = k; j < b.length; j++) steps.push({ replayed: b[j] })
  return steps
}
