/**
 * The bench's flags: `npm run bench -- [--quick] [--runs N] [--only patches,effects,steady,growth,scale,window]
 * [--skip PHASES] [--systems patchscope,seed,full-state] [--shapes unfrozen,unjournaled,frozen,immutable,in-place,nested] [--scale-runs N]
 * [--scale-changes N] [--out FILE] [--json FILE] [--render FILE]`.
 * `--quick` runs every phase at a tenth of its size, once: for building the harness, not for figures.
 * `--shapes default` is `--shapes unfrozen`, the shape every budget is claimed for (see lib/shapes.ts).
 */
import { parseArgs } from 'node:util'
import type { System } from './session'
import { BUDGET_SHAPE, SHAPES, type Shape } from './shapes'

const SYSTEMS: readonly System[] = ['patchscope', 'seed', 'full-state']

export const PHASES = ['patches', 'effects', 'steady', 'growth', 'scale', 'window'] as const
export type Phase = (typeof PHASES)[number]

export interface BenchOptions {
  quick: boolean
  /** Runs of each measurement; the table shows their median. */
  runs: number
  /** Runs of the 1,000,000-change phase (the second one has a client that stops reading). */
  scaleRuns: number
  /** State changes of the scale phase. */
  scaleChanges: number
  phases: Set<Phase>
  /** The hosts measured in the steady and growth phases. */
  systems: Set<System>
  /** The workload's shapes Patchscope is measured with, the budget's first (see lib/shapes.ts). */
  shapes: Set<Shape>
  /** Where the table is written (nothing is written for --quick or --only unless this is given). */
  out: string | undefined
  /** Where the raw results are written as JSON, beside the table. */
  json: string | undefined
  /** Only render the table again from raw results written by an earlier run. */
  render: string | undefined
}

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      runs: { type: 'string' },
      'scale-runs': { type: 'string' },
      'scale-changes': { type: 'string' },
      only: { type: 'string' },
      skip: { type: 'string' },
      systems: { type: 'string' },
      shapes: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'string' },
      render: { type: 'string' }
    },
    strict: true
  })
  const quick = values.quick === true
  const count = (raw: string | undefined, name: string, fallback: number): number => {
    if (raw === undefined) return fallback
    const n = Number(raw)
    if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--${name} must be a whole number of 1 or more (got "${raw}")`)
    return n
  }
  const phaseList = (flag: 'only' | 'skip'): Phase[] | undefined => {
    const list = values[flag]?.split(',').filter((s) => s !== '')
    for (const p of list ?? []) {
      if (!(PHASES as readonly string[]).includes(p)) throw new Error(`--${flag} takes ${PHASES.join(', ')} (got "${p}")`)
    }
    return list as Phase[] | undefined
  }
  const only = phaseList('only')
  const skip = phaseList('skip')
  const systems = values.systems?.split(',').filter((x) => x !== '')
  for (const x of systems ?? []) {
    if (!(SYSTEMS as readonly string[]).includes(x)) throw new Error(`--systems takes ${SYSTEMS.join(', ')} (got "${x}")`)
  }
  const shapes = values.shapes
    ?.split(',')
    .filter((x) => x !== '')
    .map((x) => (x === 'default' ? BUDGET_SHAPE : x))
  for (const x of shapes ?? []) {
    if (!(SHAPES as readonly string[]).includes(x)) throw new Error(`--shapes takes ${SHAPES.join(', ')} or default (got "${x}")`)
  }
  const complete = !quick && only === undefined && skip === undefined && systems === undefined && shapes === undefined
  return {
    quick,
    runs: count(values.runs, 'runs', quick ? 1 : 3),
    scaleRuns: count(values['scale-runs'], 'scale-runs', quick ? 2 : 3),
    scaleChanges: count(values['scale-changes'], 'scale-changes', quick ? 100_000 : 1_000_000),
    phases: new Set((only ?? PHASES).filter((p) => !(skip ?? []).includes(p))),
    systems: new Set((systems ?? SYSTEMS) as System[]),
    // In the tables' order, whatever the order asked for: the budget's shape first.
    shapes: new Set(SHAPES.filter((x) => (shapes ?? SHAPES).includes(x))),
    out: values.out ?? (complete || values.render !== undefined ? 'BENCHMARKS.md' : undefined),
    json: values.json ?? (complete ? 'bench/results.json' : undefined),
    render: values.render
  }
}
