/**
 * The dispatcher (issue 12), in Chromium under the window's Content Security Policy: a JSON editor
 * with completion of the action types seen (their last action as a template), inline outcomes and
 * errors, what was sent, and "dispatch again" from an entry.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openWindow, screenshots, startHost, type RunningHost, type Window } from './harness'

/** What the page's functions use of the DOM (this file is typechecked without it). */
declare const getComputedStyle: (el: unknown) => { display: string; fontFamily: string }
declare const ShadowRoot: new () => object

let host: RunningHost
let win: Window

async function dispatch(h: RunningHost, action: unknown): Promise<void> {
  const res = await h.api('/actions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(action) })
  expect(res.status).toBe(200)
}

/** The number of entries the host holds (its export: a header, the events, a closing line). */
async function entries(h: RunningHost): Promise<number> {
  return (await (await h.api('/history')).text()).trimEnd().split('\n').length - 2
}

const dispatcher = (page: Page) => page.locator('section[aria-label=Dispatcher]')
const editor = (page: Page) => dispatcher(page).locator('.cm-content')
const outcome = (page: Page) => dispatcher(page).locator('.outcome')
/** What the line under the editor says of the last send. */
const said = async (page: Page): Promise<string | undefined> => (await outcome(page).textContent())?.trim()

/** Replaces the editor's text, as typed (completion and closing brackets apply) or inserted at once. */
async function write(page: Page, text: string, how: 'type' | 'insert' = 'insert'): Promise<void> {
  await editor(page).focus()
  await page.keyboard.press('ControlOrMeta+a')
  await page.keyboard.press('Backspace')
  if (how === 'type') await page.keyboard.type(text)
  else await page.keyboard.insertText(text)
}

async function text(page: Page): Promise<unknown> {
  return JSON.parse((await editor(page).evaluate((el) => (el as unknown as { innerText: string }).innerText)).replace(/\u00a0/g, ' '))
}

beforeAll(async () => {
  host = await startHost('examples/counter.mjs')
  // Actions seen before the window opens: completion offers them, the last of each as its template.
  await dispatch(host, { type: 'counter/increment' })
  await dispatch(host, { type: 'counter/configure', payload: { max: 50 } })
  await dispatch(host, { type: 'counter/configure', payload: { max: 40, wrap: true } })
  await dispatch(host, { type: 'counter/set-step', payload: 2, meta: { source: 'test' } })
  win = await openWindow(host)
  await win.page.locator('[role=option]', { hasText: 'counter/set-step' }).first().waitFor()
})

afterAll(async () => {
  await win?.close()
  await host?.stop()
})

describe('the dispatcher', () => {
  test('opens with `a`, styled by CodeMirror under the CSP (no inline style refused)', async () => {
    const { page } = win
    await page.locator('body').click()
    await page.keyboard.press('a')
    await dispatcher(page).waitFor()
    // The editor has the focus: what is typed goes into it, not to the window's shortcuts.
    expect(await editor(page).evaluate((el) => el.getRootNode() instanceof ShadowRoot && el.matches(':focus'))).toBe(true)
    // CodeMirror's own styles are applied (its base theme makes the editor a flex box)…
    expect(
      await dispatcher(page)
        .locator('.cm-editor')
        .evaluate((el) => getComputedStyle(el).display)
    ).toBe('flex')
    // …and the app's theme reaches into its shadow root.
    expect(await editor(page).evaluate((el) => getComputedStyle(el).fontFamily)).toMatch(/monospace/)
    // …with no <style> element refused by the policy.
    expect(win.errors.filter((e) => /Content Security Policy|inline style/i.test(e))).toEqual([])
  })

  test('completes a type seen, fills its last action as a template, sends it: recorded, inline and in the timeline', async () => {
    const { page } = win
    await write(page, 'counter/conf', 'type')
    const option = dispatcher(page).locator('.cm-tooltip-autocomplete li', { hasText: 'counter/configure' })
    await option.waitFor()
    await screenshots(page, 'dispatcher', 'completion')
    // A click (Enter too, once the list has been open for CodeMirror's interaction delay).
    await option.click()
    expect(await text(page)).toEqual({ type: 'counter/configure', payload: { max: 40, wrap: true } })
    // The template sent as it is changes nothing: the settings are these already. The history keeps
    // the action (its input note and its 'no change' note, the last entry, which the answer names)
    // and the state stays as it was.
    const state = async (): Promise<unknown> => (await host.api('/state')).json()
    const settings = await state()
    const before = await entries(host)
    await page.keyboard.press('ControlOrMeta+Enter')
    await expect.poll(() => said(page)).toMatch(/changed nothing \(the history ends at #\d+\)/)
    const ends = Number((await said(page))?.match(/#(\d+)/)?.[1])
    expect(ends).toBeGreaterThanOrEqual(before)
    expect(await entries(host)).toBe(ends + 1)
    expect(await state()).toEqual(settings)
    // Grouped by action, the timeline shows it as an action that changed nothing.
    await page
      .locator('[role=option].unit.none', { hasText: 'counter/configure' })
      .filter({ has: page.locator('.seq', { hasText: new RegExp(`^${ends}$`) }) })
      .waitFor()

    // Edited, it records the settings' change: the outcome names the entry, and the timeline shows it.
    await write(page, '{"type": "counter/configure", "payload": {"max": 7}}')
    await page.keyboard.press('ControlOrMeta+Enter')
    await expect.poll(() => said(page)).toMatch(/^Recorded #\d+/)
    // Its one entry, after its input note; the history's last (the note that ends the configure
    // before, written as this one starts, is not this action's).
    expect(await said(page)).toMatch(/^Recorded #\d+ \(1 entry\)/)
    const [, first, last] = (await said(page))?.match(/^Recorded #(\d+)(?:–#(\d+))?/) ?? []
    const seq = Number(last ?? first)
    expect(seq).toBeGreaterThan(ends + 1)
    expect(await entries(host)).toBe(seq + 1)
    const row = page
      .locator('[role=option]', { hasText: 'counter/configure' })
      .filter({ has: page.locator('.seq', { hasText: new RegExp(`^${seq}$`) }) })
    await row.first().waitFor()
    expect(((await (await host.api('/state')).json()) as { settings: { max: number } }).settings.max).toBe(7)
    await outcome(page)
      .getByRole('button', { name: `Show #${first}` })
      .click()
    await page.locator('[role=option][aria-selected=true] .seq', { hasText: new RegExp(`^${first}$`) }).waitFor()
  })

  test('completes inside "type" too, and Ctrl+Space lists every type seen', async () => {
    const { page } = win
    await write(page, '{"type": "counter/se', 'type')
    await dispatcher(page).locator('.cm-tooltip-autocomplete li', { hasText: 'counter/set-step' }).click()
    expect(await text(page)).toEqual({ type: 'counter/set-step', payload: 2, meta: { source: 'test' } })
    await write(page, '')
    await page.keyboard.press('Control+Space')
    await dispatcher(page).locator('.cm-tooltip-autocomplete li').first().waitFor()
    const labels = await dispatcher(page).locator('.cm-tooltip-autocomplete li .cm-completionLabel').allTextContents()
    expect(labels).toEqual(expect.arrayContaining(['counter/increment', 'counter/configure', 'counter/set-step']))
    await page.keyboard.press('Escape')
    // Esc closed the list, not the dispatcher.
    expect(await dispatcher(page).isVisible()).toBe(true)
  })

  test('shows a JSON error inline, where it is, and sends nothing', async () => {
    const { page } = win
    const before = await entries(host)
    await write(page, '{"type": "counter/increment",}')
    await page.keyboard.press('ControlOrMeta+Enter')
    const problem = dispatcher(page).locator('.problem')
    await expect.poll(async () => (await problem.textContent())?.trim()).toMatch(/^Not sent\. Not JSON: .* \(line 1, column 30\)/)
    expect(await problem.getAttribute('role')).toBe('alert')
    await dispatcher(page).locator('.cm-lintRange-error').waitFor()
    await write(page, '{"type": 3}')
    await page.keyboard.press('ControlOrMeta+Enter')
    await expect.poll(async () => (await problem.textContent())?.trim()).toBe('Not sent. An action needs a "type": a non-empty string')
    // Typing again: the problem is said as it is, no longer as a refusal.
    await page.keyboard.press('End')
    await page.keyboard.type(' ')
    await expect.poll(async () => (await problem.textContent())?.trim()).toBe('An action needs a "type": a non-empty string')
    expect(await problem.getAttribute('role')).toBeNull()
    await write(page, '{"type": "counter/increment", "payload": {"a": [1, 2}}')
    await dispatcher(page)
      .locator('.problem', { hasText: /line 1, column 53/ })
      .waitFor()
    await page.keyboard.press('ControlOrMeta+Enter')
    await dispatcher(page)
      .locator('.problem.refused', { hasText: /^\s*Not sent\. Not JSON: Expected ',' or '\]' after array element \(line 1, column 53\)/ })
      .waitFor()
    await screenshots(page, 'dispatcher', 'json-error')
    expect(await entries(host)).toBe(before)
  })

  test('keeps what was sent, newest first, per runtime and across a reload; each one sent again or edited', async () => {
    const { page } = win
    const sent = dispatcher(page).locator('aside[aria-label="Sent from here"] li')
    const types = (): Promise<string[]> => sent.locator('.type').allTextContents()
    const count = async (): Promise<number> => ((await (await host.api('/state')).json()) as { count: number }).count
    // Both actions the host answered (the one that changed nothing too); the JSON errors never left.
    expect(await types()).toEqual(['counter/configure', 'counter/configure'])
    await write(page, '{"type": "counter/increment"}')
    await page.keyboard.press('ControlOrMeta+Enter')
    await expect.poll(() => said(page)).toMatch(/^Recorded #\d+/)
    expect(await types()).toEqual(['counter/increment', 'counter/configure', 'counter/configure'])
    await page.reload()
    await page.locator('[role=option]', { hasText: 'counter/increment' }).first().waitFor()
    await page.keyboard.press('a')
    await dispatcher(page).waitFor()
    expect(await types()).toEqual(['counter/increment', 'counter/configure', 'counter/configure'])
    // Sent again as it is: kept once, first.
    const before = await count()
    await sent.nth(0).getByRole('button', { name: 'Send' }).click()
    // The step is 2 (counter/set-step above).
    await expect.poll(count).toBe(before + 2)
    expect(await types()).toEqual(['counter/increment', 'counter/configure', 'counter/configure'])
    await sent.nth(2).getByRole('button', { name: 'Send' }).click()
    await expect.poll(() => said(page)).toMatch(/^Recorded #\d+ \(1 entry\)/)
    expect(((await (await host.api('/state')).json()) as { settings: { max: number } }).settings.max).toBe(40)
    expect(await types()).toEqual(['counter/configure', 'counter/increment', 'counter/configure'])
    // Picked, it is in the editor to change.
    await sent.nth(2).locator('.item').click()
    expect(await text(page)).toEqual({ type: 'counter/configure', payload: { max: 7 } })
    await screenshots(page, 'dispatcher', 'sent')
  })

  test('"Dispatch again" on an entry opens the dispatcher with that action, ready to send', async () => {
    const { page } = win
    await editor(page).focus()
    await page.keyboard.press('Escape')
    await dispatcher(page).waitFor({ state: 'detached' })
    await page.locator('[role=option]', { hasText: 'counter/set-step' }).first().click()
    await page.keyboard.press('1')
    await page.getByRole('button', { name: 'Dispatch again…' }).click()
    await dispatcher(page).waitFor()
    expect(await text(page)).toEqual({ type: 'counter/set-step', payload: 2, meta: { source: 'test' } })
    await write(page, '{"type": "counter/set-step", "payload": 5, "meta": {"source": "test"}}')
    await page.keyboard.press('ControlOrMeta+Enter')
    await expect.poll(() => said(page)).toMatch(/^Recorded #\d+ \(1 entry\)/)
    expect(((await (await host.api('/state')).json()) as { step: number }).step).toBe(5)
    await screenshots(page, 'dispatcher', 'recorded')
    expect(win.errors).toEqual([])
  })
})

describe('the dispatcher shows the host’s refusals inline', () => {
  let bare: RunningHost
  let w: Window

  beforeAll(async () => {
    bare = await startHost(undefined)
    w = await openWindow(bare)
  })

  afterAll(async () => {
    await w?.close()
    await bare?.stop()
  })

  test('409 with no runtime, 500 when the runtime’s dispatch throws, 400 for a value nested too deep', async () => {
    const { page } = w
    // The header's Dispatch… is disabled with no runtime (it says why); `a` still opens the dispatcher, which shows the host's answer.
    await page.locator('body').click()
    await page.keyboard.press('a')
    await dispatcher(page).waitFor()
    await write(page, '{"type": "agent/ask"}')
    await page.keyboard.press('ControlOrMeta+Enter')
    await expect.poll(() => said(page)).toMatch(/^409 \(no runtime to dispatch to\): .+/)
    expect(await outcome(page).getAttribute('role')).toBe('alert')

    const loaded = await bare.api('/runtime', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: 'examples/agent.mjs' })
    })
    expect(loaded.status).toBe(200)
    await page.locator('.pill.loaded').first().waitFor()
    await write(page, '{"type": "agent/nope"}')
    await page.keyboard.press('ControlOrMeta+Enter')
    await expect
      .poll(() => said(page))
      .toBe("500: the runtime's dispatch failed: Error: unknown action agent/nope: try agent/ask or agent/clear")
    await screenshots(page, 'dispatcher', 'error-500')

    await write(page, `{"type": "agent/clear", "payload": ${'['.repeat(600)}${']'.repeat(600)}}`)
    await page.keyboard.press('ControlOrMeta+Enter')
    await expect.poll(() => said(page)).toMatch(/^400 \(not an action the host accepts\): .*512/)
  })
})
