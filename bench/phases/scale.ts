/**
 * The scale phase: 1,000,000 state changes of the workload (in one of its shapes) into Patchscope's host with
 * one mirroring client, and, in every second run, one more client that stops reading from its
 * first event until the end. Then, on the host's full history: its memory, time travel to random
 * entries, export and import of the session, and the stalled client reading again.
 */
import { performance } from 'node:perf_hooks'
import { isDeepStrictEqual } from 'node:util'
import type { TimeTravel } from '../hosts/protocol'
import { json, send } from '../lib/http'
import { Mirror } from '../lib/mirror'
import { random } from '../lib/random'
import { CHANGES_PER_STEP, Session, type System } from '../lib/session'
import { mb } from '../lib/report'
import { shapeOptions, type Shape } from '../lib/shapes'
import { percentile } from '../lib/stats'

export interface ScaleRun {
  shape: Shape
  stalledClient: boolean
  /** The step the workload started at, and the conversation's length at the end. */
  startStep: number
  messages: number
  steps: number
  changes: number
  /** The seq of the last entry recorded, and the entries the history retains. */
  lastSeq: number
  retained: number
  historyBytes: number
  /** Host process CPU per change, µs (gross: the workload runs in the host's worker). */
  grossUs: number
  rate: number
  /** From the last action's answer until the mirroring client had every change. */
  catchUpMs: number
  /** Host RSS right after recording, after a full GC, and its peak while recording. */
  rss: number
  heapUsed: number
  external: number
  peakRss: number
  mismatches: number
  timeTravel: TimeTravel
  /** `GET /state?at=SEQ` over HTTP, ms (the state serialized as JSON included). */
  httpAtP99Ms: number
  exportMs: number
  exportBytes: number
  importMs: number
  /** The mirror, having followed the import's reset, equals `GET /state` afterwards. */
  importMirrorEqual: boolean
  stalled?: StalledResult
}

export interface StalledResult {
  /** Told of the gap with a `state.initial` carrying `gap: true`. */
  toldOfGap: boolean
  /** Its mirror equals `GET /state` once it caught up. */
  equal: boolean
  /** From reading again to having caught up, ms. */
  resumeMs: number
}

export interface ScaleOptions {
  changes: number
  burst: number
  timeLimitMs: number
  timeTravelSamples: number
  httpAtSamples: number
}

/**
 * One scale run. `startStep` 0 records the session's first changes; a later start records the same
 * number of changes ending later in the session, where the conversation (and each checkpoint) is larger.
 */
export async function scaleRun(
  shape: Shape,
  options: ScaleOptions,
  stalledClient: boolean,
  log: (line: string) => void,
  startStep = 0
): Promise<ScaleRun> {
  const session = await Session.open({ system: 'patchscope', clients: 1, ...shapeOptions(shape), startStep })
  const [mirror] = session.mirrors as [Mirror]
  try {
    const stalled = stalledClient ? await Mirror.connect(session.endpoint) : undefined
    stalled?.pause()
    const steps = Math.ceil(options.changes / CHANGES_PER_STEP)
    let reported = 0
    const d = await session.drive({
      steps,
      burst: options.burst,
      timeLimitMs: options.timeLimitMs,
      onBurst: (done) => {
        if (done - reported < steps / 10) return
        reported = done
        log(`    ${done} steps of ${steps} (client at seq ${mirror.lastSeq})`)
      }
    })
    const after = await session.usageAfterGc()
    const mismatches = await session.verify([mirror])
    const messages = (await json<{ conversation: { messages: unknown[] } }>(session.endpoint, 'GET', '/state')).conversation.messages.length
    log(
      `    recorded: ${d.changes} changes, RSS ${mb(after.rss)} after GC (heap ${mb(after.heapUsed)}, external ${mb(after.external)}, ` +
        `frames ${mb(after.historyBytes ?? 0)}), peak ${mb(d.after.maxRss)}`
    )

    let stalledResult: StalledResult | undefined
    if (stalled !== undefined) {
      const t0 = performance.now()
      stalled.resume()
      const last = after.lastSeq ?? 0
      await stalled.until((m) => m.lastSeq >= last, 300_000)
      const resumeMs = performance.now() - t0
      const state = await json<Record<string, unknown>>(session.endpoint, 'GET', '/state')
      stalledResult = { toldOfGap: stalled.gaps > 0, equal: isDeepStrictEqual(stalled.slices, state), resumeMs }
      stalled.close()
      log(
        `    the stalled client read again: ${stalledResult.toldOfGap ? 'told of the gap' : 'no gap'}, caught up in ${resumeMs.toFixed(0)} ms`
      )
    }

    const timeTravel = await session.child.timeTravel(options.timeTravelSamples, 6, 120_000)
    log(
      `    time travel: p50 ${timeTravel.p50.toFixed(2)} ms, p99 ${timeTravel.p99.toFixed(2)} ms over ${timeTravel.samples} random entries`
    )
    const httpAt = await httpTimeTravel(session, timeTravel.baseSeq, timeTravel.lastSeq, options.httpAtSamples)

    const e0 = performance.now()
    const exported = await send(session.endpoint, 'GET', '/history', { timeoutMs: 300_000 })
    const exportMs = performance.now() - e0
    if (exported.status !== 200) throw new Error(`GET /history answered ${exported.status}`)
    const i0 = performance.now()
    const imported = await send(session.endpoint, 'POST', '/history', {
      body: exported.body,
      type: 'application/x-ndjson',
      timeoutMs: 300_000
    })
    const importMs = performance.now() - i0
    if (imported.status !== 200) throw new Error(`POST /history answered ${imported.status}: ${imported.body.toString().slice(0, 300)}`)
    const { lastSeq: importedLast } = JSON.parse(imported.body.toString()) as { lastSeq: number }
    await mirror.until((m) => m.lastSeq >= importedLast, 300_000)
    const importMirrorEqual = (await session.verify([mirror])) === 0
    log(
      `    export ${(exportMs / 1000).toFixed(2)} s (${(exported.body.length / 2 ** 20).toFixed(0)} MB), import ${(importMs / 1000).toFixed(2)} s`
    )

    return {
      shape,
      stalledClient,
      startStep,
      messages,
      steps: d.steps,
      changes: d.changes,
      lastSeq: after.lastSeq ?? 0,
      retained: after.entries ?? 0,
      historyBytes: after.historyBytes ?? 0,
      grossUs: d.hostCpuUs / d.changes,
      rate: (d.changes / d.wallMs) * 1000,
      catchUpMs: d.catchUpMs,
      rss: after.rss,
      heapUsed: after.heapUsed,
      external: after.external,
      peakRss: d.after.maxRss,
      mismatches,
      timeTravel,
      httpAtP99Ms: httpAt,
      exportMs,
      exportBytes: exported.body.length,
      importMs,
      importMirrorEqual,
      ...(stalledResult !== undefined ? { stalled: stalledResult } : {})
    }
  } finally {
    await session.close()
  }
}

/** p99 of `GET /state?at=SEQ` for random retained entries, ms. */
async function httpTimeTravel(session: Session, baseSeq: number, lastSeq: number, samples: number): Promise<number> {
  const next = random(7)
  const times: number[] = []
  for (let i = 0; i < samples; i++) {
    const seq = baseSeq + 1 + Math.floor(next() * (lastSeq - baseSeq))
    const t0 = performance.now()
    const answer = await send(session.endpoint, 'GET', `/state?at=${seq}`)
    times.push(performance.now() - t0)
    if (answer.status !== 200) throw new Error(`GET /state?at=${seq} answered ${answer.status}`)
  }
  return percentile(times, 99)
}

export interface GapCheck {
  shape: Shape
  changes: number
  maxEntries: number
  /** The seq the stalled client had read up to (its socket's buffers included) when told of the gap. */
  stalledAt: number
  baseSeq: number
  toldOfGap: boolean
  equal: boolean
}

/**
 * A client that stops reading while the history drops more entries than its socket's buffers
 * hold: with a history limited to `maxEntries`, it must be told of the gap when it reads again.
 */
export async function gapCheck(shape: Shape, changes: number, maxEntries: number, log: (line: string) => void): Promise<GapCheck> {
  const session = await Session.open({ system: 'patchscope', clients: 1, ...shapeOptions(shape), startStep: 0, limits: { maxEntries } })
  try {
    const stalled = await Mirror.connect(session.endpoint)
    stalled.pause()
    await session.drive({ steps: Math.ceil(changes / CHANGES_PER_STEP), burst: 1000, timeLimitMs: 600_000 })
    const after = await session.child.usage()
    stalled.resume()
    await stalled.until((m) => m.lastSeq >= (after.lastSeq ?? 0), 300_000)
    const state = await json<Record<string, unknown>>(session.endpoint, 'GET', '/state')
    const result = {
      shape,
      changes: Math.ceil(changes / CHANGES_PER_STEP) * CHANGES_PER_STEP,
      maxEntries,
      stalledAt: stalled.seqBeforeGap ?? -1,
      baseSeq: after.baseSeq ?? 0,
      toldOfGap: stalled.gaps > 0,
      equal: isDeepStrictEqual(stalled.slices, state)
    }
    stalled.close()
    log(
      `  gap check: ${result.toldOfGap ? 'told of the gap' : 'NOT told of the gap'}, ${result.equal ? 'equal' : 'NOT equal'} to GET /state`
    )
    return result
  } finally {
    await session.close()
  }
}

export interface BaselineStalled {
  system: System
  changes: number
  /** Host RSS after a full GC, without and with a client that stops reading. */
  rssWithout: number
  rssWith: number
  /** The reading client's catch-up after the last action, without and with. */
  catchUpWithoutMs: number
  catchUpWithMs: number
}

/** The same stalled client against a baseline route, for a bounded number of changes. */
export async function baselineStalled(system: System, steps: number, log: (line: string) => void): Promise<BaselineStalled> {
  const run = async (stalledClient: boolean): Promise<{ rss: number; catchUpMs: number; changes: number }> => {
    const session = await Session.open({ system, clients: 1, ...shapeOptions('frozen'), startStep: 0 })
    try {
      const stalled = stalledClient ? await Mirror.connect(session.endpoint) : undefined
      stalled?.pause()
      const d = await session.drive({ steps, burst: 1000, timeLimitMs: 300_000 })
      const after = await session.usageAfterGc()
      stalled?.close()
      return { rss: after.rss, catchUpMs: d.catchUpMs, changes: d.changes }
    } finally {
      await session.close()
    }
  }
  const without = await run(false)
  const withStalled = await run(true)
  log(
    `  ${system} with a stalled client: RSS ${(withStalled.rss / 2 ** 20).toFixed(0)} MB against ${(without.rss / 2 ** 20).toFixed(0)} MB ` +
      `after ${withStalled.changes} changes`
  )
  return {
    system,
    changes: withStalled.changes,
    rssWithout: without.rss,
    rssWith: withStalled.rss,
    catchUpWithoutMs: without.catchUpMs,
    catchUpWithMs: withStalled.catchUpMs
  }
}
