/**
 * The dispatcher under the window's Content Security Policy (`style-src 'self'`, from the host's
 * header and the page's meta tag): editing in it — a second edit typed over a selection that spans
 * the highlighted tokens, select-all and retype, closing brackets around a selection, completion —
 * makes Chromium refuse no inline style: no console message about the policy (warnings included:
 * the harness keeps only errors) and no `securitypolicyviolation` event.
 */
import type { ConsoleMessage, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openWindow, startHost, type RunningHost, type Window } from './harness'

/** What the page's functions use of the DOM (this file is typechecked without it). */
declare const window: {
  violations: string[]
  addEventListener(
    type: 'securitypolicyviolation',
    listener: (e: { violatedDirective: string; sourceFile: string; lineNumber: number }) => void
  ): void
  document: { createElement(tag: string): { setAttribute(name: string, value: string): void } }
}

let host: RunningHost
let win: Window
/** Every console message of the page, of any type. */
const logged: { type: string; text: string }[] = []

const dispatcher = (page: Page) => page.locator('section[aria-label=Dispatcher]')
const editor = (page: Page) => dispatcher(page).locator('.cm-content')

/** The editor's text, as shown. */
async function text(page: Page): Promise<string> {
  return (await editor(page).evaluate((el) => (el as unknown as { innerText: string }).innerText)).replace(/\u00a0/g, ' ')
}

/** What the page's `securitypolicyviolation` listener saw since the last call. */
async function violations(page: Page): Promise<string[]> {
  return page.evaluate(() => window.violations.splice(0))
}

/** The console's messages about the policy since the last call. */
function aboutPolicy(): string[] {
  const found = logged.filter((m) => /Content Security Policy|inline style|style-src/i.test(m.text)).map((m) => `${m.type}: ${m.text}`)
  logged.length = 0
  return found
}

/** Selects `n` characters left of the cursor, as Shift+← does. */
async function selectLeft(page: Page, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await page.keyboard.press('Shift+ArrowLeft')
}

/** After the linter's delay and a frame or two: what each step left behind is in. */
async function settle(page: Page): Promise<void> {
  await page.waitForTimeout(400)
}

beforeAll(async () => {
  host = await startHost('examples/counter.mjs')
  const seen = await host.api('/actions', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'counter/configure', payload: { max: 50 } })
  })
  expect(seen.status).toBe(200)
  win = await openWindow(host)
  win.page.on('console', (m: ConsoleMessage) => logged.push({ type: m.type(), text: m.text() }))
  // Listens for the policy's refusals from the start of the page (opened again to have it run).
  await win.page.addInitScript(() => {
    window.violations = []
    window.addEventListener('securitypolicyviolation', (e) => {
      window.violations.push(`${e.violatedDirective} at ${e.sourceFile || '(the browser)'}:${e.lineNumber}`)
    })
  })
  await win.page.reload()
  await win.page.locator('[role=option]', { hasText: 'counter/configure' }).first().waitFor()
})

afterAll(async () => {
  await win?.close()
  await host?.stop()
})

describe('the dispatcher under the Content Security Policy', () => {
  test('the listener sees a refused inline style (so that its silence below means something)', async () => {
    const { page } = win
    await page.evaluate(() => window.document.createElement('span').setAttribute('style', 'color: red'))
    await expect.poll(async () => (await violations(page)).length).toBeGreaterThan(0)
    await expect.poll(() => aboutPolicy().length).toBeGreaterThan(0)
    // The harness keeps it too, as an error: this one was made on purpose.
    win.errors.splice(0)
  })

  test('typing, then typing over a selection across tokens (the second edit), refuses no inline style', async () => {
    const { page } = win
    await page.locator('body').click()
    await page.keyboard.press('a')
    await dispatcher(page).waitFor()
    // A first edit: typed, closing brackets and completion at work.
    await page.keyboard.type('{"type": "counter/conf')
    await dispatcher(page).locator('.cm-tooltip-autocomplete li', { hasText: 'counter/configure' }).waitFor()
    await page.keyboard.type('x')
    await page.keyboard.press('End')
    expect(await text(page)).toBe('{"type": "counter/confx"}')
    await settle(page)
    expect(await violations(page)).toEqual([])
    expect(aboutPolicy()).toEqual([])

    // A second edit: the line selected from its end and typed over. (Chromium, deleting from the
    // brace's colour to the string's, kept the brace's as a style attribute on the new text.)
    await page.keyboard.press('Shift+Home')
    await page.keyboard.type('{"type": "counter/set-step"}')
    expect(await text(page)).toBe('{"type": "counter/set-step"}')
    await settle(page)
    expect(await violations(page)).toEqual([])
    expect(aboutPolicy()).toEqual([])

    // Typed over a selection inside a token and across two, and after it at a collapsed cursor.
    await selectLeft(page, 10)
    await page.keyboard.type('configure"}')
    expect(await text(page)).toBe('{"type": "counter/configure"}')
    await page.keyboard.press('ArrowLeft')
    await page.keyboard.type(', "payload": 3')
    expect(await text(page)).toBe('{"type": "counter/configure", "payload": 3}')
    // A bracket typed over a selection wraps it (closeBrackets' input handler still runs).
    await selectLeft(page, 1)
    await page.keyboard.type('[')
    expect(await text(page)).toBe('{"type": "counter/configure", "payload": [3]}')
    // Completion opens on text typed over a selection (it is typed input to CodeMirror).
    await page.keyboard.press('End')
    await page.keyboard.press('Shift+Home')
    await page.keyboard.type('{"type": "counter/conf')
    await dispatcher(page).locator('.cm-tooltip-autocomplete li', { hasText: 'counter/configure' }).waitFor()
    await page.keyboard.press('Escape')
    await page.keyboard.press('End')
    expect(await text(page)).toBe('{"type": "counter/conf"}')
    // Everything, over two lines, selected and typed over; then undone in one step.
    await page.keyboard.press('ControlOrMeta+a')
    await page.keyboard.type('{"type": "counter/increment"}')
    await page.keyboard.press('Enter')
    await page.keyboard.type('x')
    await page.keyboard.press('ControlOrMeta+a')
    await page.keyboard.type('{')
    expect(await text(page)).toBe('{{"type": "counter/increment"}\nx}')
    await page.keyboard.press('ControlOrMeta+z')
    expect(await text(page)).toBe('{"type": "counter/increment"}\nx')
    await settle(page)
    expect(await violations(page)).toEqual([])
    expect(aboutPolicy()).toEqual([])
    expect(win.errors).toEqual([])
  })
})
