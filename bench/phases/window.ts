/**
 * The window's figures (issue 6): the built host (`out/main/cli.js`) on the workload and its
 * window in headless Chromium.
 * - Live: the workload driven at 10,000 changes a second for 10 s while the page records the
 *   interval of every frame; at the end, does the window hold every entry the host recorded?
 * - Large: a history of 1,000,000 changes recorded in the built host, exported, then opened in a
 *   window: how long it takes to hold every entry, its JS heap, and the frames while the timeline
 *   scrolls from top to bottom; then the window's model (`HistoryStore`) fed the exported file
 *   under Node, and timed on `stateAt` for random entries.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import type { ModelFigures } from '../hosts/renderer-model'
import { Child } from '../lib/child'
import { json, send, type Endpoint } from '../lib/http'
import { CHANGES_PER_STEP } from '../lib/session'
import type { Shape } from '../lib/shapes'
import { percentile } from '../lib/stats'
import {
  heap,
  openWindow,
  startFrames,
  status,
  stopFrames,
  scrollTimeline,
  waitForSeq,
  type FrameRecord,
  type Heap
} from '../window/browser'
import { startBuiltHost } from '../window/built-host'
import { STEP_ACTION } from '../workloads/agent.mjs'

/** A frame longer than this is one the issue's budget does not allow (p95 under 20 ms). */
export const FRAME_BUDGET_MS = 20

export interface FrameStats {
  frames: number
  p50: number
  p95: number
  max: number
  /** Frames longer than FRAME_BUDGET_MS. */
  over: number
  /** Long tasks (over 50 ms) the page reported: how many, the longest, and their sum, ms. */
  longTasks: number
  longestTaskMs: number
  longTasksMs: number
}

export function frameStats(r: FrameRecord): FrameStats {
  return {
    frames: r.intervals.length,
    p50: percentile(r.intervals, 50),
    p95: percentile(r.intervals, 95),
    max: r.intervals.length > 0 ? Math.max(...r.intervals) : Number.NaN,
    over: r.intervals.filter((x) => x > FRAME_BUDGET_MS).length,
    longTasks: r.longTasks.length,
    longestTaskMs: r.longTasks.length > 0 ? Math.max(...r.longTasks) : 0,
    longTasksMs: r.longTasks.reduce((a, b) => a + b, 0)
  }
}

export interface LiveFrames {
  shape: Shape
  /** The rate asked for, changes a second, and for how long. */
  targetRate: number
  seconds: number
  changes: number
  /** Changes a second the host took in, from the first action to the last answer. */
  rate: number
  /** The host's last seq after the last action, and the window's at that moment. */
  hostLastSeq: number
  windowLastSeqAtEnd: number
  /** From the last action's answer until the window showed the host's last entry, ms (NaN: not within the limit). */
  caughtUpMs: number
  /** The window equalled the host within a second of the last action. */
  keptUp: boolean
  windowEntries: number
  /** Frames over 2 s with nothing arriving (is rAF throttled headless?), and during the drive. */
  idle: FrameStats
  frames: FrameStats
  visibility: string
  heap: Heap
  pageErrors: string[]
}

export interface LargeWindow {
  shape: Shape
  changes: number
  recordMs: number
  hostLastSeq: number
  fileBytes: number
  /** From navigating to the window until its status line showed the host's last entry, ms (NaN: not within the limit). */
  loadMs: number
  windowEntries: number
  loadFrames: FrameStats
  heap: Heap
  scroll: FrameStats & { steps: number; scrollHeight: number; reachedBottom: boolean; lastRowSeq: number }
  pageErrors: string[]
}

export interface WindowResults {
  build: string
  chromium: string
  live: LiveFrames[]
  large?: LargeWindow
  model?: ModelFigures
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/**
 * Drives `rate` changes a second for `seconds`, in a burst every 100 ms (a late burst goes at once,
 * and the drive stops at `timeLimitMs`). Returns the steps done, the time taken and the last seq.
 */
async function paced(
  host: Endpoint,
  rate: number,
  seconds: number,
  timeLimitMs: number
): Promise<{ steps: number; ms: number; lastSeq: number }> {
  const slots = seconds * 10
  const steps = Math.round((rate * seconds) / CHANGES_PER_STEP)
  const t0 = performance.now()
  let done = 0
  let lastSeq = -1
  for (let k = 0; k < slots && performance.now() - t0 < timeLimitMs; k++) {
    const wait = t0 + k * 100 - performance.now()
    if (wait > 0) await sleep(wait)
    const target = Math.round((steps * (k + 1)) / slots)
    const answer = await json<{ seq: number }>(host, 'POST', '/actions', { type: STEP_ACTION, payload: { steps: target - done } })
    done = target
    lastSeq = answer.seq
  }
  return { steps: done, ms: performance.now() - t0, lastSeq }
}

/** The window while the workload runs at `rate` changes a second for `seconds`. */
export async function liveFrames(shape: Shape, rate: number, seconds: number, log: (line: string) => void): Promise<LiveFrames> {
  const host = await startBuiltHost(shape)
  try {
    const win = await openWindow(host)
    try {
      const { page } = win
      if (!(await waitForSeq(page, 0, 30_000))) throw new Error('the window did not show the initial state within 30 s')
      await startFrames(page)
      await sleep(2000)
      const idle = frameStats(await stopFrames(page))
      await startFrames(page)
      const d = await paced(host, rate, seconds, seconds * 3000)
      const atEnd = await status(page)
      const ended = performance.now()
      const frames = await stopFrames(page)
      const caught = await waitForSeq(page, d.lastSeq, 60_000, 20)
      const caughtUpMs = caught ? performance.now() - ended : Number.NaN
      const final = await status(page)
      const result: LiveFrames = {
        shape,
        targetRate: rate,
        seconds,
        changes: d.steps * CHANGES_PER_STEP,
        rate: (d.steps * CHANGES_PER_STEP * 1000) / d.ms,
        hostLastSeq: d.lastSeq,
        windowLastSeqAtEnd: atEnd.lastSeq,
        caughtUpMs,
        keptUp: caught && caughtUpMs <= 1000,
        windowEntries: final.entries,
        idle,
        frames: frameStats(frames),
        visibility: frames.visibility,
        heap: await heap(page),
        pageErrors: win.errors
      }
      log(
        `  live (${shape}): ${Math.round(result.rate)} changes/s, frames p50 ${result.frames.p50.toFixed(1)} / p95 ${result.frames.p95.toFixed(1)} / ` +
          `max ${result.frames.max.toFixed(0)} ms (idle p50 ${idle.p50.toFixed(1)} ms), window at seq ${atEnd.lastSeq} of ${d.lastSeq} at the end, ` +
          `caught up ${caught ? `${caughtUpMs.toFixed(0)} ms later` : 'NOT within 60 s'}`
      )
      return result
    } finally {
      await win.close()
    }
  } finally {
    await host.stop()
  }
}

/** A history of `changes` changes in the built host, its window opened and scrolled, and the window's model timed on it. */
export async function largeWindow(
  shape: Shape,
  changes: number,
  modelSamples: number,
  log: (line: string) => void
): Promise<{ large: LargeWindow; model: ModelFigures }> {
  const dir = mkdtempSync(join(tmpdir(), 'patchscope-bench-'))
  const file = join(dir, 'session.ndjson')
  try {
    // Every entry kept: the default limit of 1,000,000 would fold the oldest few thousand into the base.
    const host = await startBuiltHost(shape, ['--max-entries', String(changes + Math.ceil(changes / 50) + 10_000)])
    let large: LargeWindow
    try {
      const steps = Math.ceil(changes / CHANGES_PER_STEP)
      const r0 = performance.now()
      let lastSeq = -1
      for (let done = 0; done < steps && performance.now() - r0 < 1_800_000;) {
        const n = Math.min(2000, steps - done)
        lastSeq = (await json<{ seq: number }>(host, 'POST', '/actions', { type: STEP_ACTION, payload: { steps: n } }, 300_000)).seq
        done += n
        if (done % 50_000 === 0) log(`    ${done} steps of ${steps}`)
      }
      const recordMs = performance.now() - r0
      const exported = await send(host, 'GET', '/history', { timeoutMs: 300_000 })
      if (exported.status !== 200) throw new Error(`GET /history answered ${exported.status}`)
      writeFileSync(file, exported.body)
      log(
        `  large: ${steps * CHANGES_PER_STEP} changes recorded in ${(recordMs / 1000).toFixed(0)} s, last seq ${lastSeq}, exported ${exported.body.length} bytes`
      )

      const win = await openWindow(host, { meter: true })
      const t0 = performance.now()
      try {
        const { page } = win
        const loaded = await waitForSeq(page, lastSeq, 900_000, 250)
        const loadMs = loaded ? performance.now() - t0 : Number.NaN
        const loadFrames = frameStats(await stopFrames(page))
        const shown = await status(page)
        const h = await heap(page)
        log(
          `  large: the window holds ${shown.entries} entries ${loaded ? `after ${(loadMs / 1000).toFixed(1)} s` : '(NOT all within 15 min)'}`
        )
        const sc = await scrollTimeline(page, 1000, 120_000)
        const scroll = {
          ...frameStats(sc),
          steps: sc.steps,
          scrollHeight: sc.scrollHeight,
          reachedBottom: sc.lastRowSeq === lastSeq,
          lastRowSeq: sc.lastRowSeq
        }
        log(
          `  large: scrolled in ${scroll.steps} steps, frames p50 ${scroll.p50.toFixed(1)} / p95 ${scroll.p95.toFixed(1)} / max ${scroll.max.toFixed(0)} ms`
        )
        large = {
          shape,
          changes: steps * CHANGES_PER_STEP,
          recordMs,
          hostLastSeq: lastSeq,
          fileBytes: exported.body.length,
          loadMs,
          windowEntries: shown.entries,
          loadFrames,
          heap: h,
          scroll,
          pageErrors: win.errors
        }
      } finally {
        await win.close()
      }
    } finally {
      await host.stop()
    }
    const child = await Child.start('renderer-model', {})
    try {
      const model = (await child.request(
        { t: 'renderer-model', file, samples: modelSamples, seed: 8, budgetMs: 120_000 },
        900_000
      )) as ModelFigures
      log(
        `  model: ${model.entries} entries ingested in ${(model.ingestMs / 1000).toFixed(1)} s; stateAt p50 ${model.p50.toFixed(2)} / p99 ${model.p99.toFixed(2)} ms`
      )
      return { large, model }
    } finally {
      await child.close()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
