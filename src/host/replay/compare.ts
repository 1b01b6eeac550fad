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
import { lastRun, playedRun, type BranchPoint } from './script'

type Initial = HistoryEvent & { type: 'state.initial' }

export interface CompareMeta {
  module: string
  runtime: string | null
  issues: ReplayIssue[]
  /** Hears of each row of the two runs side by side, in order (the `state.initial`s first). */
  onStep?: (step: ReplayStep) => void
}

/**
 * Compares the last run of each history (from its last `state.initial`). A recorded run that was
 * resumed is compared from its reset on: the replay plays the runs it branched from first
 * (`playedRun`), and those entries are how it got there, not compared. The branch's reset and
 * note are matched with the replayed entry the state was reached at, and its state with the one
 * replayed there; inputs are counted from the branch's.
 */
export function compareHistories(
  recordedEvents: readonly HistoryEvent[],
  replayedEvents: readonly HistoryEvent[],
  meta: CompareMeta
): ReplayReport {
  const played = playedRun(recordedEvents)
  const branch = played.branch
  const replayed = lastRun(replayedEvents)
  const a = groups(played.events)
  const b = groups(replayed)
  /** Groups before the one the branch begins in (its inputs start from there). */
  const skip = branch?.inputs ?? 0
  let first: FirstDivergence | undefined
  const counts = new Map<string, ReplayPathCount>()
  const appeared: ReplayEntryRef[] = []
  const vanished: ReplayEntryRef[] = []
  const errors = { appeared: [] as ReplayEntryRef[], vanished: [] as ReplayEntryRef[] }
  const listed = (list: ReplayEntryRef[], ref: ReplayEntryRef): void => void (list.length < MAX_LISTED && list.push(ref))
  const count = (d: ReplayValueDiff[], input: number): void => {
    for (const { path } of d) {
      const c = counts.get(path)
      if (c) c.count++
      else if (counts.size < MAX_LISTED) counts.set(path, { path, count: 1, firstInput: input })
    }
  }

  const initialB = replayed[0] as Initial
  let stateB: Slices = initialB.slices
  /** The replayed entry the comparison starts after: the replay's load, or where it reached a branch's point. */
  let pointB: HistoryEvent = initialB
  let stateA: Slices = {}
  let started = false
  /** Slices known equal on both sides since the last aligned update compared them. */
  const equal = new Set<string>()
  const start = (): void => {
    started = true
    const initialA = branch?.initial ?? (played.events[0] as Initial)
    stateA = initialA.slices
    const diffs: ReplayValueDiff[] = []
    for (const slice of new Set([...Object.keys(stateA), ...Object.keys(stateB)])) {
      const before = diffs.length
      diffValues(stateA[slice], stateB[slice], `/${escapeToken(slice)}`, diffs)
      if (diffs.length === before) equal.add(slice)
    }
    meta.onStep?.(stepOf(0, initialA, pointB, diffs))
    if (branch !== undefined) meta.onStep?.(stepOf(0, branch.note, pointB, []))
    if (diffs.length === 0) return
    first = branch
      ? {
          input: 0,
          recorded: refOf(initialA, 0, `the state the branch resumed from entry ${branch.resume.from} went live in`),
          replayed: refOf(pointB, 0, 'the state the replay reached there'),
          diff: diffs[0] as ReplayValueDiff
        }
      : { input: 0, recorded: refOf(initialA, 0), replayed: refOf(initialB, 0), diff: diffs[0] as ReplayValueDiff }
    count(diffs, 0)
  }
  if (branch === undefined) start()

  for (let group = 0; group < Math.max(a.length, b.length); group++) {
    const input = group - skip
    for (const step of align(a[group] ?? [], b[group] ?? [])) {
      if (!started) {
        // Before the branch's first own entry: how the replay got to the branch point, followed on its side only.
        if (group < skip || step.recorded === undefined || step.recorded.event.seq <= (branch as BranchPoint).initial.seq) {
          if (step.replayed !== undefined) {
            stateB = applyEvent(stateB, step.replayed.event, newEdit())
            pointB = step.replayed.event
          }
          continue
        }
        start()
      }
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
    // A branch with no entry of its own before its first input begins where its group ends.
    if (!started && group >= skip) start()
  }
  if (!started) start()

  const finalDiffs: ReplayValueDiff[] = []
  let more = 0
  for (const slice of new Set([...Object.keys(stateA), ...Object.keys(stateB)]))
    more += diffValues(stateA[slice], stateB[slice], `/${escapeToken(slice)}`, finalDiffs, MAX_LISTED)
  const isInput = (e: HistoryEvent): boolean => noteOf(e)?.note === 'input'
  const entries = (run: readonly HistoryEvent[]): number => run.filter((e) => noteOf(e)?.note !== 'effects').length
  // The replay's entries from the point compared on: its load, or (a branch) the state reached, which stands for the branch's reset and note.
  const fromB = replayed.indexOf(pointB)
  return {
    identical: first === undefined && finalDiffs.length === 0,
    module: meta.module,
    session: {
      runtime: meta.runtime,
      inputs: played.events.slice(branch?.at ?? 0).filter(isInput).length,
      entries: entries(lastRun(recordedEvents))
    },
    replayed: {
      inputs: Math.max(0, replayed.filter(isInput).length - skip),
      entries: entries(replayed.slice(fromB + 1)) + (branch !== undefined ? 2 : 1)
    },
    ...(first !== undefined ? { first } : {}),
    paths: [...counts.values()],
    appeared,
    vanished,
    errors,
    finalState: { diffs: finalDiffs, more },
    issues: branch === undefined ? meta.issues : meta.issues.map((i) => branchIssue(i, skip)),
    ...(branch !== undefined ? { branch: { seq: branch.initial.seq, from: branch.resume.from, inputs: skip } } : {})
  }
}

/** An issue of a branch's replay, its input counted from the branch's; one before the branch point says so. */
function branchIssue(issue: ReplayIssue, skip: number): ReplayIssue {
  if (issue.input >= skip) return { ...issue, input: issue.input - skip }
  const where = issue.input === 0 ? 'before the first input' : `after input ${issue.input}`
  return { ...issue, input: 0, message: `on the way to the branch point (${where} of the ${skip} replayed to get there): ${issue.message}` }
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
