/**
 * `npm run bench`: the benchmark of issue 6. Patchscope's host and two baselines (the seed's
 * route, and the full-state style) record the same workload, each in a child process of its own,
 * while real SSE clients in this process mirror the state; every figure is printed next to its
 * budget and the baselines', and the table is written to BENCHMARKS.md.
 *
 *   npm run bench                      the full run (about a quarter of an hour on 2 cores)
 *   npm run bench -- --quick           small sizes, once: for working on the harness
 *   npm run bench -- --only steady     some phases only (patches, effects, steady, growth, scale, window)
 *   npm run bench -- --skip window     every phase but some
 */
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { parseOptions } from './lib/options'
import { CHANGES_PER_STEP } from './lib/session'
import { load, machine } from './lib/report'
import { Child } from './lib/child'
import type { Components } from './phases/components'
import { scan, type DifferFigures } from './phases/patches'
import { measureAlternately, type Config } from './phases/measure'
import { baselineStalled, gapCheck, scaleRun } from './phases/scale'
import { largeWindow, liveFrames } from './phases/window'
import { measureEffects } from './phases/effects'
import {
  BASELINE_SHAPE,
  BUDGET_SHAPE,
  MUTATING_SHAPES,
  SHAPE_NAME,
  TABLE_SHAPES,
  UNJOURNALED,
  shapeOptions,
  type Shape
} from './lib/shapes'
import { ensureBuilt } from './window/build'
import { chromiumVersion } from './window/browser'
import { summarize, type Results } from './summary'

/** The step the growth phase ends at: the issue's "1,000,000 steps (about 50,000 messages)". */
const GROWTH_END = 1_000_000
/** The window's live figure: entries arriving at this rate (changes a second) for this long. */
const LIVE_RATE = 10_000
const LIVE_SECONDS = 10

const options = parseOptions(process.argv.slice(2))
if (options.render !== undefined) {
  // The table again from an earlier run's raw results, e.g. after changing how it is written.
  const earlier = JSON.parse(readFileSync(options.render, 'utf8')) as Results
  writeFileSync(options.out ?? 'BENCHMARKS.md', summarize(earlier) + '\n')
  process.exit(0)
}
const log = (line: string): void => void process.stderr.write(line + '\n')
// The build is shared with everyone's end-to-end tests: it is made now, before anything is measured, or not at all.
const built = options.phases.has('window') ? ensureBuilt(log) : undefined
const tenth = (n: number): number => (options.quick ? Math.max(1, Math.round(n / 10)) : n)
const started = performance.now()
const results: Results = {
  options,
  commit: commit(),
  machine: machine(),
  loadBefore: load(),
  loadAfter: '',
  date: new Date().toISOString(),
  steady: [],
  growth: [],
  scale: [],
  late: [],
  gap: [],
  baselineStalled: [],
  seconds: 0
}

/** The commit measured, and whether src/ differs from it (other engineers work there meanwhile). */
function commit(): string {
  const git = (...args: string[]): string => execFileSync('git', args, { encoding: 'utf8' }).trim()
  try {
    const dirty = git('status', '--porcelain', '--', 'src')
      .split('\n')
      .filter((l) => l !== '').length
    return `commit ${git('rev-parse', '--short', 'HEAD')}${dirty > 0 ? ` with ${dirty} uncommitted file${dirty > 1 ? 's' : ''} in src/` : ''}`
  } catch {
    return 'an unknown commit (git failed)'
  }
}

/**
 * The shapes of the budget table this run measures, in the table's order: the default, whose row is
 * the budget's, first; then the extra rows the user opts into (frozen, `immutable: true`).
 */
const tableShapes = TABLE_SHAPES.filter((x) => options.shapes.has(x))
/** The runtimes that change their state in place this run measures (extra rows, 1 client, no scale run). */
const mutatingShapes = MUTATING_SHAPES.filter((x) => options.shapes.has(x))

type RunConfig = Omit<Config, 'burst' | 'timeLimitMs' | 'freeze' | 'immutable' | 'mutate' | 'journal'> & { burst?: number }

/**
 * Measures `config` in each of `shapes` this run asks for; with more than one, their runs are taken
 * in turn (see `measureAlternately`), so that their difference is not the load drifting meanwhile.
 */
const runTogether = async (shapes: readonly Shape[], config: RunConfig): Promise<void> => {
  if (!options.systems.has(config.system)) return
  const chosen = config.system === 'patchscope' ? shapes.filter((x) => options.shapes.has(x)) : shapes
  if (chosen.length === 0) return
  const configs = chosen.map((shape) => ({ burst: 1000, timeLimitMs: 180_000, ...shapeOptions(shape), ...config }))
  ;(config.startStep > 0 ? results.growth : results.steady).push(...(await measureAlternately(configs, options.runs, log)))
}
const run = (shape: Shape, config: RunConfig): Promise<void> => runTogether([shape], config)
/** The budget's shape, and with it the same without its journal (what journaling costs is their difference). */
const withJournalOff = (shape: Shape): readonly Shape[] => (shape === BUDGET_SHAPE ? [shape, UNJOURNALED] : [shape])

/** One in-process measurement in a child process of its own (see hosts/in-process.ts). */
async function inChild<T>(
  request:
    | { t: 'differ'; shape: Shape; startStep: number; steps: number }
    | { t: 'components'; shape: Shape; startStep: number; steps: number; chunk: number }
): Promise<T> {
  const child = await Child.start('in-process', {})
  try {
    return (await child.request(request, 900_000)) as T
  } finally {
    await child.close()
  }
}

if (options.phases.has('patches')) {
  log('patches: the differ alone, against fast-json-patch, and a change part by part, each in a process of its own')
  const differAt = (shape: Shape, startStep: number, steps: number) => inChild<DifferFigures>({ t: 'differ', shape, startStep, steps })
  results.differ = []
  // The differ alone takes the state before and after each change: the runtimes that change their state in place have no before.
  for (const x of tableShapes) results.differ.push(await differAt(x, 0, tenth(3000)))
  for (const x of tableShapes) results.differ.push(await differAt(x, GROWTH_END - tenth(300), tenth(300)))
  results.scan = scan(50_000, 200)
  results.components = []
  for (const shape of tableShapes) {
    results.components.push(await inChild<Components>({ t: 'components', shape, startStep: 0, steps: tenth(20_000), chunk: 500 }))
    const late = { t: 'components', shape, startStep: GROWTH_END - tenth(3000), steps: tenth(3000), chunk: 100 } as const
    results.components.push(await inChild<Components>(late))
  }
  for (const c of results.components) log(`  ${JSON.stringify(c)}`)
  for (const d of results.differ) log(`  ${JSON.stringify(d)}`)
  log(`  ${JSON.stringify(results.scan)}`)
}

if (options.phases.has('effects')) {
  log('effects: what recording the clock, randomness and timers costs a call (a process of its own)')
  results.effects = measureEffects(tenth(200_000), options.runs, log)
}

if (options.phases.has('steady')) {
  log('steady: host CPU per change and end-to-end rate, from step 0 (after a warm-up)')
  const steady = { startStep: 0, warmup: tenth(2000), steps: tenth(20_000) }
  for (const clients of [1, 8]) {
    // The budget's row first, then the baselines (recording the same shape), then the extra rows.
    for (const shape of tableShapes) {
      await runTogether(withJournalOff(shape), { system: 'patchscope', clients, ...steady })
      if (shape === BASELINE_SHAPE) await baselinesSteady(clients)
    }
    if (!tableShapes.includes(BUDGET_SHAPE)) await run(UNJOURNALED, { system: 'patchscope', clients, ...steady })
    if (!tableShapes.includes(BASELINE_SHAPE)) await baselinesSteady(clients)
    if (clients === 1) for (const shape of mutatingShapes) await run(shape, { system: 'patchscope', clients, ...steady })
  }
}

/** The baselines' steady runs, in the shape they record. */
async function baselinesSteady(clients: number): Promise<void> {
  await run(BASELINE_SHAPE, { system: 'seed', clients, startStep: 0, warmup: tenth(2000), steps: tenth(20_000) })
  await run(BASELINE_SHAPE, { system: 'full-state', clients, startStep: 0, warmup: tenth(200), steps: tenth(2_000) })
}

if (options.phases.has('growth')) {
  log(`growth: host CPU per change up to step ${GROWTH_END.toLocaleString('en-US')}, the workload started just before it`)
  // The measured steps end at step 1,000,000; the warm-up runs just before them.
  const upTo = (warmup: number, steps: number, burst = 1000) =>
    ({ clients: 1, startStep: GROWTH_END - warmup - steps, warmup, steps, burst }) as const
  const baselines = async (): Promise<void> => {
    await run(BASELINE_SHAPE, { system: 'seed', ...upTo(tenth(100), tenth(300)) })
    await run(BASELINE_SHAPE, { system: 'full-state', ...upTo(3, tenth(30), 10) })
  }
  for (const shape of tableShapes) {
    await runTogether(withJournalOff(shape), { system: 'patchscope', ...upTo(tenth(1000), tenth(3000)) })
    if (shape === BASELINE_SHAPE) await baselines()
  }
  if (!tableShapes.includes(BUDGET_SHAPE)) await run(UNJOURNALED, { system: 'patchscope', ...upTo(tenth(1000), tenth(3000)) })
  if (!tableShapes.includes(BASELINE_SHAPE)) await baselines()
  // Fewer steps: a slice found changed in place is compared in full, 50,200 messages a change.
  for (const shape of mutatingShapes) await run(shape, { system: 'patchscope', ...upTo(tenth(100), tenth(300), 100) })
}

if (options.phases.has('scale')) {
  const scaleOptions = {
    changes: options.scaleChanges,
    burst: 2000,
    timeLimitMs: 1_800_000,
    timeTravelSamples: 2000,
    httpAtSamples: options.quick ? 10 : 30
  }
  // The budget's shape first. The runtimes that change their state in place are left out: their slices
  // compared in full, 1,000,000 changes would take hours.
  for (const shape of tableShapes) {
    log(
      `scale (${SHAPE_NAME[shape]}): ${options.scaleChanges.toLocaleString('en-US')} changes into Patchscope's host, ${options.scaleRuns} runs`
    )
    for (let i = 0; i < options.scaleRuns; i++) {
      const stalled = i % 2 === 1
      log(`  run ${i + 1}/${options.scaleRuns}${stalled ? ', with a client that stops reading' : ''}`)
      results.scale.push(await scaleRun(shape, scaleOptions, stalled, log))
    }
    // The same number of changes once more, ending at step 1,000,000: the largest checkpoints.
    const lateStart = GROWTH_END - Math.ceil(options.scaleChanges / CHANGES_PER_STEP)
    log(`  late run: from step ${lateStart.toLocaleString('en-US')} to step ${GROWTH_END.toLocaleString('en-US')}`)
    results.late.push(await scaleRun(shape, scaleOptions, false, log, lateStart))
    results.gap.push(await gapCheck(shape, tenth(300_000), tenth(50_000), log))
  }
  if (options.systems.has('seed')) results.baselineStalled.push(await baselineStalled('seed', tenth(10_000), log))
}

if (options.phases.has('window') && built !== undefined) {
  log(`window: the built host and its window in ${chromiumVersion()}`)
  const live = []
  for (const shape of tableShapes) live.push(await liveFrames(shape, LIVE_RATE, LIVE_SECONDS, log))
  // The entries, and so the window's work, are the same for every shape: the history is recorded in the budget's.
  const { large, model } = await largeWindow(tableShapes[0] ?? BUDGET_SHAPE, options.scaleChanges, 2000, log)
  results.window = { build: built, chromium: chromiumVersion(), live, large, model }
}

results.loadAfter = load()
results.seconds = (performance.now() - started) / 1000
const markdown = summarize(results)
process.stdout.write(markdown + '\n')
if (options.out !== undefined) {
  writeFileSync(options.out, markdown + '\n')
  log(`written to ${options.out}`)
}
if (options.json !== undefined) {
  const raw = JSON.stringify(results, (key, value: unknown) => (value instanceof Set ? [...value] : value))
  // Written as the project's formatter writes JSON, so that the file stays as `prettier --check` wants it.
  const prettier = await import('prettier')
  writeFileSync(options.json, await prettier.format(raw, { ...(await prettier.resolveConfig(options.json)), parser: 'json' }))
  log(`raw results written to ${options.json}`)
}
