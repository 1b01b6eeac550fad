/**
 * The tables behind the budget table: every run of every configuration, the scale runs, the differ
 * alone, and how the figures were taken.
 */
import { count, mb, ms, rate, s, table, us } from './lib/report'
import { isMutating, SHAPE_NAME, shapeOf } from './lib/shapes'
import { describeConfig, type Measured } from './phases/measure'
import { atMost } from './verdicts'
import type { Components } from './phases/components'
import type { DifferFigures } from './phases/patches'
import type { ScaleRun } from './phases/scale'

export function runsTable(list: readonly Measured[]): string {
  return table(
    [
      'Configuration',
      'Runs',
      'Changes',
      'Host CPU/change gross (each run)',
      'Main / busiest other / rest of threads',
      'Workload alone',
      'Net',
      'Clients CPU/change',
      'End-to-end',
      'Catch-up',
      'RSS (growth/change)',
      'Mirrors'
    ],
    list.map((m) => [
      describeConfig(m.config),
      String(m.samples.length),
      count(m.median.changes),
      `${us(m.median.grossUs)} (${m.samples.map((x) => x.grossUs.toFixed(1)).join(', ')})`,
      `${us(m.median.mainUs)} / ${us(m.median.workerUs)} / ${us(m.median.otherUs)}`,
      us(m.median.workloadUs),
      us(m.median.netUs),
      us(m.median.clientUs),
      rate(m.median.rate),
      ms(m.median.catchUpMs),
      `${mb(m.median.rss)} (${count(m.median.rssPerChange)} B)`,
      mirrorsCell(m)
    ])
  )
}

/** Whether every mirror ended equal to `GET /state`, and that to the state of the workload's step. */
function mirrorsCell(m: Measured): string {
  const mirrors = m.median.mismatches === 0 ? 'equal' : `${m.median.mismatches} DIFFER`
  const settled =
    m.median.settleMs !== undefined && m.median.mismatches === 0 ? ` (within ${ms(m.median.settleMs)} of the last change)` : ''
  const step = m.median.stateIsStep === false ? "; GET /state NOT the step's state" : ''
  const found = (m.median.detected ?? 0) > 0 ? `; ${count(m.median.detected ?? 0)} found by verification` : ''
  return mirrors + settled + step + found
}

/** The runs of the runtimes that change their state in place: cost against the budgets, and whether the history ended exact. */
export function mutatingTable(steady: readonly Measured[], growth: readonly Measured[]): string {
  const rows: string[][] = []
  for (const m of [...steady, ...growth].filter((x) => x.config.system === 'patchscope' && isMutating(shapeOf(x.config)))) {
    const budget = m.config.startStep > 0 ? 100 : 10
    const exact =
      m.median.mismatches === 0
        ? `every mirror equal to GET /state${m.median.settleMs !== undefined ? ` within ${ms(m.median.settleMs)} of the last change` : ''}`
        : `**${m.median.mismatches} mirror${m.median.mismatches > 1 ? 's' : ''} NOT equal to GET /state** after 30 s`
    rows.push([
      describeConfig(m.config),
      SHAPE_NAME[shapeOf(m.config)],
      `${us(m.median.netUs)} (gross ${us(m.median.grossUs)})`,
      `≤ ${budget} µs: ${atMost(m.median.netUs, budget, us)}`,
      rate(m.median.rate),
      count(m.median.detected ?? 0),
      exact + (m.median.stateIsStep === false ? "; **GET /state was NOT the step's state**" : '')
    ])
  }
  return table(
    [
      'Configuration',
      'Shape',
      'Host CPU per change',
      "Against the budget's figure (extra row: no claim)",
      'End-to-end',
      'Updates found by verification (warm-up included)',
      'Recorded history at the end'
    ],
    rows
  )
}

export function scaleTable(list: readonly ScaleRun[]): string {
  return table(
    [
      'Run',
      'Shape',
      'Steps (messages at the end)',
      'Changes',
      'Entries (retained)',
      'Host CPU/change gross',
      'End-to-end',
      'RSS after GC',
      'Peak RSS',
      'Time travel p50 / p99 / max (CPU p99)',
      'Export',
      'Import',
      'Mirror'
    ],
    list.map((x, i) => [
      `${i + 1}${x.stalledClient ? ' (stalled client)' : ''}`,
      SHAPE_NAME[x.shape],
      `${count(x.startStep)}–${count(x.startStep + x.steps)} (${count(x.messages)})`,
      count(x.changes),
      `${count(x.lastSeq)} (${count(x.retained)})`,
      us(x.grossUs),
      rate(x.rate),
      mb(x.rss),
      mb(x.peakRss),
      `${ms(x.timeTravel.p50)} / ${ms(x.timeTravel.p99)} / ${ms(x.timeTravel.max)} (${ms(x.timeTravel.cpuP99)})`,
      s(x.exportMs),
      s(x.importMs),
      x.mismatches === 0 && x.importMirrorEqual ? 'equal' : 'DIFFERS'
    ])
  )
}

export function differTable(list: readonly DifferFigures[]): string {
  return table(
    [
      'Shape',
      'Messages',
      'Changes',
      'Snapshot.update',
      "fast-json-patch's compare",
      'Wrong effect',
      "compare's ops reordered",
      'Ops otherwise different'
    ],
    list.map((d) => [
      SHAPE_NAME[d.shape],
      count(d.messages),
      count(d.changes),
      us(d.snapshotUs),
      us(d.compareUs),
      String(d.wrong),
      String(d.reordered),
      String(d.differentOps)
    ])
  )
}

export function componentsTable(list: readonly Components[]): string {
  return table(
    [
      'Shape',
      'From step',
      'Messages at the end',
      'Changes',
      'Workload (not the host)',
      'Diff',
      'Copy and verification',
      'Cause',
      'Serialize',
      'Structured clone',
      'History.append',
      'Checkpoints',
      'Journal (all threads)',
      'Host parts, sum'
    ],
    list.map((c) => [
      SHAPE_NAME[c.shape],
      count(c.startStep),
      count(c.messages),
      count(c.changes),
      us(c.workload),
      us(c.diff),
      us(c.verify),
      us(c.cause),
      us(c.serialize),
      us(c.clone),
      us(c.append),
      us(c.checkpoint),
      c.journal !== undefined ? us(c.journal) : 'not run',
      us(c.diff + c.verify + c.cause + c.serialize + c.clone + c.append + c.checkpoint + (c.journal ?? 0))
    ])
  )
}

export const METHOD = `## Method

- **Hosts in child processes.** Patchscope's host (\`Host.create\` + \`startServer\`, from source through tsx, the
  runtime in its worker thread) and each baseline run in a child process of the bench; the SSE clients run in the
  bench process. Host CPU is the child's \`process.cpuUsage()\` (user + system, every thread of the process), read
  over IPC before the first action and after the last client has every change; memory is the child's RSS.
- **Net of the workload.** The workload runs inside the host (in Patchscope's worker thread; in the baselines'
  main thread), so the host's CPU includes the workload's own updates. The same steps are run again in a
  process of their own with nothing listening, and that CPU is subtracted: "net" is what recording and serving
  cost. The budgets are judged on the net figure; the gross one is shown beside it.
- **Workload** (\`bench/workloads/agent.mjs\`): 200 messages of 400 characters, 50 tool definitions, a usage
  counter and a step counter; a step streams a token into the last message (every 20th starts a new one), bumps
  both counters (3 state changes a step) and every 100th reports an execution status. Updates are immutable
  unless a runtime that changes its state in place is asked for (\`mutate\`, below); \`startStep\` builds the state
  that many steps produce directly (\`stateAtStep\`, the same in every shape), so the growth phase measures the state
  of step 1,000,000 without spending the time to grow it through the host.
- **Shapes** (\`bench/lib/shapes.ts\`). Every budget is claimed for **the default**: the same immutable updates on
  plain objects, nothing frozen, nothing declared, as most users write code; its row is the budget's, first under
  each figure. Extra rows, labelled as such and never the budget's verdict: *frozen* as Immer freezes and
  *unfrozen with \`immutable: true\`* on the runtime's handle (the recorder then trusts every unchanged reference,
  unverified), which the user opts into; and two runtimes that change their state in place (1 client, steady and
  growth phases only): *in place* (\`mutate: 'in-place'\`: the same objects changed, \`before === after\`) and
  *nested* (\`mutate: 'nested'\`: each slice's root and the messages array replaced, the last message object changed
  in place). The patches of the immutably updated shapes are the same, so the history, its export and the window's
  work are too. The baselines record the default shape.
- **The journal.** Patchscope's host journals as the CLI and the desktop app do by default (\`startJournal\`, passed to
  \`startServer\`): every recorded entry is appended to a session file, written and synced by a timer every 500 ms.
  The bench's host writes it into a fresh temporary folder (\`os.tmpdir()\`, on the same disk as a user's data
  folder here) removed when the host ends, never the user's; the built host of the window phase gets
  \`--session-dir\` with such a folder. The extra row *the default with the journal off* (\`--no-save\`; steady and
  growth phases, not scale or window) is measured with the default, their runs in turn (run 1 of each, then run 2,
  …), so that the machine's load drifting does not fall on one of them; what journaling costs per change is the
  default's median net host CPU less that row's, as a share of that row's (budget of issue 16: at most a tenth
  more), with each pair of runs' difference beside it to show the noise. With less noise, "Where a change goes"
  has the journal's own column: a \`Journal\` over the in-process history, flushed once every 15,000 changes (about
  what its 500 ms timer finds in the steady phase's host), in process CPU time (its writes and syncs run in the I/O
  pool).
- **Driving.** \`POST /actions\` \`{"type": "bench/steps", "payload": {"steps": N}}\` in bursts (1,000 steps; 2,000 in
  the scale phase), one after the other. End-to-end rate: state changes over the time from the first action until
  every client has applied every change.
- **Clients** are real SSE connections (\`GET /events\`, own socket each) that parse every frame and apply every
  patch with fast-json-patch's \`applyPatch\`; at the end each mirror is compared with \`GET /state\`
  (\`isDeepStrictEqual\`), and \`GET /state\` with the state the workload's step number gives (\`stateAtStep\`): equal
  both ways, the recorded history ended exact. A runtime that changes its state in place may make changes the
  recorder finds only when it verifies its copy: a mirror has caught up (and the host's CPU is read) once it holds
  the last entry the host answered, then it is given up to 30 s to equal \`GET /state\`; that wait is shown, and
  the host's CPU during it is not counted. The stalled client reads its first event, then stops reading its socket
  until the end.
- **Baselines** (\`bench/baselines/\`): the seed's route, ported as it is (per connection: fast-json-patch
  \`compare\` against its own last state, \`JSON.stringify\` per client, hono's \`writeSSE\`); and the full-state style
  (the whole slice on every change, serialized once and written to every client, every state kept by reference).
  Both run the workload in their own main thread, as the seed does, in the default shape (the budget's). Their
  sizes are smaller where they are slow (see Details); every loop is bounded in steps and time.
- **Time travel** is \`History.stateAt(seq)\` for random retained entries, timed in the host process;
  \`GET /state?at=\` over HTTP is shown beside it (it adds serializing the state as JSON).
- **Threads.** Each thread's CPU is read from \`/proc/self/task/*/stat\` (10 ms ticks): the main thread, the busiest
  other thread (in Patchscope's host the runtime's worker) and the rest (V8's GC and compiler helpers, I/O).
- **Warm-up.** Each run first drives some steps unmeasured (the workload-alone run does the same; the Details say
  at which step measuring starts), so that the figures are not the JIT compiler warming up.
- **The window** runs as a user runs it: the built headless host (\`node out/main/cli.js <workload> --json\`, built
  by \`npx electron-vite build\` at the start of the run when \`out/\` is older than \`src/\`), its page in Debian's
  Chromium (headless, software rendering, 1280×800) driven by playwright-core. Frame intervals are the gaps between
  consecutive \`requestAnimationFrame\` callbacks of a loop in the page (long tasks from a \`PerformanceObserver\`);
  2 s with nothing arriving show whether headless Chromium throttles frames. *Live*: the workload driven at 10,000
  changes a second for 10 s (a \`POST /actions\` burst every 100 ms; a late one goes at once); the window kept up
  when its status line ("N entries, seq A–B") shows the host's last seq within 1 s of the last answer.
  *Large*: 1,000,000 changes recorded into the built host (every entry kept: \`--max-entries\` above the count),
  the window opened on it (\`?since=0\`: the whole history), timed until its status line shows the last seq, its JS
  heap read (\`performance.memory\`, and V8's count after a full GC over the DevTools protocol); then the timeline
  (\`role=listbox\`, 26 px a row) scrolled from top to bottom in 1,000 equal steps of \`scrollTop\`, one a frame.
- **The window's model** (\`HistoryStore\`, \`src/renderer/src/lib/model/store.ts\`) runs under Node in a child
  process: fed the large history's exported session file line by line (the first event through \`reset\`, every
  later one through \`ingest(JSON.parse(line), line)\`, as the window feeds it from the stream), then
  \`stateAt(i)\` timed for 2,000 random entries, in wall and process CPU time.
- **Noise.** The machine has 2 cores shared with other work; the load averages above say how busy it was. In the
  window's figures the host, Chromium's processes and the bench share them.

## What this does not measure

- The window in Electron (its binary is not installed here): Chromium 156 headless stands in, with software
  rendering (\`--disable-gpu\`); frames are those of the page's main thread, not what a display showed.
- The window's model in Chromium's V8 (it is timed under Node's V8 11.3).
- The host as the desktop app runs it: Electron's Node and V8 (its binary is not installed here) and the built
  bundle. From source, tsx's esbuild output wraps closures created in hot paths in \`__name(...)\` calls
  (\`keepNames\`); in the profiles that is about 3–5 % of the worker thread's time.
- The growth phase's history holds only its own few thousand entries: the state is the one of step 1,000,000,
  the history is not. The scale phase has full 1,000,000-change histories: three from step 0 (up to 16,900
  messages), and a last run whose changes end at step 1,000,000 (33,500 to 50,200 messages), for its memory,
  time travel, export and import; its CPU per change is shown gross only (the workload alone was not rerun). The
  runtimes that change their state in place have no scale run (a slice found changed in place is compared in full:
  1,000,000 changes would take hours), no 8-client run and no window run.
- The differ alone and the parts of a change (\`phases/patches.ts\`, \`phases/components.ts\`) run the shapes updated
  immutably only (the differ needs the state before each change), with the compare policy each builds its snapshot with.
- The full-state style at 1,000,000 entries: its memory is extrapolated from its own run, linearly (its states
  grow with the conversation, so that underestimates it).
`
