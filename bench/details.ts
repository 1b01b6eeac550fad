/**
 * The tables behind the budget table: every run of every configuration, the scale runs, the differ
 * alone, and how the figures were taken.
 */
import { count, mb, ms, rate, s, table, us } from './lib/report'
import { describeConfig, type Measured } from './phases/measure'
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
      m.median.mismatches === 0 ? 'equal' : `${m.median.mismatches} DIFFER`
    ])
  )
}

export function scaleTable(list: readonly ScaleRun[]): string {
  return table(
    [
      'Run',
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
      'Workload',
      'Messages',
      'Changes',
      'Snapshot.update',
      "fast-json-patch's compare",
      'Wrong effect',
      "compare's ops reordered",
      'Ops otherwise different'
    ],
    list.map((d) => [
      d.freeze ? 'frozen' : 'unfrozen',
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
      'From step',
      'Messages at the end',
      'Changes',
      'Workload (not the host)',
      'Diff',
      'Cause',
      'Serialize',
      'Structured clone',
      'History.append',
      'Checkpoints',
      'Host parts, sum'
    ],
    list.map((c) => [
      count(c.startStep),
      count(c.messages),
      count(c.changes),
      us(c.workload),
      us(c.diff),
      us(c.cause),
      us(c.serialize),
      us(c.clone),
      us(c.append),
      us(c.checkpoint),
      us(c.diff + c.cause + c.serialize + c.clone + c.append + c.checkpoint)
    ])
  )
}

export const METHOD = `## Method

- **Hosts in child processes.** Patchscope's host (\`Host.create\` + \`startServer\`, from source through tsx, the
  runtime in its worker thread) and each baseline run in a child process of the bench; the SSE clients run in the
  bench process. Host CPU is the child's \`process.cpuUsage()\` (user + system, every thread of the process), read
  over IPC before the first action and after the last client has every change; memory is the child's RSS.
- **Net of the workload.** The workload runs inside the host (in Patchscope's worker thread; in the baselines'
  main thread), so the host's CPU includes the workload's own immutable updates. The same steps are run again in a
  process of their own with nothing listening, and that CPU is subtracted: "net" is what recording and serving
  cost. The budgets are judged on the net figure; the gross one is shown beside it.
- **Workload** (\`bench/workloads/agent.mjs\`): 200 messages of 400 characters, 50 tool definitions, a usage
  counter and a step counter; a step streams a token into the last message (every 20th starts a new one), bumps
  both counters (3 state changes a step) and every 100th reports an execution status. Updates are immutable and
  frozen as Immer freezes; \`startStep\` builds the state that many steps produce directly, so the growth phase
  measures the state of step 1,000,000 without spending the time to grow it through the host.
- **Driving.** \`POST /actions\` \`{"type": "bench/steps", "payload": {"steps": N}}\` in bursts (1,000 steps; 2,000 in
  the scale phase), one after the other. End-to-end rate: state changes over the time from the first action until
  every client has applied every change.
- **Clients** are real SSE connections (\`GET /events\`, own socket each) that parse every frame and apply every
  patch with fast-json-patch's \`applyPatch\`; at the end each mirror is compared with \`GET /state\`
  (\`isDeepStrictEqual\`). The stalled client reads its first event, then stops reading its socket until the end.
- **Baselines** (\`bench/baselines/\`): the seed's route, ported as it is (per connection: fast-json-patch
  \`compare\` against its own last state, \`JSON.stringify\` per client, hono's \`writeSSE\`); and the full-state style
  (the whole slice on every change, serialized once and written to every client, every state kept by reference).
  Both run the workload in their own main thread, as the seed does. Their sizes are smaller where they are slow
  (see Details); every loop is bounded in steps and time.
- **Time travel** is \`History.stateAt(seq)\` for random retained entries, timed in the host process;
  \`GET /state?at=\` over HTTP is shown beside it (it adds serializing the state as JSON).
- **Threads.** Each thread's CPU is read from \`/proc/self/task/*/stat\` (10 ms ticks): the main thread, the busiest
  other thread (in Patchscope's host the runtime's worker) and the rest (V8's GC and compiler helpers, I/O).
- **Warm-up.** Each run first drives some steps unmeasured (the workload-alone run does the same; the Details say
  at which step measuring starts), so that the figures are not the JIT compiler warming up.
- **Noise.** The machine has 2 cores shared with other work; the load averages above say how busy it was.

## What this does not measure

- The renderer's model (time travel in the window): a later part of issue 6.
- The host as the desktop app runs it: Electron's Node and V8 (its binary is not installed here) and the built
  bundle. From source, tsx's esbuild output wraps closures created in hot paths in \`__name(...)\` calls
  (\`keepNames\`); in the profiles that is about 3–5 % of the worker thread's time.
- The growth phase's history holds only its own few thousand entries: the state is the one of step 1,000,000,
  the history is not. The scale phase has full 1,000,000-change histories: three from step 0 (up to 16,900
  messages), and a last run whose changes end at step 1,000,000 (33,500 to 50,200 messages), for its memory,
  time travel, export and import; its CPU per change is shown gross only (the workload alone was not rerun).
- The full-state style at 1,000,000 entries: its memory is extrapolated from its own run, linearly (its states
  grow with the conversation, so that underestimates it).
`
