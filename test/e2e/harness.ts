/**
 * End-to-end harness: the built headless host (`out/main/cli.js`) on a runtime module, and
 * Debian's Chromium driven by playwright-core, headless.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'
import type { DispatchResult } from '../../src/shared/protocol'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))
/** Debian's Chromium, or the one CHROMIUM_PATH names. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** Starts Chromium headless, as the end-to-end tests and the bench's window phase use it. */
export async function launchChromium(timeoutMs = 30_000): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium is not at ${CHROMIUM}: install Debian's chromium package (apt-get install chromium) or set CHROMIUM_PATH`)
  return chromium.launch({
    executablePath: CHROMIUM,
    timeout: timeoutMs,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run'
    ]
  })
}

export interface RunningHost {
  url: string
  token: string
  proc: ChildProcess
  /** A request to the host with the token. */
  api(path: string, init?: RequestInit): Promise<Response>
  stop(): Promise<void>
}

/** Starts the built host (on a module, if given) and waits for its `--json` line. */
export async function startHost(module: string | undefined, args: string[] = []): Promise<RunningHost> {
  const cli = `${ROOT}out/main/cli.js`
  if (!existsSync(cli)) throw new Error(`${cli} is missing: build first (npm run test:e2e builds)`)
  // Each host journals into a folder of its own, never the user's (unless the test chooses).
  const journal =
    args.includes('--session-dir') || args.includes('--no-save') ? [] : ['--session-dir', mkdtempSync(join(tmpdir(), 'patchscope-e2e-'))]
  const argv = [cli, ...(module !== undefined ? [module] : []), '--json', ...journal, ...args]
  const proc = spawn(process.execPath, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: proc.stdout as NodeJS.ReadableStream }).once('line', resolve)
    proc.once('exit', (code) => reject(new Error(`the host exited with ${code}: ${stderr}`)))
  })
  const { url, token } = JSON.parse(line) as { url: string; token: string }
  return {
    url,
    token,
    proc,
    api: (path, init = {}) => {
      const headers = new Headers(init.headers)
      headers.set('authorization', `Bearer ${token}`)
      return fetch(`${url}${path}`, { ...init, headers })
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve()
        proc.once('exit', () => resolve())
        proc.kill('SIGINT')
      })
  }
}

/** `POST /actions` with `action`; fails unless the host answers 200, saying what it answered. */
export async function sendAction(host: RunningHost, action: { type: string; payload?: unknown }): Promise<DispatchResult> {
  const res = await host.api('/actions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(action) })
  if (res.status !== 200) throw new Error(`POST /actions ${action.type} answered ${res.status}: ${await res.text()}`)
  return (await res.json()) as DispatchResult
}

export interface Window {
  browser: Browser
  page: Page
  /** Errors the page logged or threw. */
  errors: string[]
  close(): Promise<void>
}

/** Opens the window of a host in headless Chromium, at 1280×800. */
export async function openWindow(host: RunningHost): Promise<Window> {
  const browser = await launchChromium()
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
  const errors: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text())
  })
  page.on('pageerror', (e) => errors.push(String(e)))
  await page.goto(`${host.url}/?token=${host.token}`)
  return { browser, page, errors, close: () => browser.close() }
}

/** The seq of the selected timeline row. */
export async function selectedSeq(page: Page): Promise<number> {
  const text = await page.locator('[role=option][aria-selected=true] .seq').textContent()
  return Number(text)
}

/** Screenshots of a page as it is, at 1024 and 1440 px, light and dark, into `test-results/<folder>/<name>-<width>-<scheme>.png`. */
export async function screenshots(page: Page, folder: string, name: string): Promise<void> {
  const dir = `${ROOT}test-results/${folder}`
  mkdirSync(dir, { recursive: true })
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme })
    for (const [width, height] of [
      [1024, 768],
      [1440, 900]
    ] as const) {
      await page.setViewportSize({ width, height })
      writeFileSync(`${dir}/${name}-${width}-${scheme}.png`, await page.screenshot())
    }
  }
  await page.emulateMedia({ colorScheme: 'light' })
  await page.setViewportSize({ width: 1280, height: 800 })
}
