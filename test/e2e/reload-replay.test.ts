/**
 * Reload offers to replay (issue 14), in Chromium: actions dispatched since the load, the module
 * edited on disk, Reload — the window offers to replay the run before the reload ends it; taken,
 * the Replay view shows what the edit moved, and the runtime runs the edited module afresh.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openWindow, ROOT, screenshots, sendAction, startHost, type RunningHost, type Window } from './harness'

let host: RunningHost
let win: Window
let module: string

const offer = (page: Page) => page.getByRole('alertdialog')
const panel = (page: Page) => page.locator('section[aria-label=Replay]')
const status = (page: Page) => panel(page).locator('p[role=status]')
const reload = (page: Page) => page.locator('header').getByRole('button', { name: 'Reload', exact: true })
const count = async (): Promise<number> => ((await (await host.api('/state')).json()) as { count: number }).count

beforeAll(async () => {
  module = join(mkdtempSync(join(tmpdir(), 'patchscope-e2e-reload-')), 'counter.mjs')
  copyFileSync(`${ROOT}test/fixtures/replay-counter.mjs`, module)
  host = await startHost(module)
  await sendAction(host, { type: 'add', payload: { by: 1 } })
  await sendAction(host, { type: 'add', payload: { by: 2 } })
  win = await openWindow(host)
}, 60_000)

afterAll(async () => {
  await win?.close()
  await host?.stop()
})

describe('Reload', () => {
  test('offers to replay the run since the load; Cancel leaves everything as it was', async () => {
    const { page } = win
    await reload(page).click()
    await expect.poll(() => offer(page).textContent()).toContain('2 actions were dispatched since it was loaded')
    expect(await offer(page).textContent()).toContain('Replay counter.mjs’s run against the module on disk?')
    // The offer has the keys: its first button is focused, Esc cancels.
    await expect
      .poll(() =>
        offer(page)
          .getByRole('button', { name: 'Replay and reload' })
          .evaluate((el) => el === el.ownerDocument.activeElement)
      )
      .toBe(true)
    await screenshots(page, 'reload-replay', 'offer')
    await page.keyboard.press('Escape')
    await expect.poll(() => offer(page).count()).toBe(0)
    expect(await count()).toBe(3)
    expect(win.errors).toEqual([])
  }, 60_000)

  test('Replay and reload: the Replay view shows what the edit moved, first divergence selected, and the edited module runs', async () => {
    const { page } = win
    writeFileSync(module, readFileSync(module, 'utf8').replace('action.payload?.by ?? 1', '(action.payload?.by ?? 1) * 10'))
    await reload(page).click()
    await offer(page).getByRole('button', { name: 'Replay and reload' }).click()
    await expect.poll(() => offer(page).count()).toBe(0)
    await expect.poll(async () => (await status(page).textContent())?.trim() ?? '', { timeout: 30_000 }).toMatch(/^Diverged/)
    expect(await panel(page).locator('h2').textContent()).toContain('the live session')
    expect(await status(page).textContent()).toContain('/count')
    const table = panel(page).getByRole('table', { name: 'What differs' })
    await expect.poll(() => table.locator('tbody tr').first().locator('td').allTextContents()).toEqual(['/count', '1', '10'])
    // The runtime was reloaded: the edited module, from a count of 0.
    await expect.poll(count).toBe(0)
    await sendAction(host, { type: 'add', payload: { by: 1 } })
    expect(await count()).toBe(10)
    await screenshots(page, 'reload-replay', 'replayed')
    expect(win.errors).toEqual([])
  }, 90_000)

  test('a run with nothing dispatched since the load reloads without asking', async () => {
    const { page } = win
    await sendAction(host, { type: 'reset' })
    // reset is an input: the offer comes; Reload only reloads.
    await reload(page).click()
    await offer(page).getByRole('button', { name: 'Reload only' }).click()
    await expect.poll(count).toBe(0)
    const entries = async (): Promise<number> =>
      ((await (await host.api('/history?format=json')).text()).match(/state\.initial/g) ?? []).length
    const before = await entries()
    await reload(page).click()
    await expect.poll(entries).toBe(before + 1)
    expect(await offer(page).count()).toBe(0)
    expect(win.errors).toEqual([])
  }, 60_000)
})
