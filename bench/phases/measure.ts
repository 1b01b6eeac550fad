/**
 * Repeated runs of one configuration, each in a fresh host: host CPU per state change (gross, and
 * net of what the workload alone costs for the same steps), end-to-end changes per second, and
 * whether every mirror ended equal to `GET /state`, and that to the state the step number gives.
 */
import { threadSplit } from '../hosts/protocol'
import { median } from '../lib/stats'
import { Session, workloadCpu, type System } from '../lib/session'
import { isMutating, SHAPE_TAG, shapeOf } from '../lib/shapes'
import type { Mutation } from '../workloads/agent.mjs'

/**
 * How long a runtime that changes its state in place is given, after the last change, for the
 * recorder to verify its copy and record what it found, before a mirror that differs is a mismatch.
 */
const SETTLE_MS = 30_000

export interface Config {
  system: System
  freeze: boolean
  /** Declared `immutable: true` on the workload's handle (see `lib/shapes.ts`). */
  immutable: boolean
  /** The workload changes its state in place (see `lib/shapes.ts`); absent: immutable updates. */
  mutate?: Mutation
  /** `false`: Patchscope's host keeps no journal (`--no-save`); absent: it journals, as by default. */
  journal?: boolean
  clients: number
  /** The step the workload starts at. */
  startStep: number
  /** Steps run before measuring, so that what is measured is not the JIT compiler warming up. */
  warmup: number
  steps: number
  burst: number
  timeLimitMs: number
}

export interface Sample {
  steps: number
  changes: number
  /** Host process CPU (every thread) per state change, µs. */
  grossUs: number
  /** The same, less the workload's own CPU measured alone for the same steps, µs. */
  netUs: number
  /** The workload's own CPU per state change, µs. */
  workloadUs: number
  /** State changes per second, from the first action until every mirror had every change. */
  rate: number
  catchUpMs: number
  /** Host CPU per state change by thread, µs: main thread, busiest other thread (the runtime's worker), the rest. */
  mainUs: number
  workerUs: number
  otherUs: number
  /** CPU of the bench process (the clients) per state change, µs. */
  clientUs: number
  /** Mirrors that did not end equal to `GET /state`. */
  mismatches: number
  /**
   * A runtime that changes its state in place: from the last mirror having the last entry the host
   * answered until every mirror equalled `GET /state`, ms (the recorder verifying its copy and
   * recording what it found). Absent for the other shapes, whose mirrors must be equal at once.
   */
  settleMs?: number
  /** `GET /state` was the state the workload's step number gives (absent from older results). */
  stateIsStep?: boolean
  /** Updates the recorder's verification found (changes made in place), warm-up included, as the first mirror saw them. */
  detected?: number
  /** Host RSS at the end, after a full GC, bytes. */
  rss: number
  /** How much that RSS grew over the measured steps, per state change, bytes. */
  rssPerChange: number
}

export interface Measured {
  config: Config
  samples: Sample[]
  /** Each figure's median over the samples. */
  median: Sample
}

export function describeConfig(c: Config): string {
  const from = (c.startStep + c.warmup).toLocaleString('en-US')
  return `${c.system}${SHAPE_TAG[shapeOf(c)]}, ${c.clients} client${c.clients === 1 ? '' : 's'}, ${c.steps} steps from step ${from}`
}

/**
 * Repeated runs of each of `configs`, taken in turn (run 1 of each, then run 2 of each, …), so that
 * a difference between them is not the machine's load drifting from one configuration's runs to the
 * next's: what the journal costs is such a difference.
 */
export async function measureAlternately(configs: readonly Config[], runs: number, log: (line: string) => void): Promise<Measured[]> {
  const samples = configs.map((): Sample[] => [])
  for (let run = 1; run <= runs; run++) {
    for (const [i, config] of configs.entries()) samples[i]?.push(await measureRun(config, run, runs, log))
  }
  return configs.map((config, i) => summarizeRuns(config, samples[i] ?? []))
}

/** One run of `config` in a fresh host, then the workload alone for the same steps. */
async function measureRun(config: Config, run: number, runs: number, log: (line: string) => void): Promise<Sample> {
  const session = await Session.open(config)
  let d: Awaited<ReturnType<Session['drive']>>
  let mismatches: number
  let settleMs: number | undefined
  let stateIsStep: boolean
  let detected: number
  let rss: number
  let rssStart: number
  try {
    await session.drive({ ...config, steps: config.warmup })
    rssStart = (await session.usageAfterGc()).rss
    d = await session.drive(config)
    if (isMutating(shapeOf(config))) {
      const settled = await session.settle(SETTLE_MS)
      mismatches = settled.mismatches
      settleMs = settled.ms
    } else mismatches = await session.verify()
    stateIsStep = await session.stateIsStep()
    detected = session.mirrors[0]?.detected ?? 0
    rss = (await session.usageAfterGc()).rss
  } finally {
    await session.close()
  }
  // Measured after the host has ended, so that the two do not share the CPU.
  const { freeze, immutable, mutate, startStep } = config
  const workload = await workloadCpu(
    { freeze, immutable, ...(mutate !== undefined ? { mutate } : {}), startStep },
    config.warmup,
    d.steps,
    config.burst
  )
  const split = threadSplit(d.before, d.after)
  const sample: Sample = {
    mainUs: split.mainUs / d.changes,
    workerUs: split.busiestUs / d.changes,
    otherUs: split.otherUs / d.changes,
    steps: d.steps,
    changes: d.changes,
    grossUs: d.hostCpuUs / d.changes,
    netUs: (d.hostCpuUs - workload) / d.changes,
    workloadUs: workload / d.changes,
    rate: (d.changes / d.wallMs) * 1000,
    catchUpMs: d.catchUpMs,
    clientUs: d.clientCpuUs / d.changes,
    mismatches,
    ...(settleMs !== undefined ? { settleMs } : {}),
    stateIsStep,
    detected,
    rss,
    rssPerChange: (rss - rssStart) / d.changes
  }
  log(
    `  ${describeConfig(config)} run ${run}/${runs}: ${sample.changes} changes, host ${sample.grossUs.toFixed(1)} µs/change ` +
      `(net ${sample.netUs.toFixed(1)}), ${Math.round(sample.rate)} changes/s, clients ${sample.clientUs.toFixed(1)} µs/change` +
      (sample.mismatches > 0 ? `, ${sample.mismatches} MIRRORS DIFFER` : ', mirrors equal GET /state') +
      (settleMs !== undefined ? ` (waited ${settleMs.toFixed(0)} ms after the last change)` : '') +
      (stateIsStep ? '' : ', GET /state is NOT the state of the step') +
      (detected > 0 ? `, ${detected} update${detected === 1 ? '' : 's'} found by verification` : '')
  )
  return sample
}

/** Each figure's median over the runs. */
function summarizeRuns(config: Config, samples: Sample[]): Measured {
  const pick = (f: (s: Sample) => number): number => median(samples.map(f))
  return {
    config,
    samples,
    median: {
      steps: pick((s) => s.steps),
      changes: pick((s) => s.changes),
      grossUs: pick((s) => s.grossUs),
      netUs: pick((s) => s.netUs),
      workloadUs: pick((s) => s.workloadUs),
      rate: pick((s) => s.rate),
      catchUpMs: pick((s) => s.catchUpMs),
      clientUs: pick((s) => s.clientUs),
      mainUs: pick((s) => s.mainUs),
      workerUs: pick((s) => s.workerUs),
      otherUs: pick((s) => s.otherUs),
      mismatches: Math.max(...samples.map((s) => s.mismatches)),
      ...(samples.some((s) => s.settleMs !== undefined) ? { settleMs: Math.max(...samples.map((s) => s.settleMs ?? 0)) } : {}),
      stateIsStep: samples.every((s) => s.stateIsStep !== false),
      detected: pick((s) => s.detected ?? 0),
      rss: pick((s) => s.rss),
      rssPerChange: pick((s) => s.rssPerChange)
    }
  }
}
