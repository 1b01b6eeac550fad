/**
 * The effects phase (issue 14): what recording the clock, randomness and timers costs a call, each
 * run in a process of its own (`effects-child.ts`: recording replaces that process's globals), the
 * median of `runs` runs. The budget's workload reads none of these: its rows do not include this.
 */
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { median } from '../lib/stats'
import { table, us } from '../lib/report'

/** One call's cost, real and recorded, in nanoseconds. */
export interface EffectCost {
  realNs: number
  recordedNs: number
}

export interface EffectsFigures {
  /** Calls timed of each kind (timers: a twentieth, at least 1,000). */
  calls: number
  runs: number
  /** The median of the runs, by call. */
  perCall: Record<string, EffectCost>
}

const CHILD = fileURLToPath(new URL('./effects-child.ts', import.meta.url))
const ROOT = fileURLToPath(new URL('../../', import.meta.url))

export function measureEffects(calls: number, runs: number, log: (line: string) => void): EffectsFigures {
  const each: Record<string, EffectCost>[] = []
  for (let run = 0; run < runs; run++) {
    const out = execFileSync(process.execPath, ['--import', 'tsx', CHILD, String(calls)], { cwd: ROOT, encoding: 'utf8' })
    each.push((JSON.parse(out) as { perCall: Record<string, EffectCost> }).perCall)
    log(`  run ${run + 1} of ${runs}`)
  }
  const perCall: Record<string, EffectCost> = {}
  for (const name of Object.keys(each[0] ?? {})) {
    perCall[name] = {
      realNs: median(each.map((e) => e[name]?.realNs ?? NaN)),
      recordedNs: median(each.map((e) => e[name]?.recordedNs ?? NaN))
    }
  }
  return { calls, runs, perCall }
}

/** The section of BENCHMARKS.md. */
export function effectsDetails(f: EffectsFigures): string[] {
  const rows = Object.entries(f.perCall).map(([name, c]) => [
    `\`${name}\``,
    us(c.realNs / 1000),
    us(c.recordedNs / 1000),
    us((c.recordedNs - c.realNs) / 1000)
  ])
  return [
    `### Recording effects (issue 14: ${f.calls.toLocaleString('en-US')} calls of each, the median of ${f.runs} run${f.runs === 1 ? '' : 's'}, a process of its own)`,
    '',
    table(['Call', 'Real', 'Recorded', 'Recording adds'], rows),
    '',
    'A runtime that reads the clock or randomness pays the last column a call while recording (the log is taken and ' +
      'stringified every 1,000 effects, as the outbox writes a note). The workload of the budgets reads none of these.',
    ''
  ]
}
