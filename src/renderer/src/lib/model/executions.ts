/**
 * Executions and their turns, as their `execution.status` entries tell them: status, duration,
 * error, and where in the timeline they start and end. They are keyed by the runtime's life as
 * well as by id: a reload, a new runtime or an import (a `state.initial` inside the history) starts
 * a new life, and an execution or a turn of a new life is never merged with one of an earlier
 * life that had the same id (runtimes number their runs afresh: `run-1`, `turn-1`).
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
  /** The runtime's life it ran in: 0 for the first, one more after each reload, new runtime or import. */
  life: number
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
  /** By life, then id. */
  #byId = new Map<string, Execution>()
  #order: Execution[] = []
  /** The index of the entry that began each life (the first at the history's start). */
  #lifeStarts: number[] = [0]
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

  /** The runtime's life now (0 until the first reload, new runtime or import). */
  get life(): number {
    return this.#lifeStarts.length - 1
  }

  /** The index of the entry that began `life` (its `state.initial`; 0 for the first). */
  lifeStart(life: number): number {
    return this.#lifeStarts[life] ?? 0
  }

  /** The execution of that id in `life` (the current one unless given). */
  get(id: string, life = this.life): Execution | undefined {
    return this.#byId.get(key(life, id))
  }

  clear(): void {
    this.#byId.clear()
    this.#order = []
    this.#active = []
    this.#lifeStarts = [0]
  }

  /**
   * The runtime started a new life at entry `index` (a reload, a new runtime, an import): what ran
   * before has stopped with it, and ids seen from now on name new executions and turns.
   */
  newLife(index: number): void {
    this.#lifeStarts.push(index)
    this.#active = []
  }

  record(e: ExecutionStatusEvent, index: number, names: Interner): void {
    const life = this.life
    let x = this.#byId.get(key(life, e.executionId))
    if (x === undefined) {
      x = { ...span(e.executionId, e, index), status: e.turnId === undefined ? e.status : 'running', turns: [], life }
      if (e.turnId !== undefined) x.ended = false
      this.#byId.set(key(life, e.executionId), x)
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

function key(life: number, id: string): string {
  return `${life}\u0000${id}`
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
