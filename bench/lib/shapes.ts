/**
 * The workload's three shapes. The same immutable updates, recorded three ways: frozen as Immer and
 * Redux Toolkit leave them (the recorder skips deeply frozen subtrees it has seen); unfrozen with
 * the handle declaring `immutable: true` (the recorder trusts every unchanged reference); and
 * unfrozen, undeclared (the recorder compares everything). The baselines see only the first.
 */

export type Shape = 'frozen' | 'immutable' | 'unfrozen'

/** The shapes a budget is claimed for, in the order the table shows them. */
export const BUDGET_SHAPES: readonly Shape[] = ['frozen', 'immutable']

/** The workload's options for a shape. */
export function shapeOptions(shape: Shape): { freeze: boolean; immutable: boolean } {
  return { freeze: shape === 'frozen', immutable: shape === 'immutable' }
}

/** The shape of a workload's options (`immutable` is absent from results written before it existed). */
export function shapeOf(options: { freeze: boolean; immutable?: boolean }): Shape {
  if (options.freeze) return 'frozen'
  return options.immutable === true ? 'immutable' : 'unfrozen'
}

/** How the tables name a shape. */
export const SHAPE_NAME: Record<Shape, string> = {
  frozen: 'frozen (as Immer leaves it)',
  immutable: 'unfrozen, declared `immutable: true`',
  unfrozen: 'unfrozen, undeclared'
}

/** The short tag in a configuration's label; the frozen shape, the default, has none. */
export const SHAPE_TAG: Record<Shape, string> = { frozen: '', immutable: ' (unfrozen, immutable: true)', unfrozen: ' (unfrozen)' }
