/**
 * The cost of recording effects (issue 14), in a process of its own (the recording replaces this
 * process's globals): each read of the clock and randomness, and each timer, with the real globals
 * and then recorded, taking the log every 1,000 effects as the outbox does when it writes a note.
 * Prints one JSON line: nanoseconds a call, real and recorded.
 */
import { installGlobals } from '../../src/host/runtime/effects/globals'
import { real } from '../../src/host/runtime/effects/real'
import { EffectLog } from '../../src/host/runtime/effects/record'

const N = Number(process.argv[2] ?? 200_000)
const TIMERS = Math.max(1000, N / 20)
let sink = 0

function perCall(task: () => unknown, n: number, log?: EffectLog): number {
  for (let i = 0; i < Math.min(n, 10_000); i++) task()
  log?.take()
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < n; i++) {
    const v = task()
    if (typeof v === 'number') sink += v
    if (log !== undefined && i % 1000 === 999) sink += JSON.stringify({ note: 'effects', effects: log.take() ?? [] }).length
  }
  return Number(process.hrtime.bigint() - t0) / n
}

async function timers(n: number, log?: EffectLog): Promise<number> {
  const t0 = process.hrtime.bigint()
  await new Promise<void>((resolve) => {
    let left = n
    for (let i = 0; i < n; i++)
      setTimeout(() => {
        if (log !== undefined && left % 1000 === 0) log.take()
        if (--left === 0) resolve()
      }, 0)
  })
  return Number(process.hrtime.bigint() - t0) / n
}

// node:crypto's own functions, read through the module object so that the pinned ones are called once installed.
const nodeCrypto = (await import('node:crypto')) as unknown as { default: typeof import('node:crypto') }
const calls = {
  'Date.now': () => Date.now(),
  'new Date': () => new Date(),
  'performance.now': () => performance.now(),
  'process.hrtime.bigint': () => Number(process.hrtime.bigint() & 1n),
  'Math.random': () => Math.random(),
  'crypto.randomUUID': () => crypto.randomUUID(),
  "node:crypto's randomBytes(16)": () => nodeCrypto.default.randomBytes(16).length,
  "node:crypto's randomInt(6)": () => nodeCrypto.default.randomInt(6)
}
const out: Record<string, { realNs: number; recordedNs: number }> = {}
for (const [name, task] of Object.entries(calls)) out[name] = { realNs: perCall(task, N), recordedNs: 0 }
const timerReal = await timers(TIMERS)
const log = new EffectLog()
installGlobals(log)
for (const [name, task] of Object.entries(calls)) (out[name] as { recordedNs: number }).recordedNs = perCall(task, N, log)
out['setTimeout + fire'] = { realNs: timerReal, recordedNs: await timers(TIMERS, log) }
real.setImmediate(() => undefined)
process.stdout.write(JSON.stringify({ calls: N, timers: TIMERS, perCall: out, sink: sink > 0 }) + '\n')
