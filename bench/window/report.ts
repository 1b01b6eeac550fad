/** The window's figures as rows of the budget table, and the tables behind them. */
import { count, mb, ms, rate, s, table } from '../lib/report'
import { BUDGET_SHAPE, isBudgetShape, ROW_KIND, SHAPE_NAME, type Shape } from '../lib/shapes'
import { FRAME_BUDGET_MS, type FrameStats, type WindowResults } from '../phases/window'
import { atMost, rowVerdict, under } from '../verdicts'

/** Frame times to a tenth of a millisecond: 16.7 and 20 must not both read "17 ms" or "20 ms". */
const fms = (v: number): string => (Number.isFinite(v) ? `${v.toFixed(1)} ms` : 'n/a')
const frames = (f: FrameStats): string => `p50 ${fms(f.p50)} / p95 ${fms(f.p95)} / max ${fms(f.max)}`

/** A shape's name in the table: the budget's in bold. */
const shapeCell = (shape: Shape): string => (isBudgetShape(shape) ? `**${SHAPE_NAME[shape]}**` : SHAPE_NAME[shape])

/** Rows of the budget table (Figure, Row, Workload shape, Budget, Patchscope, Seed route, Full-state style, Verdict). */
export function windowRows(w: WindowResults): string[][] {
  const rows: string[][] = []
  const { model, large } = w
  // The entries are the same in every shape updated immutably: the large history's row is the budget's when recorded in its shape.
  const recorded: Shape | undefined = large?.shape
  const sameEntries = recorded !== undefined ? `any (the same entries; recorded in ${shapeCell(recorded)})` : 'any (the same entries)'
  const kind = recorded !== undefined ? ROW_KIND[recorded] : ROW_KIND.unfrozen
  const verdict = (v: string): string => (recorded !== undefined ? rowVerdict(recorded, v) : v)
  if (model !== undefined) {
    rows.push([
      `Time travel in the window's model: \`HistoryStore.stateAt(i)\` for a random entry of ${count(model.entries)}, p99 (under Node)`,
      kind,
      sameEntries,
      '≤ 5 ms',
      `${ms(model.p99)} (p50 ${ms(model.p50)}, max ${ms(model.max)}; in CPU time p99 ${ms(model.cpuP99)}; ${count(model.samples)} samples)`,
      'n/a: keeps no history',
      'n/a',
      verdict(`${atMost(model.p99, 5, ms)} in wall time; in process CPU time ${atMost(model.cpuP99, 5, ms)}`)
    ])
  }
  const firstLive = w.live[0]
  if (firstLive !== undefined && !w.live.some((l) => isBudgetShape(l.shape))) {
    rows.push([
      `Window frames while ${count(firstLive.targetRate)} state changes a second arrive for ${firstLive.seconds} s (headless Chromium)`,
      ROW_KIND[BUDGET_SHAPE],
      shapeCell(BUDGET_SHAPE),
      `p95 < ${FRAME_BUDGET_MS} ms; the window keeps up`,
      'not run',
      '',
      '',
      "not run: no budget's verdict"
    ])
  }
  // The budget's shape first, whatever order the results hold them in.
  for (const live of [...w.live].sort((a, b) => Number(isBudgetShape(b.shape)) - Number(isBudgetShape(a.shape)))) {
    const p95 = under(live.frames.p95, FRAME_BUDGET_MS, fms)
    rows.push([
      `Window frames while ${count(live.targetRate)} state changes a second arrive for ${live.seconds} s (headless Chromium)`,
      ROW_KIND[live.shape],
      shapeCell(live.shape),
      `p95 < ${FRAME_BUDGET_MS} ms; the window keeps up`,
      `${frames(live.frames)}; ${count(live.frames.over)} of ${count(live.frames.frames)} frames over ${FRAME_BUDGET_MS} ms; ` +
        `${rate(live.rate)} reached; the window at seq ${count(live.windowLastSeqAtEnd)} of ${count(live.hostLastSeq)} at the last answer, ` +
        (Number.isFinite(live.caughtUpMs) ? `equal ${ms(live.caughtUpMs)} later` : 'NOT equal within 60 s'),
      'n/a: no window',
      'n/a',
      rowVerdict(live.shape, `${p95}; ${live.keptUp ? 'kept up (equal within 1 s)' : '**did not keep up**'}`)
    ])
  }
  if (large !== undefined) {
    const sc = large.scroll
    rows.push(
      [
        `Scrolling the timeline of ${count(large.windowEntries)} entries from top to bottom (${count(sc.steps)} steps, one a frame)`,
        kind,
        sameEntries,
        `smooth, taken as p95 < ${FRAME_BUDGET_MS} ms (the live budget)`,
        `${frames(sc)}; ${count(sc.over)} of ${count(sc.frames)} frames over ${FRAME_BUDGET_MS} ms; ${sc.reachedBottom ? 'reached the last entry' : `ended at seq ${count(sc.lastRowSeq)}`}`,
        'n/a: no window',
        'n/a',
        verdict(under(sc.p95, FRAME_BUDGET_MS, fms) + (sc.reachedBottom ? '' : '; did NOT reach the bottom'))
      ],
      [
        `The window loading those ${count(large.windowEntries)} entries (?since=0): time until it holds every one; its JS heap then`,
        kind,
        sameEntries,
        'none in issue 6 (reported)',
        `${Number.isFinite(large.loadMs) ? s(large.loadMs) : 'NOT all within 15 min'}; frames meanwhile ${frames(large.loadFrames)}; heap ${mb(large.heap.used)} ` +
          `(performance.memory; ${mb(large.heap.usedAfterGc)} after a full GC)`,
        'n/a',
        'n/a',
        'no budget'
      ]
    )
  }
  return rows
}

/** Whether headless Chromium ran requestAnimationFrame at the display's rate while nothing arrived. */
function throttling(w: WindowResults): string {
  const idle = w.live.map((l) => l.idle)
  if (idle.length === 0) return ''
  const p50 = Math.max(...idle.map((f) => f.p50))
  const verdict =
    p50 > 15 && p50 < 18.5
      ? 'requestAnimationFrame ran every 16.7 ms (60 Hz): headless Chromium does not throttle it here'
      : `requestAnimationFrame ran every ${ms(p50)} at the median: not the 60 Hz of a visible page`
  return `With nothing arriving, ${verdict} (pages ${[...new Set(w.live.map((l) => l.visibility))].join(', ')}).`
}

/** The tables behind the window's rows. */
export function windowDetails(w: WindowResults): string[] {
  const out = ['### The window (the built host, `out/main/cli.js`, and its page in headless Chromium)', '']
  out.push(`${w.chromium}; ${w.build}. ${throttling(w)}`, '')
  if (w.live.length > 0) {
    out.push(
      table(
        [
          'Shape',
          'Changes',
          'Rate reached',
          'Frames idle (2 s)',
          'Frames while arriving',
          `Over ${FRAME_BUDGET_MS} ms`,
          'Long tasks (longest)',
          'Window at the end',
          'JS heap',
          'Page errors'
        ],
        w.live.map((l) => [
          SHAPE_NAME[l.shape],
          count(l.changes),
          rate(l.rate),
          frames(l.idle),
          frames(l.frames),
          `${count(l.frames.over)} of ${count(l.frames.frames)}`,
          `${l.frames.longTasks} (${ms(l.frames.longestTaskMs)})`,
          `seq ${count(l.windowLastSeqAtEnd)} of ${count(l.hostLastSeq)}; ${count(l.windowEntries)} entries ${Number.isFinite(l.caughtUpMs) ? `${ms(l.caughtUpMs)} later` : 'never'}`,
          `${mb(l.heap.used)} (${mb(l.heap.usedAfterGc)} after GC)`,
          String(l.pageErrors.length)
        ])
      ),
      ''
    )
  }
  const { large, model } = w
  if (large !== undefined) {
    out.push(
      table(
        [
          'Recorded',
          'Session file',
          'Window loaded',
          'Frames while loading (long tasks)',
          'JS heap',
          'Scroll',
          'Scroll long tasks (longest)',
          'Page errors'
        ],
        [
          [
            `${count(large.changes)} changes in ${s(large.recordMs)}, last seq ${count(large.hostLastSeq)}`,
            mb(large.fileBytes),
            `${count(large.windowEntries)} entries in ${Number.isFinite(large.loadMs) ? s(large.loadMs) : 'more than 15 min'}`,
            `${frames(large.loadFrames)} (${large.loadFrames.longTasks}, longest ${ms(large.loadFrames.longestTaskMs)})`,
            `${mb(large.heap.used)} used of ${mb(large.heap.total)} (${mb(large.heap.usedAfterGc)} after GC)`,
            `${count(large.scroll.steps)} steps over ${count(large.scroll.scrollHeight)} px: ${frames(large.scroll)}`,
            `${large.scroll.longTasks} (${ms(large.scroll.longestTaskMs)})`,
            String(large.pageErrors.length)
          ]
        ]
      ),
      ''
    )
  }
  if (model !== undefined) {
    out.push(
      table(
        [
          'Entries (seqs)',
          'Session file',
          'Ingest (read, parse, `ingest`)',
          'JS heap after GC',
          '`stateAt` p50 / p99 / max',
          'CPU p50 / p99'
        ],
        [
          [
            `${count(model.entries)} (${count(model.baseSeq)}–${count(model.lastSeq)})`,
            mb(model.fileBytes),
            s(model.ingestMs),
            mb(model.heapUsed),
            `${ms(model.p50)} / ${ms(model.p99)} / ${ms(model.max)}`,
            `${ms(model.cpuP50)} / ${ms(model.cpuP99)}`
          ]
        ]
      ),
      ''
    )
  }
  return out
}
