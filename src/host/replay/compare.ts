/**
 * The divergence report: the recorded and the replayed runs aligned input by input (./align.ts),
 * each side's state followed entry by entry, and every difference collected — values after
 * aligned entries, entries on one side only, errors among them, and the final states.
 * Timestamps are never compared.
 */
import type { HistoryEvent, Json, Slices } from '../../shared/protocol'
import {
  MAX_LISTED,
  MAX_STEP_PATHS,
  type FirstDivergence,
  type ReplayEntryRef,
  type ReplayIssue,
  type ReplayPathCount,
  type ReplayReport,
  type ReplayStep,
  type ReplayValueDiff
} from '../../shared/replay'
import { applyEvent, deepEqual, newEdit } from '../../shared/state'
import { escapeToken } from '../../shared/pointer'
import { noteOf } from '../../shared/notes'
import { align, groups, type Item } from './align'
import { diffValues } from './diff'
import { lastRun } from './script'

export interface CompareMeta {
  module: string
  runtime: string | null
  issues: ReplayIssue[]
  /** Hears of each row of the two runs side by side, in order (the `state.initial`s first). */
  onStep?: (step: ReplayStep) => void
}

/** Compares the last run of each history (from its last `state.initial`). */
export function compareHistories(
  recordedEvents: readonly HistoryEvent[],
  replayedEvents: readonly HistoryEvent[],
  meta: CompareMeta
): ReplayReport {
  const recorded = lastRun(recordedEvents)
  const replayed = lastRun(replayedEvents)
  const a = groups(recorded)
  const b = groups(replayed)
  let first: FirstDivergence | undefined
  const counts = new Map<string, ReplayPathCount>()
  const appeared: ReplayEntryRef[] = []
  const vanished: ReplayEntryRef[] = []
  const errors = { appeared: [] as ReplayEntryRef[], vanished: [] as ReplayEntryRef[] }
  const listed = (list: ReplayEntryRef[], ref: ReplayEntryRef): void => void (list.length < MAX_LISTED && list.push(ref))

  const initialA = recorded[0] as HistoryEvent & { type: 'state.initial' }
  const initialB = replayed[0] as HistoryEvent & { type: 'state.initial' }
  let stateA: Slices = initialA.slices
  let stateB: Slices = initialB.slices
  /** Slices known equal on both sides since the last aligned update compared them. */
  const equal = new Set<string>()
  const diffs: ReplayValueDiff[] = []
  for (const slice of new Set([...Object.keys(stateA), ...Object.keys(stateB)])) {
    const before = diffs.length
    diffValues(stateA[slice], stateB[slice], `/${escapeToken(slice)}`, diffs)
    if (diffs.length === before) equal.add(slice)
  }
  const count = (d: ReplayValueDiff[], input: number): void => {
    for (const { path } of d) {
      const c = counts.get(path)
      if (c) c.count++
      else if (counts.size < MAX_LISTED) counts.set(path, { path, count: 1, firstInput: input })
    }
  }
  meta.onStep?.(stepOf(0, initialA, initialB, diffs))
  if (diffs.length > 0) {
    first = { input: 0, recorded: refOf(initialA, 0), replayed: refOf(initialB, 0), diff: diffs[0] as ReplayValueDiff }
    count(diffs, 0)
  }

  for (let input = 0; input < Math.max(a.length, b.length); input++) {
    for (const step of align(a[input] ?? [], b[input] ?? [])) {
      const ea = step.recorded?.event
      const eb = step.replayed?.event
      if (ea !== undefined) stateA = applyEvent(stateA, ea, newEdit())
      if (eb !== undefined) stateB = applyEvent(stateB, eb, newEdit())
      if (step.recorded === undefined || step.replayed === undefined) {
        const item = (step.recorded ?? step.replayed) as Item
        const ref = refOf(item.event, input, item.label)
        if (item.event.type === 'state.update') equal.delete(item.event.slice)
        meta.onStep?.(stepOf(input, ea, eb, [{ path: '' }]))
        listed(step.recorded ? vanished : appeared, ref)
        if (item.error) listed(step.recorded ? errors.vanished : errors.appeared, ref)
        first ??= {
          input,
          ...(step.recorded ? { recorded: ref } : { replayed: ref }),
          ...(ref.slice !== undefined ? { slice: ref.slice } : {}),
          diff: { path: '', ...(step.recorded ? { recorded: summary(item.event) } : { replayed: summary(item.event) }) }
        }
        continue
      }
      const d = differences(step.recorded.event, step.replayed.event, stateA, stateB, equal)
      meta.onStep?.(stepOf(input, ea, eb, d))
      if (d.length === 0) continue
      count(d, input)
      const slice = ea?.type === 'state.update' ? ea.slice : undefined
      first ??= {
        input,
        recorded: refOf(step.recorded.event, input, step.recorded.label),
        replayed: refOf(step.replayed.event, input, step.replayed.label),
        ...(slice !== undefined ? { slice } : {}),
        diff: d[0] as ReplayValueDiff
      }
    }
  }

  const finalDiffs: ReplayValueDiff[] = []
  let more = 0
  for (const slice of new Set([...Object.keys(stateA), ...Object.keys(stateB)]))
    more += diffValues(stateA[slice], stateB[slice], `/${escapeToken(slice)}`, finalDiffs, MAX_LISTED)
  const inputs = (run: readonly HistoryEvent[]): number => run.filter((e) => noteOf(e)?.note === 'input').length
  const entries = (run: readonly HistoryEvent[]): number => run.filter((e) => noteOf(e)?.note !== 'effects').length
  return {
    identical: first === undefined && finalDiffs.length === 0,
    module: meta.module,
    session: { runtime: meta.runtime, inputs: inputs(recorded), entries: entries(recorded) },
    replayed: { inputs: inputs(replayed), entries: entries(replayed) },
    ...(first !== undefined ? { first } : {}),
    paths: [...counts.values()],
    appeared,
    vanished,
    errors,
    finalState: { diffs: finalDiffs, more },
    issues: meta.issues
  }
}

/** What differs between two aligned entries (their keys are equal): the slice after an update, else the entry's own fields. */
function differences(ea: HistoryEvent, eb: HistoryEvent, stateA: Slices, stateB: Slices, equal: Set<string>): ReplayValueDiff[] {
  const out: ReplayValueDiff[] = []
  if (ea.type === 'state.update' && eb.type === 'state.update') {
    const slice = ea.slice
    // Equal before, and the same change: equal after, without walking the slice.
    if (equal.has(slice) && sameChange(ea, eb)) return out
    diffValues(stateA[slice], stateB[slice], `/${escapeToken(slice)}`, out)
    if (out.length === 0) equal.add(slice)
    else equal.delete(slice)
    return out
  }
  if (ea.type === 'execution.status' && eb.type === 'execution.status') {
    if (ea.error !== eb.error) diffValues(ea.error ?? null, eb.error ?? null, 'execution.status/error', out)
    return out
  }
  if (ea.type === 'custom-event' && eb.type === 'custom-event' && !deepEqual(ea.data, eb.data)) {
    diffValues(ea.data, eb.data, 'custom-event', out)
  }
  return out
}

function sameChange(a: HistoryEvent & { type: 'state.update' }, b: HistoryEvent & { type: 'state.update' }): boolean {
  if (a.removed === true || b.removed === true) return a.removed === b.removed
  if (a.patches !== undefined || b.patches !== undefined) return deepEqual(a.patches as Json | undefined, b.patches as Json | undefined)
  return deepEqual(a.value, b.value)
}

function stepOf(input: number, a: HistoryEvent | undefined, b: HistoryEvent | undefined, d: readonly ReplayValueDiff[]): ReplayStep {
  return {
    input,
    ...(a !== undefined ? { recorded: a.seq } : {}),
    ...(b !== undefined ? { replayed: b.seq } : {}),
    paths: d.slice(0, MAX_STEP_PATHS).map((x) => x.path),
    ...(d.length > MAX_STEP_PATHS ? { more: d.length - MAX_STEP_PATHS } : {})
  }
}

function refOf(event: HistoryEvent, input: number, label?: string): ReplayEntryRef {
  return {
    seq: event.seq,
    input,
    type: event.type,
    ...(event.type === 'state.update' ? { slice: event.slice } : {}),
    label: label ?? (event.type === 'state.initial' ? 'the initial state' : event.type)
  }
}

/** An entry on one side only, as its value in the first divergence. */
function summary(event: HistoryEvent): Json {
  const { seq: _seq, timestamp: _timestamp, ...rest } = event
  return rest as unknown as Json
}
