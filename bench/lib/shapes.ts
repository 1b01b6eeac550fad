/**
 * The workload's shapes, and which row of each figure is the budget's.
 *
 * Budgets count for what users do by default: plain objects replaced immutably, nothing frozen,
 * nothing declared (`unfrozen`, the default). Its row comes first and carries the verdict. A
 * figure met only when the user opts into something is an extra row, never the budget's row:
 * - `frozen`: the same updates frozen as Immer and Redux Toolkit leave them;
 * - `immutable`: unfrozen, with the handle declaring `immutable: true` (the recorder then trusts
 *   every unchanged reference, unverified).
 * Two more runtimes make the same steps by changing their state in place (extra rows too: what
 * finding those changes costs, and whether the recorded history still ends exact):
 * - `in-place`: everything changed in place, reported with `before === after`;
 * - `nested`: each slice's root replaced, a child (the last message) changed in place.
 * And one that is the default with something the user turns off, to tell what it costs:
 * - `unjournaled`: the default's runtime with the host's journal off (`--no-save`); the default
 *   journals every change to disk, as the CLI and the desktop app do.
 */
import type { Mutation } from '../workloads/agent.mjs'

export type Shape = 'unfrozen' | 'unjournaled' | 'frozen' | 'immutable' | 'in-place' | 'nested'

/** The shape every budget is claimed for: the default. */
export const BUDGET_SHAPE: Shape = 'unfrozen'

/** Extra rows the user opts into (a frozen state, a declaration). */
export const OPT_IN_SHAPES: readonly Shape[] = ['frozen', 'immutable']

/**
 * The extra row that tells what journaling costs: the default with the journal off (steady and
 * growth phases only; its difference from the budget's row is the journal's cost per change).
 */
export const UNJOURNALED: Shape = 'unjournaled'

/** Extra rows: runtimes that change their state in place. */
export const MUTATING_SHAPES: readonly Shape[] = ['in-place', 'nested']

/** The shapes updated immutably, which the budget table has every figure for: the budget's first. */
export const TABLE_SHAPES: readonly Shape[] = [BUDGET_SHAPE, ...OPT_IN_SHAPES]

/** Every shape, in the order every table shows them: the budget's first, then the same without its journal. */
export const SHAPES: readonly Shape[] = [BUDGET_SHAPE, UNJOURNALED, ...OPT_IN_SHAPES, ...MUTATING_SHAPES]

/** The shape the baselines record: the budget's, so that "× the seed's" compares like with like. */
export const BASELINE_SHAPE: Shape = BUDGET_SHAPE

export function isBudgetShape(shape: Shape): boolean {
  return shape === BUDGET_SHAPE
}

export function isMutating(shape: Shape): boolean {
  return MUTATING_SHAPES.includes(shape)
}

/** The workload's options for a shape, and `journal: false` when the host keeps no journal. */
export function shapeOptions(shape: Shape): { freeze: boolean; immutable: boolean; mutate?: Mutation; journal?: false } {
  const mutate = shape === 'in-place' || shape === 'nested' ? shape : undefined
  return {
    freeze: shape === 'frozen',
    immutable: shape === 'immutable',
    ...(mutate !== undefined ? { mutate } : {}),
    ...(shape === UNJOURNALED ? { journal: false as const } : {})
  }
}

/**
 * The shape of a workload's options (`immutable`, `mutate` and `journal` are absent from results
 * written before they existed; before the journal, every host ran without one).
 */
export function shapeOf(options: { freeze: boolean; immutable?: boolean; mutate?: Mutation; journal?: boolean }): Shape {
  if (options.journal === false) return UNJOURNALED
  if (options.mutate !== undefined) return options.mutate
  if (options.freeze) return 'frozen'
  return options.immutable === true ? 'immutable' : 'unfrozen'
}

/** How the tables name a shape. */
export const SHAPE_NAME: Record<Shape, string> = {
  unfrozen: 'the default: unfrozen, undeclared (plain objects replaced immutably)',
  unjournaled: 'the default with the journal off (`--no-save`)',
  frozen: 'frozen (as Immer leaves it)',
  immutable: 'unfrozen, declared `immutable: true`',
  'in-place': 'changed in place (`before === after`)',
  nested: 'new root over a child changed in place'
}

/** A shape's short name, in a configuration's label and in column heads. */
export const SHAPE_SHORT: Record<Shape, string> = {
  unfrozen: 'default',
  unjournaled: 'default, no journal',
  frozen: 'frozen',
  immutable: 'unfrozen, immutable: true',
  'in-place': 'in place',
  nested: 'nested in place'
}

/** The short tag in a configuration's label. */
export const SHAPE_TAG: Record<Shape, string> = Object.fromEntries(SHAPES.map((x) => [x, ` (${SHAPE_SHORT[x]})`])) as Record<Shape, string>

/** Which row of a figure a shape's is: the budget's, or an extra (and why). */
export const ROW_KIND: Record<Shape, string> = {
  unfrozen: "**the budget's**",
  unjournaled: 'extra: journal turned off',
  frozen: 'extra: opted in',
  immutable: 'extra: opted in',
  'in-place': 'extra: mutates in place',
  nested: 'extra: mutates in place'
}
