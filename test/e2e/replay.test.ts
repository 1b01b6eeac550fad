/**
 * Replay in the window (issue 14), in Chromium: a session of a small module recorded, the module
 * edited on disk (one line), replayed from the Replay view against the file as it is now — the
 * divergence marked, selected, and both states shown; then replayed without an input.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openWindow, ROOT, screenshots, startHost, type RunningHost, type Window } from './harness'

let host: RunningHost
let win: Window
let module: string

const panel = (page: Page) => page.locator('section[aria-label=Replay]')
const status = (page: Page) => panel(page).locator('p[role=status]')

beforeAll(async () => {
  module = join(mkdtempSync(join(tmpdir(), 'patchscope-e2e-replay-')), 'counter.mjs')
  copyFileSync(`${ROOT}test/fixtures/replay-counter.mjs`, module)
  host = await startHost(module)
  for (const by of [1, 2, 3]) {
    const res = await host.api('/actions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'add', payload: { by } })
    })
    expect(res.status).toBe(200)
  }
  win = await openWindow(host)
}, 60_000)

afterAll(async () => {
  await win?.close()
  await host?.stop()
})

describe('the Replay view', () => {
  test('replays against the module as edited on disk, marks where it diverged, and shows both states there', async () => {
    const { page } = win
    await page.getByRole('button', { name: '▸ Replay' }).click()
    const inputs = panel(page).locator('fieldset input[type=checkbox]')
    await expect.poll(() => inputs.count()).toBe(3)
    await expect.poll(() => panel(page).locator('input[aria-label^="Module"]').getAttribute('placeholder')).toBe(module)

    // Unedited first: identical.
    await panel(page).getByRole('button', { name: 'Replay', exact: true }).click()
    await expect.poll(async () => (await status(page).textContent())?.trim() ?? '', { timeout: 30_000 }).toMatch(/^Identical/)
    expect(await panel(page).locator('.row.changed, .row.vanished, .row.appeared').count()).toBe(0)

    // One line changed on disk: each step counts ten times.
    const source = readFileSync(module, 'utf8')
    writeFileSync(module, source.replace('action.payload?.by ?? 1', '(action.payload?.by ?? 1) * 10'))
    await panel(page).getByRole('button', { name: 'Replay', exact: true }).click()
    await expect.poll(async () => (await status(page).textContent())?.trim() ?? '', { timeout: 30_000 }).toMatch(/^Diverged/)
    expect(await status(page).textContent()).toContain('/count')
    const changed = panel(page).locator('.row.changed')
    await expect.poll(() => changed.count()).toBeGreaterThan(0)
    expect(await changed.first().locator('.mark').textContent()).toContain('/count')

    // The first row that differs is selected at once, and the list has the keys: n goes to the next one.
    const selected = panel(page).locator('.row.selected')
    expect(await selected.getAttribute('class')).toContain('changed')
    const table = panel(page).getByRole('table', { name: 'What differs' })
    const cells = table.locator('tbody tr').first().locator('td')
    await expect.poll(() => cells.allTextContents()).toEqual(['/count', '1', '10'])
    await expect
      .poll(() =>
        panel(page)
          .getByRole('listbox')
          .evaluate((el) => el === el.ownerDocument.activeElement)
      )
      .toBe(true)
    const first = await selected.getAttribute('id')
    await page.keyboard.press('n')
    await expect.poll(() => selected.getAttribute('id')).not.toBe(first)
    expect(await selected.getAttribute('class')).toContain('changed')
    expect(win.errors).toEqual([])
    await screenshots(page, 'replay', 'diverged')
  }, 90_000)

  test('replays without an input: its entries are marked as vanished, and only the rows that differ can be shown', async () => {
    const { page } = win
    await panel(page).locator('fieldset input[type=checkbox]').first().uncheck()
    await panel(page).getByRole('button', { name: 'Replay without 1 input' }).click()
    await expect.poll(async () => (await status(page).textContent())?.trim() ?? '', { timeout: 30_000 }).toMatch(/^Diverged/)
    await expect.poll(() => panel(page).locator('.row.vanished').count()).toBeGreaterThan(0)
    expect(await status(page).textContent()).toMatch(/2 vanished/)
    await panel(page).getByLabel('Only differences').check()
    expect(await panel(page).locator('.row.same').count()).toBe(0)
    await screenshots(page, 'replay', 'without')
    expect(win.errors).toEqual([])
  }, 90_000)

  test('a module that is not there is said inline, and nothing runs', async () => {
    const { page } = win
    await panel(page).locator('input[aria-label^="Module"]').fill('/nowhere/runtime.mjs')
    await panel(page)
      .getByRole('button', { name: /^Replay/ })
      .click()
    await expect.poll(() => panel(page).getByRole('alert').textContent()).toMatch(/The replay did not start: .*does not exist/)
  }, 30_000)
})
