/**
 * Executions and their turns, as their `execution.status` entries tell them: status, duration,
 * error, and where in the timeline they start and end.
 */
import type { ExecutionStatusEvent, HistoryEventType } from '../../../../shared/protocol'
import type { Interner } from './columns'

/** Statuses after which an execution or a turn is over. */
const ENDED = new Set(['completed', 'failed', 'cancelled'])

export interface Span {
  id: string
  /** The last status reported. */
  status: string
  error: string | undefined
  /** Index of the first and of the last entry that reported it. */
  first: number
  last: number
  start: number
  end: number
  /** True once it reported completed, failed or cancelled. */
  ended: boolean
}

export interface Execution extends Span {
  turns: Span[]
}

function span(id: string, e: ExecutionStatusEvent, index: number): Span {
  return {
    id,
    status: e.status,
    error: e.error,
    first: index,
    last: index,
    start: e.timestamp,
    end: e.timestamp,
    ended: ENDED.has(e.status)
  }
}

function update(s: Span, e: ExecutionStatusEvent, index: number): void {
  s.status = e.status
  if (e.error !== undefined) s.error = e.error
  s.last = index
  s.end = e.timestamp
  s.ended = ENDED.has(e.status)
}

export class Executions {
  #byId = new Map<string, Execution>()
  #order: Execution[] = []
  /** Turns running now, newest last: the execution's id and the turn's interned id (two executions may both have a "turn-1"). */
  #active: { execution: string; turn: number }[] = []

  /** The turn that started most recently and has not ended, as an interned id, or -1. */
  get activeTurn(): number {
    return this.#active.at(-1)?.turn ?? -1
  }

  /** Every execution, in the order they started. */
  list(): readonly Execution[] {
    return this.#order
  }

  get(id: string): Execution | undefined {
    return this.#byId.get(id)
  }

  clear(): void {
    this.#byId.clear()
    this.#order = []
    this.#active = []
  }

  record(e: ExecutionStatusEvent, index: number, names: Interner): void {
    let x = this.#byId.get(e.executionId)
    if (x === undefined) {
      x = { ...span(e.executionId, e, index), status: e.turnId === undefined ? e.status : 'running', turns: [] }
      if (e.turnId !== undefined) x.ended = false
      this.#byId.set(e.executionId, x)
      this.#order.push(x)
    }
    if (e.turnId === undefined) {
      update(x, e, index)
      if (x.ended) this.#active = this.#active.filter((a) => a.execution !== e.executionId)
      return
    }
    x.last = index
    x.end = e.timestamp
    let turn = x.turns.find((t) => t.id === e.turnId)
    if (turn === undefined) {
      turn = span(e.turnId, e, index)
      x.turns.push(turn)
    } else {
      update(turn, e, index)
    }
    const id = names.id(e.turnId)
    this.#active = this.#active.filter((a) => a.execution !== e.executionId || a.turn !== id)
    if (!turn.ended) this.#active.push({ execution: e.executionId, turn: id })
  }
}

/**
 * The entry a failure leads to: the last state change before the entry at `index` (an update, or
 * the base it started from), so the state it failed in is on screen, not the statuses and events
 * that reported the failure. 0 when there is none.
 */
export function changeBefore(typeAt: (index: number) => HistoryEventType, index: number): number {
  for (let i = index - 1; i > 0; i--) {
    const type = typeAt(i)
    if (type === 'state.update' || type === 'state.initial') return i
  }
  return 0
}
