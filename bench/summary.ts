/**
 * The bench's results as Markdown: the budget table first (each figure of Patchscope, for each
 * shape of the workload a budget is claimed for, next to its budget and the baselines'), then the
 * details every figure comes from, and how they were taken.
 */
import type { BenchOptions } from './lib/options'
import { componentsTable, differTable, METHOD, runsTable, scaleTable, unfrozenTable } from './details'
import { count, mb, ms, rate, ratio, s, table, us } from './lib/report'
import type { System } from './lib/session'
import { BUDGET_SHAPES, SHAPE_NAME, shapeOf, type Shape } from './lib/shapes'
import { median } from './lib/stats'
import type { Measured } from './phases/measure'
import type { Components } from './phases/components'
import type { DifferFigures, ScanFigures } from './phases/patches'
import type { BaselineStalled, GapCheck, ScaleRun } from './phases/scale'
import type { WindowResults } from './phases/window'
import { windowDetails, windowRows } from './window/report'
import { atLeastTimes, atMost } from './verdicts'

export interface Results {
  options: BenchOptions
  /** The commit measured, and whether src/ had changes not yet committed (others work there). */
  commit: string
  machine: string
  loadBefore: string
  loadAfter: string
  date: string
  differ?: DifferFigures[]
  components?: Components[]
  scan?: ScanFigures
  steady: Measured[]
  growth: Measured[]
  scale: ScaleRun[]
  /** Scale runs whose changes end at step 1,000,000 rather than start at step 0, one a shape. */
  late: ScaleRun[]
  baselineStalled: BaselineStalled[]
  gap: GapCheck[]
  window?: WindowResults
  seconds: number
}

/** Results written before the workload had shapes: everything in them is the frozen shape. */
export function upgrade(raw: Results): Results {
  const old = raw as Omit<Results, 'late' | 'gap'> & { late?: ScaleRun | ScaleRun[]; gap?: GapCheck | GapCheck[] }
  const frozen = <T extends object>(x: T): T & { shape: Shape } => ({ shape: 'frozen', ...x })
  const list = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x])
  return {
    ...old,
    scale: old.scale.map(frozen),
    late: list(old.late).map(frozen),
    gap: list(old.gap).map(frozen),
    ...(old.components ? { components: old.components.map(frozen) } : {}),
    ...(old.differ
      ? { differ: old.differ.map((d) => ({ ...d, shape: d.shape ?? shapeOf({ freeze: (d as { freeze?: boolean }).freeze ?? true }) })) }
      : {})
  }
}

function find(list: readonly Measured[], system: System, shape: Shape, clients: number): Measured | undefined {
  return list.find((m) => m.config.system === system && shapeOf(m.config) === shape && m.config.clients === clients)
}

/** A baseline's cost next to Patchscope's: the value, and how many times Patchscope's it is. */
function costCell(base: Measured | undefined, ours: Measured | undefined): string {
  if (base === undefined) return 'not run'
  const factor = ours !== undefined ? base.median.netUs / ours.median.netUs : Number.NaN
  return `${us(base.median.netUs)} (${ratio(factor)})`
}

function rateCell(base: Measured | undefined, ours: Measured | undefined): string {
  if (base === undefined) return 'not run'
  const factor = ours !== undefined ? ours.median.rate / base.median.rate : Number.NaN
  return `${rate(base.median.rate)} (${ratio(factor)})`
}

/** The shapes this run measured Patchscope with, among those a budget is claimed for. */
function shapesOf(r: Results): Shape[] {
  const seen = new Set<Shape>([...r.steady, ...r.growth].filter((m) => m.config.system === 'patchscope').map((m) => shapeOf(m.config)))
  for (const x of [...r.scale, ...r.late]) seen.add(x.shape)
  for (const x of r.window?.live ?? []) seen.add(x.shape)
  return BUDGET_SHAPES.filter((x) => seen.has(x))
}

type Row = string[]

function cpuRows(r: Results, shape: Shape): Row[] {
  const rows: Row[] = []
  for (const clients of [1, 8]) {
    const ours = find(r.steady, 'patchscope', shape, clients)
    rows.push([
      `Host CPU per state change, ${clients} client${clients > 1 ? 's' : ''} (from step 0)`,
      '≤ 10 µs',
      ours ? `${us(ours.median.netUs)} (gross ${us(ours.median.grossUs)})` : 'not run',
      costCell(find(r.steady, 'seed', 'frozen', clients), ours),
      costCell(find(r.steady, 'full-state', 'frozen', clients), ours),
      ours ? atMost(ours.median.netUs, 10, us) : 'not run'
    ])
  }
  const grown = find(r.growth, 'patchscope', shape, 1)
  rows.push([
    'Host CPU per state change at step 1,000,000 (50,200 messages), 1 client',
    '≤ 100 µs',
    grown ? `${us(grown.median.netUs)} (gross ${us(grown.median.grossUs)})` : 'not run',
    costCell(find(r.growth, 'seed', 'frozen', 1), grown),
    costCell(find(r.growth, 'full-state', 'frozen', 1), grown),
    grown ? atMost(grown.median.netUs, 100, us) : 'not run'
  ])
  for (const [clients, times] of [
    [1, 5],
    [8, 20]
  ] as const) {
    const ours = find(r.steady, 'patchscope', shape, clients)
    const seed = find(r.steady, 'seed', 'frozen', clients)
    rows.push([
      `End-to-end state changes per second, ${clients} client${clients > 1 ? 's' : ''}`,
      `≥ ${times}× the seed's`,
      ours ? rate(ours.median.rate) : 'not run',
      rateCell(seed, ours),
      rateCell(find(r.steady, 'full-state', 'frozen', clients), ours),
      ours && seed ? atLeastTimes(ours.median.rate / seed.median.rate, times) : 'not run'
    ])
  }
  return rows
}

function scaleRows(r: Results, shape: Shape): Row[] {
  const rows: Row[] = []
  const scale = r.scale.filter((x) => x.shape === shape)
  const plain = scale.filter((x) => !x.stalledClient)
  const withStalled = scale.filter((x) => x.stalledClient)
  const retained = median(scale.map((x) => x.retained))
  const fullState = find(r.steady, 'full-state', 'frozen', 1)
  if (scale.length > 0) {
    const p99 = median(scale.map((x) => x.timeTravel.p99))
    const cpuP99 = median(scale.map((x) => x.timeTravel.cpuP99))
    rows.push([
      `Time travel: state after a random entry, p99, in the host (history of ${count(retained)} entries)`,
      '≤ 5 ms',
      `${ms(p99)} (p50 ${ms(median(scale.map((x) => x.timeTravel.p50)))}; in CPU time p99 ${ms(cpuP99)}; ` +
        `over HTTP with the JSON: p99 ${ms(median(scale.map((x) => x.httpAtP99Ms)))})`,
      'n/a: keeps no history',
      'n/a: a state per change, kept whole (see memory)',
      `${atMost(p99, 5, ms)} in wall time; in process CPU time (every thread, GC helpers included) ${atMost(cpuP99, 5, ms)}`
    ])
    const rss = median(plain.map((x) => x.rss))
    rows.push([
      `Memory: host RSS holding the history of ${count(retained)} entries (after a full GC)`,
      '≤ 600 MB',
      `${mb(rss)} (peak while recording ${mb(median(plain.map((x) => x.peakRss)))}; frames ${mb(median(plain.map((x) => x.historyBytes)))})`,
      'n/a: keeps no history',
      fullState
        ? `≈ ${mb(fullState.median.rssPerChange * retained)} for as many entries (extrapolated: +${mb(fullState.median.rssPerChange * fullState.median.changes)} over ${count(fullState.median.changes)} changes)`
        : 'not run',
      atMost(rss / 2 ** 20, 600, (v) => `${v.toFixed(0)} MB`)
    ])
    if (withStalled.length > 0) {
      const extra = median(withStalled.map((x) => x.rss)) - rss
      const stalled = withStalled.map((x) => x.stalled)
      const equal = stalled.every((x) => x !== undefined && x.equal)
      const gap = stalled.every((x) => x?.toldOfGap === true)
      const g = r.gap.find((x) => x.shape === shape)
      const gapOk = g === undefined || (g.toldOfGap && g.equal)
      const seed = r.baselineStalled.find((b) => b.system === 'seed')
      rows.push([
        `A client stops reading while ${count(median(scale.map((x) => x.changes)))} changes flow: host RSS above the run without it`,
        '≤ 100 MB; others keep up; it resumes or is told of the gap',
        `${mb(extra)}; the other client: ${rate(median(withStalled.map((x) => x.rate)))} end to end (${rate(median(plain.map((x) => x.rate)))} without), ` +
          `caught up ${ms(median(withStalled.map((x) => x.catchUpMs)))} after the last action; the stalled one ${gap ? 'was told of the gap' : 'resumed'} ` +
          `and ${equal ? 'ended equal to GET /state' : 'did NOT end equal to GET /state'}` +
          (g === undefined
            ? ''
            : `; with the history limited to ${count(g.maxEntries)} entries and ${count(g.changes)} changes, it read to seq ${count(g.stalledAt)}, ` +
              `${g.toldOfGap ? 'was told of the gap' : 'was NOT told of the gap'} and ${g.equal ? 'ended equal' : 'did NOT end equal'}`),
        seed ? `+${mb(seed.rssWith - seed.rssWithout)} after ${count(seed.changes)} changes, and growing` : 'not run',
        'not run',
        extra <= 100 * 2 ** 20 && equal && gapOk
          ? `met (${mb(100 * 2 ** 20 - extra)} under)`
          : `**missed** (${mb(extra)}, equal: ${equal}, gap: ${gapOk})`
      ])
    }
    const exportMs = median(scale.map((x) => x.exportMs))
    const importMs = median(scale.map((x) => x.importMs))
    rows.push(
      [
        `Export of the session (${count(retained)} entries, ${mb(median(scale.map((x) => x.exportBytes)))}), GET /history`,
        '≤ 5 s',
        s(exportMs),
        'n/a: no export',
        'n/a: no export',
        atMost(exportMs, 5000, s)
      ],
      [
        'Import of that session, POST /history',
        '≤ 5 s',
        `${s(importMs)}${scale.every((x) => x.importMirrorEqual) ? '' : ' (a mirror did NOT end equal)'}`,
        'n/a: no import',
        'n/a: no import',
        atMost(importMs, 5000, s)
      ]
    )
  }
  const late = r.late.find((x) => x.shape === shape)
  if (late !== undefined) {
    const where = `the same ${count(late.changes)} changes ending at step 1,000,000 (${count(late.messages)} messages at the end; ${count(late.retained)} entries)`
    rows.push(
      [
        `Memory: host RSS holding ${where}`,
        '≤ 600 MB',
        `${mb(late.rss)} (peak while recording ${mb(late.peakRss)}; frames ${mb(late.historyBytes)}; one run)`,
        'n/a: keeps no history',
        'not run',
        atMost(late.rss / 2 ** 20, 600, (v) => `${v.toFixed(0)} MB`)
      ],
      [
        'Time travel on that history, p99',
        '≤ 5 ms',
        `${ms(late.timeTravel.p99)} (p50 ${ms(late.timeTravel.p50)}; in CPU time p99 ${ms(late.timeTravel.cpuP99)})`,
        'n/a: keeps no history',
        'not run',
        `${atMost(late.timeTravel.p99, 5, ms)} in wall time; in process CPU time ${atMost(late.timeTravel.cpuP99, 5, ms)}`
      ],
      [
        `Export and import of that session (${mb(late.exportBytes)})`,
        '≤ 5 s each',
        `${s(late.exportMs)} and ${s(late.importMs)}`,
        'n/a',
        'n/a',
        `export ${atMost(late.exportMs, 5000, s)}; import ${atMost(late.importMs, 5000, s)}`
      ]
    )
  }
  return rows
}

/**
 * Every figure once for each shape a budget is claimed for, the shape named in its own column; the
 * window's figures last.
 */
function budgetTable(r: Results): string {
  const rows: Row[] = []
  const shapes = shapesOf(r)
  // Figure by figure, each shape's row under the other's, so that the two read side by side.
  const byShape = shapes.map((shape) => [...cpuRows(r, shape), ...scaleRows(r, shape)].map((row) => ({ shape, row })))
  const longest = Math.max(0, ...byShape.map((x) => x.length))
  for (let i = 0; i < longest; i++) {
    for (const list of byShape) {
      const item = list[i]
      if (item !== undefined) rows.push([item.row[0] as string, `**${SHAPE_NAME[item.shape]}**`, ...item.row.slice(1)])
    }
  }
  if (r.window !== undefined) rows.push(...windowRows(r.window))
  return table(
    [
      'Figure',
      'Workload shape',
      'Budget',
      'Patchscope',
      'Seed route, frozen (× = Patchscope better)',
      'Full-state style, frozen (×)',
      'Verdict'
    ],
    rows
  )
}

/**
 * What the clients alone allow: the mirrors run in one thread of the bench process, on the same two
 * cores as the host, so their own CPU per change caps the end-to-end rate whatever the host costs.
 */
function clientBound(r: Results): string[] {
  const lines: string[] = []
  for (const shape of shapesOf(r)) {
    for (const clients of [1, 8]) {
      const ours = find(r.steady, 'patchscope', shape, clients)
      const seed = find(r.steady, 'seed', 'frozen', clients)
      if (ours === undefined || seed === undefined) continue
      const cap = 1e6 / ours.median.clientUs
      const both = 2e6 / (ours.median.grossUs + ours.median.clientUs)
      lines.push(
        `${SHAPE_NAME[shape].replace(/^./, (c) => c.toUpperCase())}, ${clients} mirroring client${clients > 1 ? 's' : ''}: the clients cost ${us(ours.median.clientUs)} of the bench's one thread per change: ` +
          `${rate(cap)} at most even with a host that cost nothing (${ratio(cap / seed.median.rate)} the seed's rate); host and clients together ` +
          `cost ${us(ours.median.grossUs + ours.median.clientUs)} per change on 2 cores: ${rate(both)} at most (${ratio(both / seed.median.rate)}).`
      )
    }
  }
  return lines.length > 0 ? [...lines.flatMap((l) => [l, '']), ''] : []
}

export function summarize(raw: Results): string {
  const r = upgrade(raw)
  const parts = [
    '# Benchmarks (issue 6)',
    '',
    `Run ${r.date} with \`npm run bench${r.options.quick ? ' -- --quick' : ''}\` on ${r.machine}, at ${r.commit}.`,
    `Load average (1/5/15 min) ${r.loadBefore} before and ${r.loadAfter} after; the run took ${(r.seconds / 60).toFixed(1)} min.` +
      ` Every figure is the median of ${r.options.runs} runs (the scale phase: ${r.options.scaleRuns} runs a shape; the window: one run).`,
    '',
    'Patchscope records the same workload in two shapes a budget is claimed for: **frozen** as Immer and Redux Toolkit leave',
    'state (the recorder skips deeply frozen subtrees it has seen), and **unfrozen with `immutable: true` declared** on the',
    "runtime's handle (the recorder trusts every unchanged reference). The baselines record the frozen shape only.",
    '',
    budgetTable(r),
    '',
    '"Net" is the host process\'s CPU less what the workload alone costs for the same steps (see Method); the gross figure includes it.',
    '',
    ...clientBound(r),
    '## The same workload, unfrozen and undeclared',
    '',
    "Without the declaration, Patchscope's differ skips unchanged subtrees only when they are deeply frozen;",
    'unfrozen state is compared in full on every change. The budgets are not claimed for it, and the scale phase',
    '(1,000,000 changes) is not run with it: at the rates below it would take hours.',
    '',
    unfrozenTable(r.steady, r.growth),
    '',
    '## Details',
    '',
    '### Steady (from step 0: 200 messages, growing by one every 20 steps)',
    '',
    runsTable(r.steady),
    '',
    '### Growth (the workload starts just before step 1,000,000: 50,200 messages)',
    '',
    runsTable(r.growth),
    '',
    '### Scale (1,000,000 changes, Patchscope only; the last run of each shape ends at step 1,000,000)',
    '',
    scaleTable([...r.scale, ...r.late].sort((a, b) => BUDGET_SHAPES.indexOf(a.shape) - BUDGET_SHAPES.indexOf(b.shape))),
    ''
  ]
  if (r.window !== undefined) parts.push(...windowDetails(r.window), '')
  if (r.differ !== undefined) {
    parts.push('### The differ alone (no host; each row in a process of its own)', '', differTable(r.differ), '')
  }
  if (r.components !== undefined) {
    parts.push(
      "### Where a change goes (the host's parts run in one thread; each row in a process of its own)",
      '',
      componentsTable(r.components),
      ''
    )
  }
  if (r.scan !== undefined) {
    parts.push(
      `A plain reference scan of two arrays of ${count(r.scan.elements)} elements: ${us(r.scan.plainUs)} when the arrays are plain, ` +
        `${us(r.scan.frozenUs)} when they are frozen (V8 ${process.versions.v8} reads elements of frozen arrays on a slow path).`,
      ''
    )
  }
  parts.push(METHOD)
  return parts.join('\n')
}
