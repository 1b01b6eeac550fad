/**
 * The bench's results as Markdown: the budget table first (each figure of Patchscope next to its
 * budget and the baselines': the budget's row, the default shape, first, then the extra rows), then
 * the details every figure comes from, and how they were taken.
 */
import type { BenchOptions } from './lib/options'
import { componentsTable, differTable, METHOD, mutatingTable, runsTable, scaleTable } from './details'
import { count, mb, ms, rate, ratio, s, table, us } from './lib/report'
import type { System } from './lib/session'
import {
  BASELINE_SHAPE,
  BUDGET_SHAPE,
  isBudgetShape,
  isMutating,
  ROW_KIND,
  SHAPE_NAME,
  SHAPE_SHORT,
  SHAPES,
  shapeOf,
  UNJOURNALED,
  type Shape
} from './lib/shapes'
import { median } from './lib/stats'
import type { Measured } from './phases/measure'
import type { Components } from './phases/components'
import type { DifferFigures, ScanFigures } from './phases/patches'
import type { BaselineStalled, GapCheck, ScaleRun } from './phases/scale'
import type { WindowResults } from './phases/window'
import { effectsDetails, type EffectsFigures } from './phases/effects'
import { windowDetails, windowRows } from './window/report'
import { atLeastTimes, atMost, rowVerdict } from './verdicts'

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
  /** What recording effects costs a call (issue 14). */
  effects?: EffectsFigures
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

/** The shape the baselines recorded (results written before BASELINE_SHAPE was the default's: frozen). */
function baselineShape(r: Results): Shape {
  const b = [...r.steady, ...r.growth].find((m) => m.config.system !== 'patchscope')
  return b !== undefined ? shapeOf(b.config) : BASELINE_SHAPE
}

/** A baseline's run, in the shape the baselines recorded. */
function base(r: Results, list: readonly Measured[], system: System, clients: number): Measured | undefined {
  return find(list, system, baselineShape(r), clients)
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

/** The shapes this run measured Patchscope with, in the tables' order (the budget's first). */
function shapesOf(r: Results): Shape[] {
  const seen = new Set<Shape>([...r.steady, ...r.growth].filter((m) => m.config.system === 'patchscope').map((m) => shapeOf(m.config)))
  for (const x of [...r.scale, ...r.late]) seen.add(x.shape)
  for (const x of r.window?.live ?? []) seen.add(x.shape)
  return SHAPES.filter((x) => seen.has(x))
}

/** A row of the budget table before its shape's cells: `key` names the figure, so that each figure's rows read together. */
interface Row {
  key: string
  /** Figure, Budget, Patchscope, Seed route, Full-state style, Verdict. */
  cells: string[]
  /** Patchscope measured it (an extra row that was not run is left out; the budget's row says "not run"). */
  measured: boolean
}

/** Whether a run's mirrors ended equal, in words for a verdict, when they did not. */
function mirrorsNote(m: Measured): string {
  const notes: string[] = []
  if (m.median.mismatches > 0)
    notes.push(`**${m.median.mismatches} mirror${m.median.mismatches > 1 ? 's' : ''} did NOT end equal to GET /state**`)
  if (m.median.stateIsStep === false) notes.push("**GET /state was NOT the step's state**")
  return notes.length > 0 ? `; ${notes.join('; ')}` : ''
}

function cpuRows(r: Results, shape: Shape): Row[] {
  const rows: Row[] = []
  for (const clients of [1, 8]) {
    const ours = find(r.steady, 'patchscope', shape, clients)
    rows.push({
      key: `cpu-${clients}`,
      measured: ours !== undefined,
      cells: [
        `Host CPU per state change, ${clients} client${clients > 1 ? 's' : ''} (from step 0)`,
        '≤ 10 µs',
        ours ? `${us(ours.median.netUs)} (gross ${us(ours.median.grossUs)})` : 'not run',
        costCell(base(r, r.steady, 'seed', clients), ours),
        costCell(base(r, r.steady, 'full-state', clients), ours),
        ours ? rowVerdict(shape, atMost(ours.median.netUs, 10, us)) + mirrorsNote(ours) : 'not run'
      ]
    })
  }
  const grown = find(r.growth, 'patchscope', shape, 1)
  rows.push({
    key: 'cpu-late',
    measured: grown !== undefined,
    cells: [
      'Host CPU per state change at step 1,000,000 (50,200 messages), 1 client',
      '≤ 100 µs',
      grown ? `${us(grown.median.netUs)} (gross ${us(grown.median.grossUs)})` : 'not run',
      costCell(base(r, r.growth, 'seed', 1), grown),
      costCell(base(r, r.growth, 'full-state', 1), grown),
      grown ? rowVerdict(shape, atMost(grown.median.netUs, 100, us)) + mirrorsNote(grown) : 'not run'
    ]
  })
  if (isBudgetShape(shape)) rows.push(...journalRows(r))
  for (const [clients, times] of [
    [1, 5],
    [8, 20]
  ] as const) {
    const ours = find(r.steady, 'patchscope', shape, clients)
    const seed = base(r, r.steady, 'seed', clients)
    rows.push({
      key: `rate-${clients}`,
      measured: ours !== undefined,
      cells: [
        `End-to-end state changes per second, ${clients} client${clients > 1 ? 's' : ''}`,
        `≥ ${times}× the seed's`,
        ours ? rate(ours.median.rate) : 'not run',
        rateCell(seed, ours),
        rateCell(base(r, r.steady, 'full-state', clients), ours),
        ours && seed ? rowVerdict(shape, atLeastTimes(ours.median.rate / seed.median.rate, times)) : 'not run'
      ]
    })
  }
  return rows
}

/** The budget of issue 16: journaling costs at most a tenth more host CPU than the same host without it. */
const JOURNAL_BUDGET_PERCENT = 10

/**
 * What the journal costs per change: the budget's row (the default, journaled as users run it)
 * less the same runs with the journal off, net of the workload, against the host CPU without it.
 */
function journalRows(r: Results): Row[] {
  const runs = [
    ['journal-1', r.steady, 1, '1 client (from step 0)'],
    ['journal-8', r.steady, 8, '8 clients (from step 0)'],
    ['journal-late', r.growth, 1, '1 client, at step 1,000,000']
  ] as const
  return runs.map(([key, list, clients, where]) => {
    const on = find(list, 'patchscope', BUDGET_SHAPE, clients)
    const off = find(list, 'patchscope', UNJOURNALED, clients)
    const figure = `What journaling costs per state change, ${where}: the default against the same without its journal`
    const budget = `≤ ${JOURNAL_BUDGET_PERCENT} % more host CPU`
    if (on === undefined || off === undefined) return { key, measured: false, cells: [figure, budget, 'not run', '', '', 'not run'] }
    const cost = on.median.netUs - off.median.netUs
    const percent = (cost / off.median.netUs) * 100
    // Their runs were taken in turn (run 1 of each, then run 2, …): each pair's difference shows the noise.
    const pairs = on.samples.map((x, i) => x.netUs - (off.samples[i]?.netUs ?? Number.NaN))
    const signed = (v: number): string => (v < 0 ? `−${us(-v)}` : `+${us(v)}`)
    // The journal runs in the main thread (collecting the lines, the digest) and the I/O pool (writes, syncs), not in
    // the runtime's worker, whose figure (the workload, most of it at step 1,000,000) only adds noise to the difference.
    const main = on.median.mainUs - off.median.mainUs
    const other = on.median.otherUs - off.median.otherUs
    const threads =
      `main thread ${signed(main)} and other threads (I/O pool, GC helpers) ${signed(other)}: ${signed(main + other)} in the threads ` +
      `the journal runs in; runtime's worker ${signed(on.median.workerUs - off.median.workerUs)}`
    const noisy = pairs.some((x) => x > 0) && pairs.some((x) => x < 0) ? '; the runs disagree on its sign: within the noise' : ''
    return {
      key,
      measured: true,
      cells: [
        figure,
        budget,
        `journaling costs ${cost < 0 ? '−' : ''}${us(Math.abs(cost))} per change (${percent.toFixed(1)} % of the default's host CPU without it, ` +
          `${us(on.median.netUs)} with it against ${us(off.median.netUs)}; budget ≤ ${JOURNAL_BUDGET_PERCENT} %); ${threads}; ` +
          `run by run ${pairs.map(signed).join(', ')}`,
        'n/a: keeps no journal',
        'n/a: keeps no journal',
        (percent <= JOURNAL_BUDGET_PERCENT
          ? `met (${percent.toFixed(1)} % of ${JOURNAL_BUDGET_PERCENT} %)`
          : `**missed** by ${(percent - JOURNAL_BUDGET_PERCENT).toFixed(1)} points (${percent.toFixed(1)} %)`) + noisy
      ]
    }
  })
}

function scaleRows(r: Results, shape: Shape): Row[] {
  const rows: Row[] = []
  const scale = r.scale.filter((x) => x.shape === shape)
  const plain = scale.filter((x) => !x.stalledClient)
  const withStalled = scale.filter((x) => x.stalledClient)
  const retained = median(scale.map((x) => x.retained))
  const fullState = base(r, r.steady, 'full-state', 1)
  const row = (key: string, cells: string[]): Row => ({
    key,
    measured: true,
    cells: [...cells.slice(0, -1), rowVerdict(shape, cells[cells.length - 1] as string)]
  })
  if (scale.length > 0) {
    const p99 = median(scale.map((x) => x.timeTravel.p99))
    const cpuP99 = median(scale.map((x) => x.timeTravel.cpuP99))
    rows.push(
      row('time-travel', [
        `Time travel: state after a random entry, p99, in the host (history of ${count(retained)} entries)`,
        '≤ 5 ms',
        `${ms(p99)} (p50 ${ms(median(scale.map((x) => x.timeTravel.p50)))}; in CPU time p99 ${ms(cpuP99)}; ` +
          `over HTTP with the JSON: p99 ${ms(median(scale.map((x) => x.httpAtP99Ms)))})`,
        'n/a: keeps no history',
        'n/a: a state per change, kept whole (see memory)',
        `${atMost(p99, 5, ms)} in wall time; in process CPU time (every thread, GC helpers included) ${atMost(cpuP99, 5, ms)}`
      ])
    )
    const rss = median(plain.map((x) => x.rss))
    rows.push(
      row('rss', [
        `Memory: host RSS holding the history of ${count(retained)} entries (after a full GC)`,
        '≤ 600 MB',
        `${mb(rss)} (peak while recording ${mb(median(plain.map((x) => x.peakRss)))}; frames ${mb(median(plain.map((x) => x.historyBytes)))})`,
        'n/a: keeps no history',
        fullState
          ? `≈ ${mb(fullState.median.rssPerChange * retained)} for as many entries (extrapolated: +${mb(fullState.median.rssPerChange * fullState.median.changes)} over ${count(fullState.median.changes)} changes)`
          : 'not run',
        atMost(rss / 2 ** 20, 600, (v) => `${v.toFixed(0)} MB`)
      ])
    )
    if (withStalled.length > 0) {
      const extra = median(withStalled.map((x) => x.rss)) - rss
      const stalled = withStalled.map((x) => x.stalled)
      const equal = stalled.every((x) => x !== undefined && x.equal)
      const gap = stalled.every((x) => x?.toldOfGap === true)
      const g = r.gap.find((x) => x.shape === shape)
      const gapOk = g === undefined || (g.toldOfGap && g.equal)
      const seed = r.baselineStalled.find((b) => b.system === 'seed')
      rows.push(
        row('stalled', [
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
      )
    }
    const exportMs = median(scale.map((x) => x.exportMs))
    const importMs = median(scale.map((x) => x.importMs))
    rows.push(
      row('export', [
        `Export of the session (${count(retained)} entries, ${mb(median(scale.map((x) => x.exportBytes)))}), GET /history`,
        '≤ 5 s',
        s(exportMs),
        'n/a: no export',
        'n/a: no export',
        atMost(exportMs, 5000, s)
      ]),
      row('import', [
        'Import of that session, POST /history',
        '≤ 5 s',
        `${s(importMs)}${scale.every((x) => x.importMirrorEqual) ? '' : ' (a mirror did NOT end equal)'}`,
        'n/a: no import',
        'n/a: no import',
        atMost(importMs, 5000, s)
      ])
    )
  }
  const late = r.late.find((x) => x.shape === shape)
  if (late !== undefined) {
    const where = `the same ${count(late.changes)} changes ending at step 1,000,000 (${count(late.messages)} messages at the end; ${count(late.retained)} entries)`
    rows.push(
      row('late-rss', [
        `Memory: host RSS holding ${where}`,
        '≤ 600 MB',
        `${mb(late.rss)} (peak while recording ${mb(late.peakRss)}; frames ${mb(late.historyBytes)}; one run)`,
        'n/a: keeps no history',
        'not run',
        atMost(late.rss / 2 ** 20, 600, (v) => `${v.toFixed(0)} MB`)
      ]),
      row('late-time-travel', [
        'Time travel on that history, p99',
        '≤ 5 ms',
        `${ms(late.timeTravel.p99)} (p50 ${ms(late.timeTravel.p50)}; in CPU time p99 ${ms(late.timeTravel.cpuP99)})`,
        'n/a: keeps no history',
        'not run',
        `${atMost(late.timeTravel.p99, 5, ms)} in wall time; in process CPU time ${atMost(late.timeTravel.cpuP99, 5, ms)}`
      ]),
      row('late-export-import', [
        `Export and import of that session (${mb(late.exportBytes)})`,
        '≤ 5 s each',
        `${s(late.exportMs)} and ${s(late.importMs)}`,
        'n/a',
        'n/a',
        `export ${atMost(late.exportMs, 5000, s)}; import ${atMost(late.importMs, 5000, s)}`
      ])
    )
  }
  return rows
}

/** The budget table's columns; the baselines' say which shape they recorded. */
function budgetHead(r: Results): string[] {
  const b = SHAPE_SHORT[baselineShape(r)]
  return [
    'Figure',
    'Row',
    'Workload shape',
    'Budget',
    'Patchscope',
    `Seed route, ${b} shape (× = Patchscope better)`,
    `Full-state style, ${b} shape (×)`,
    'Verdict'
  ]
}

/**
 * Every figure with the budget's row first (the default shape: its verdict is the budget's), then
 * an extra row for each other shape measured, labelled as such; the window's figures last.
 */
function budgetTable(r: Results): string {
  const byShape = shapesOf(r).map((shape) => ({ shape, rows: [...cpuRows(r, shape), ...scaleRows(r, shape)] }))
  // The figures in the order they first appear (the budget's shape has them all), each figure's rows together.
  const keys: string[] = []
  for (const { rows } of byShape) for (const row of rows) if (!keys.includes(row.key)) keys.push(row.key)
  const rows: string[][] = []
  const budgetName = `**${SHAPE_NAME[BUDGET_SHAPE]}**`
  for (const key of keys) {
    const ofKey = byShape.flatMap(({ shape, rows: list }) => list.filter((x) => x.key === key).map((row) => ({ shape, row })))
    // The budget's row is never left out: a figure measured only in other shapes says so in the budget's row.
    const first = ofKey[0]
    if (first !== undefined && !ofKey.some((x) => isBudgetShape(x.shape))) {
      const [figure, budget] = first.row.cells
      rows.push([figure as string, ROW_KIND[BUDGET_SHAPE], budgetName, budget as string, 'not run', '', '', "not run: no budget's verdict"])
    }
    for (const { shape, row } of ofKey) {
      if (!row.measured && !isBudgetShape(shape)) continue
      const [figure, ...rest] = row.cells
      rows.push([figure as string, ROW_KIND[shape], isBudgetShape(shape) ? budgetName : SHAPE_NAME[shape], ...rest])
    }
  }
  if (r.window !== undefined) rows.push(...windowRows(r.window))
  return table(budgetHead(r), rows)
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
      const seed = base(r, r.steady, 'seed', clients)
      if (ours === undefined || seed === undefined) continue
      const cap = 1e6 / ours.median.clientUs
      const both = 2e6 / (ours.median.grossUs + ours.median.clientUs)
      const label = `${SHAPE_SHORT[shape].replace(/^./, (c) => c.toUpperCase())} shape${isBudgetShape(shape) ? " (the budget's row)" : ' (an extra row)'}`
      lines.push(
        `${label}, ${clients} mirroring client${clients > 1 ? 's' : ''}: the clients cost ${us(ours.median.clientUs)} of the bench's one thread per change: ` +
          `${rate(cap)} at most even with a host that cost nothing (${ratio(cap / seed.median.rate)} the seed's rate); host and clients together ` +
          `cost ${us(ours.median.grossUs + ours.median.clientUs)} per change on 2 cores: ${rate(both)} at most (${ratio(both / seed.median.rate)}).`
      )
    }
  }
  return lines.length > 0 ? [...lines.flatMap((l) => [l, '']), ''] : []
}

/** Which shapes the budgets are claimed for, and what the extra rows are. */
function shapesIntro(r: Results): string[] {
  const b = baselineShape(r)
  return [
    'Every budget is claimed for what users do by default: **plain objects replaced immutably, nothing frozen, nothing',
    "declared** (the default shape). Its row comes first under each figure, marked as the budget's, and its verdict is the",
    "budget's verdict. A figure met only when the user opts into something is an extra row, never the budget's: **frozen**",
    "as Immer and Redux Toolkit leave state, and **unfrozen with `immutable: true` declared** on the runtime's handle (the",
    'recorder then trusts every unchanged reference, unverified). Two more extra rows are runtimes that change their state in',
    'place: **changed in place** (the same objects, reported with `before === after`) and **a new root over a child changed in',
    "place** (the bug the recorder's verification finds); they say what finding those changes costs, and their mirrors are",
    "checked to end equal to the runtime's state. An extra row's verdict says how its figure stands against the budget; it is",
    `never the budget's verdict. The baselines record the ${b === BUDGET_SHAPE ? 'default' : SHAPE_SHORT[b]} shape${b === BUDGET_SHAPE ? ' too' : ' only'}.`,
    "Patchscope's host journals every change to disk, as the CLI and the desktop app do by default (since 738f21c; into a",
    'temporary folder); **the default with the journal off** (`--no-save`) is an extra row, and the budget\'s rows "What',
    'journaling costs" are the difference (budget: at most a tenth more host CPU).'
  ]
}

/** The runtimes that change their state in place: what they cost, and whether their recorded history ended exact. */
function mutatingSection(r: Results): string[] {
  const runs = [...r.steady, ...r.growth].filter((m) => m.config.system === 'patchscope' && isMutating(shapeOf(m.config)))
  if (runs.length === 0) return []
  return [
    '## Extra rows: runtimes that change their state in place',
    '',
    'The same steps, made in place (`workloads/agent.mjs`, `mutate`): *changed in place* appends each token to the last',
    "message's `content` on the same object, pushes new messages onto the same array, bumps the counters on the same objects,",
    "and reports `before === after`; *a new root over a child changed in place* replaces each slice's root and the messages",
    'array, but appends each token to the last message object in place, which the previous state holds too. The recorder',
    "must find those changes (the runtime's `before` is no help), so each slice it finds changed is compared in full from",
    'then on. Their mirrors are given up to 30 s after the last change to equal `GET /state` (the recorder verifying its copy',
    "and recording what it found); `GET /state` is checked to be the state the workload's step number gives.",
    '',
    mutatingTable(r.steady, r.growth),
    ''
  ]
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
    ...shapesIntro(r),
    '',
    budgetTable(r),
    '',
    '"Net" is the host process\'s CPU less what the workload alone costs for the same steps (see Method); the gross figure includes it.',
    '',
    ...clientBound(r),
    ...mutatingSection(r),
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
    scaleTable([...r.scale, ...r.late].sort((a, b) => SHAPES.indexOf(a.shape) - SHAPES.indexOf(b.shape))),
    ''
  ]
  if (r.window !== undefined) parts.push(...windowDetails(r.window), '')
  if (r.effects !== undefined) parts.push(...effectsDetails(r.effects))
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
