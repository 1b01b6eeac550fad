/**
 * In-process checks of the differ alone, on the workload's own changes: Patchscope's patches
 * (`Snapshot.update`) against fast-json-patch's `compare`, for effect (both applied with
 * fast-json-patch to the state before must give the state after) and for time; and the cost of
 * a plain scan of 50,000 references, frozen and not, that the differ's budget rests on.
 */
import { isDeepStrictEqual } from 'node:util'
import jsonpatch, { type Operation } from 'fast-json-patch'
import { Snapshot } from '../../src/host/recorder/snapshot'
import { shapeOptions, type Shape } from '../lib/shapes'
import { createAgent, STEP_ACTION } from '../workloads/agent.mjs'

export interface DifferFigures {
  shape: Shape
  messages: number
  changes: number
  /** Mean µs per change of `Snapshot.update` and of fast-json-patch's `compare`. */
  snapshotUs: number
  compareUs: number
  /** Changes whose patches, applied with fast-json-patch, did not give the state after. */
  wrong: number
  /** Changes whose operations are `compare`'s in another order (fast-json-patch walks an object's keys last to first). */
  reordered: number
  /** Changes whose operations differ from `compare`'s in more than their order (not in effect: see `wrong`). */
  differentOps: number
}

/**
 * Runs `steps` steps from `startStep`, diffing every change both ways after a warm-up of the same size.
 * The snapshot trusts references, as the host's recorder does by default (and for a runtime that
 * declares `immutable: true`); the recorder's verification is measured in `components.ts`.
 */
export function differ(shape: Shape, startStep: number, steps: number): DifferFigures {
  const agent = createAgent({ ...shapeOptions(shape), startStep })
  const snapshot = new Snapshot({ policy: 'trust' })
  const state = agent.getState() as unknown as Record<string, unknown>
  snapshot.reset(state)
  const previous = new Map<string, unknown>(Object.entries(state))
  let measuring = false
  let snapshotNs = 0
  let compareNs = 0
  let changes = 0
  let wrong = 0
  let reordered = 0
  let differentOps = 0
  agent.bus.on('state-changed', (e: { slice: string; after: unknown }) => {
    const before = previous.get(e.slice) as object
    const t0 = process.hrtime.bigint()
    const change = snapshot.update(e.slice, e.after)
    const t1 = process.hrtime.bigint()
    const ops = jsonpatch.compare(before, e.after as object)
    const t2 = process.hrtime.bigint()
    previous.set(e.slice, e.after)
    if (!measuring) return
    snapshotNs += Number(t1 - t0)
    compareNs += Number(t2 - t1)
    changes++
    // Checking every change of a 50,000-message state would take minutes: there, every 50th is checked.
    if (startStep > 0 && changes % 50 !== 1) return
    const ours = change !== undefined && 'patches' in change ? (change.patches as Operation[]) : undefined
    if (ours === undefined) {
      wrong++
      return
    }
    const applied = jsonpatch.applyPatch(jsonpatch.deepClone(before), ours, true, false).newDocument
    if (!isDeepStrictEqual(JSON.parse(JSON.stringify(applied)), JSON.parse(JSON.stringify(e.after)))) wrong++
    if (isDeepStrictEqual(ours, ops)) return
    const sorted = (list: readonly Operation[]): string[] => list.map((op) => JSON.stringify(op)).sort()
    if (isDeepStrictEqual(sorted(ours), sorted(ops))) reordered++
    else differentOps++
  })
  agent.dispatch({ type: STEP_ACTION, payload: { steps } })
  measuring = true
  agent.dispatch({ type: STEP_ACTION, payload: { steps } })
  return {
    shape,
    messages: agent.getState().conversation.messages.length,
    changes,
    snapshotUs: snapshotNs / changes / 1000,
    compareUs: compareNs / changes / 1000,
    wrong,
    reordered,
    differentOps
  }
}

export interface ScanFigures {
  elements: number
  /** µs to compare two arrays of `elements` references, element by element. */
  plainUs: number
  frozenUs: number
}

/** A plain reference scan of two arrays, as fresh and as frozen as an immutable update leaves them. */
export function scan(elements: number, rounds: number): ScanFigures {
  return { elements, plainUs: timeScan(elements, rounds, false, scanPlain), frozenUs: timeScan(elements, rounds, true, scanFrozen) }
}

// Two copies of one loop, so that neither sees the other's arrays (V8 specializes each on what it has seen).
function scanPlain(next: readonly object[], prev: readonly object[]): number {
  let changed = 0
  for (let i = 0; i < next.length; i++) if (next[i] !== prev[i]) changed++
  return changed
}

function scanFrozen(next: readonly object[], prev: readonly object[]): number {
  let changed = 0
  for (let i = 0; i < next.length; i++) if (next[i] !== prev[i]) changed++
  return changed
}

function timeScan(elements: number, rounds: number, freeze: boolean, loop: (a: readonly object[], b: readonly object[]) => number): number {
  let prev: readonly object[] = Array.from({ length: elements }, (_, i) => Object.freeze({ i }))
  if (freeze) prev = Object.freeze(prev)
  let total = 0
  let counted = 0
  for (let r = 0; r < rounds; r++) {
    const next = Array.from(prev)
    next[elements - 1] = Object.freeze({ r })
    if (freeze) Object.freeze(next)
    const t0 = process.hrtime.bigint()
    const changed = loop(next, prev)
    const t1 = process.hrtime.bigint()
    if (changed !== 1) throw new Error('the scan found the wrong number of changes')
    if (r >= rounds / 4) {
      total += Number(t1 - t0)
      counted++
    }
    prev = next
  }
  return total / counted / 1000
}
