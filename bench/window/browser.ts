/**
 * The window in Debian's Chromium, headless, driven by playwright-core (as test/e2e does), and what
 * the bench reads in the page: frame intervals from a requestAnimationFrame loop, long tasks, the
 * timeline's status line, the JS heap. Scripts run in the page are strings: tsx wraps the bench's
 * own functions in helpers the page does not have.
 */
import { execFileSync } from 'node:child_process'
import { performance } from 'node:perf_hooks'
import type { Browser, Page } from 'playwright-core'
import { CHROMIUM, launchChromium } from '../../test/e2e/harness'
import type { Endpoint } from '../lib/http'

/** The browser's name and version, as it prints them ("Chromium 156.0.…"). */
export function chromiumVersion(): string {
  try {
    return execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 30_000 }).trim()
  } catch (e) {
    return `${CHROMIUM} (its version unknown: ${e instanceof Error ? e.message : String(e)})`
  }
}

/** Frame intervals a meter keeps at most (over 25 minutes at 60 Hz). */
const MAX_FRAMES = 100_000

export interface Window {
  browser: Browser
  page: Page
  /** Errors the page logged or threw. */
  errors: string[]
  close(): Promise<void>
}

/**
 * Opens the window of a host at 1280×800; `goto` resolves once the page has loaded.
 * @param meter record frame intervals from the page's first script on (read them with `stopFrames`)
 */
export async function openWindow(host: Endpoint, { meter = false }: { meter?: boolean } = {}): Promise<Window> {
  const browser = await launchChromium(60_000)
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    const errors: string[] = []
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text())
    })
    page.on('pageerror', (e) => errors.push(String(e)))
    if (meter) await page.addInitScript(START_METER)
    await page.goto(`${host.origin}/?token=${host.token}`, { timeout: 60_000 })
    return { browser, page, errors, close: () => browser.close() }
  } catch (e) {
    await browser.close()
    throw e
  }
}

/** Frame intervals (ms, between consecutive requestAnimationFrame callbacks) and long tasks (ms). */
export interface FrameRecord {
  intervals: number[]
  longTasks: number[]
  /** `document.visibilityState` when read: a hidden page would have its frames throttled. */
  visibility: string
}

/** Records frame intervals and long tasks in the page, until `stopFrames`. */
const START_METER = `(() => {
  const m = { intervals: [], longTasks: [], last: 0, running: true, observer: undefined }
  globalThis.__benchFrames = m
  const tick = (t) => {
    if (!m.running) return
    if (m.last > 0 && m.intervals.length < ${MAX_FRAMES}) m.intervals.push(t - m.last)
    m.last = t
    requestAnimationFrame(tick)
  }
  requestAnimationFrame(tick)
  if (PerformanceObserver.supportedEntryTypes.includes('longtask')) {
    m.observer = new PerformanceObserver((list) => { for (const e of list.getEntries()) m.longTasks.push(e.duration) })
    m.observer.observe({ type: 'longtask' })
  }
})()`

/** Starts recording frame intervals in the page (one meter at a time). */
export async function startFrames(page: Page): Promise<void> {
  await page.evaluate(START_METER)
}

/** Stops the meter and reads what it recorded. */
export async function stopFrames(page: Page): Promise<FrameRecord> {
  return (await page.evaluate(`(() => {
    const m = globalThis.__benchFrames
    m.running = false
    m.observer?.disconnect()
    return { intervals: m.intervals, longTasks: m.longTasks, visibility: document.visibilityState }
  })()`)) as FrameRecord
}

/** The timeline's status line under the list: "N entries, seq A–B" ("1 entry, seq 0–0" for the base alone). */
export interface Status {
  entries: number
  baseSeq: number
  lastSeq: number
}

const STATUS = `(() => {
  const text = document.querySelector('.count')?.textContent ?? ''
  const m = /^(\\d+) entr(?:y|ies)(?:, seq (\\d+)–(\\d+))?/.exec(text)
  return m === null ? { entries: 0, baseSeq: -1, lastSeq: -1 } : { entries: Number(m[1]), baseSeq: Number(m[2] ?? -1), lastSeq: Number(m[3] ?? -1) }
})()`

export async function status(page: Page): Promise<Status> {
  return (await page.evaluate(STATUS)) as Status
}

/**
 * Waits until the status line shows entry `seq`, reading it every `pollMs`; false after `timeoutMs`.
 * (Playwright's waitForFunction evaluates a string predicate with eval, which the window's CSP forbids.)
 */
export async function waitForSeq(page: Page, seq: number, timeoutMs: number, pollMs = 100): Promise<boolean> {
  const deadline = performance.now() + timeoutMs
  for (;;) {
    if ((await status(page)).lastSeq >= seq) return true
    if (performance.now() > deadline) return false
    await new Promise((r) => setTimeout(r, pollMs))
  }
}

/** The page's JS heap: `performance.memory` (Chromium's, rounded), and V8's own count after a full GC, bytes. */
export interface Heap {
  used: number
  total: number
  usedAfterGc: number
}

export async function heap(page: Page): Promise<Heap> {
  const memory = (await page.evaluate('({ used: performance.memory.usedJSHeapSize, total: performance.memory.totalJSHeapSize })')) as {
    used: number
    total: number
  }
  const cdp = await page.context().newCDPSession(page)
  try {
    await cdp.send('HeapProfiler.collectGarbage')
    const { usedSize } = await cdp.send('Runtime.getHeapUsage')
    return { ...memory, usedAfterGc: usedSize }
  } finally {
    await cdp.detach()
  }
}

/** What scrolling the timeline from its top to its bottom did. */
export interface ScrollRecord extends FrameRecord {
  /** scrollHeight of the list, px, and where the last step left it. */
  scrollHeight: number
  scrollTop: number
  steps: number
  /** The seq shown in the last rendered row at the end. */
  lastRowSeq: number
}

/**
 * Scrolls the timeline list (role=listbox) from top to bottom in `steps` equal steps, one per frame
 * (setting scrollTop in the frame's callback), recording each frame's interval; at most `timeLimitMs`.
 */
export async function scrollTimeline(page: Page, steps: number, timeLimitMs: number): Promise<ScrollRecord> {
  return (await page.evaluate(`(async () => {
    const el = document.querySelector('[role=listbox]')
    const max = el.scrollHeight - el.clientHeight
    el.scrollTop = 0
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))
    const intervals = []
    const longTasks = []
    const observer = PerformanceObserver.supportedEntryTypes.includes('longtask')
      ? new PerformanceObserver((list) => { for (const e of list.getEntries()) longTasks.push(e.duration) })
      : undefined
    observer?.observe({ type: 'longtask' })
    const started = performance.now()
    let last = 0
    let i = 1
    await new Promise((resolve) => {
      const tick = (t) => {
        if (last > 0) intervals.push(t - last)
        last = t
        if (i > ${steps} || performance.now() - started > ${timeLimitMs}) return resolve()
        el.scrollTop = Math.round((max * i) / ${steps})
        i++
        requestAnimationFrame(tick)
      }
      requestAnimationFrame(tick)
    })
    observer?.disconnect()
    const rows = el.querySelectorAll('[role=option] .seq')
    const seqs = Array.from(rows, (r) => Number(r.textContent))
    return {
      intervals, longTasks, visibility: document.visibilityState, scrollHeight: el.scrollHeight, scrollTop: el.scrollTop,
      steps: i - 1, lastRowSeq: seqs.length > 0 ? Math.max(...seqs) : -1
    }
  })()`)) as ScrollRecord
}
