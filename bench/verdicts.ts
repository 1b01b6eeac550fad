/**
 * A figure against its budget, in words: met with its margin, or missed by how much. Only the
 * budget's row (the default shape) has the budget's verdict; an extra row's says how its figure
 * stands against the budget, labelled as an extra.
 */
import { ratio } from './lib/report'
import { isBudgetShape, type Shape } from './lib/shapes'

/** A verdict in its row's words: the budget's row's as it is; an extra row's marked as one (never the budget's verdict). */
export function rowVerdict(shape: Shape, verdict: string): string {
  return isBudgetShape(shape) ? verdict : `extra row: ${verdict}`
}

/** At most `budget`: met with its margin, or missed by how much. */
export function atMost(value: number, budget: number, unit: (v: number) => string): string {
  if (!Number.isFinite(value)) return 'not measured'
  if (value <= budget) return `met (${unit(budget - value)} under, ${((1 - value / budget) * 100).toFixed(0)} %)`
  return `**missed** by ${unit(value - budget)} (${(value / budget).toFixed(1)}× the budget)`
}

/** Under `budget` (strictly): met with its margin, or missed by how much. */
export function under(value: number, budget: number, unit: (v: number) => string): string {
  if (!Number.isFinite(value)) return 'not measured'
  if (value < budget) return `met (${unit(budget - value)} under, ${((1 - value / budget) * 100).toFixed(0)} %)`
  return `**missed** by ${unit(value - budget)} (${(value / budget).toFixed(1)}× the budget)`
}

/** At least `budget` times: met or missed, with the factor reached. */
export function atLeastTimes(factor: number, budget: number): string {
  if (!Number.isFinite(factor)) return 'not measured'
  return factor >= budget
    ? `met (${ratio(factor)}, budget ${budget}×)`
    : `**missed**: ${ratio(factor)} of ${budget}× (${((factor / budget) * 100).toFixed(0)} % of it)`
}
