/**
 * The faults of issue 12's "Fixes", each reproduced in Chromium on the generic bus runtime: the
 * test drives it over POST /actions, then uses the window as a user would.
 */
import { spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { fixture } from '../helpers/host'
import { openWindow, ROOT, screenshots, selectedSeq, sendAction, startHost, type RunningHost, type Window } from './harness'

// The page's own functions, used in code that runs in the page (this project is typed for Node).
declare const getComputedStyle: (el: unknown) => { transform: string; lineHeight: string; outlineStyle: string; backgroundColor: string }
declare const DOMMatrix: new (transform: string) => { f: number }
declare const document: { createRange(): { selectNodeContents(node: unknown): void; getClientRects(): Iterable<{ top: number }> } }

let host: RunningHost
let win: Window

/** Dispatches, and gives the action's last entry. */
const dispatch = async (type: string, payload?: unknown): Promise<number> => (await sendAction(host, { type, payload })).seq

/** Waits until the window holds every entry up to `seq`. */
async function holds(seq: number): Promise<void> {
  await win.page.locator('.count', { hasText: new RegExp(`–${seq}$`) }).waitFor()
}

const rows = (): ReturnType<Window['page']['locator']> => win.page.locator('[role=option]')

beforeAll(async () => {
  host = await startHost(fixture('bus-runtime.mjs'))
  win = await openWindow(host)
  // Two executions that both call their first turn "turn-1", as runtimes do.
  for (const executionId of ['exec-a', 'exec-b']) {
    await dispatch('status', { status: 'started', executionId })
    await dispatch('status', { status: 'running', executionId, turnId: 'turn-1' })
    await dispatch('status', { status: 'completed', executionId, turnId: 'turn-1' })
    await dispatch('status', { status: 'completed', executionId })
  }
  // Enough updates for the list to scroll, with custom events among them.
  for (let i = 0; i < 40; i++) {
    await dispatch('increment')
    if (i % 8 === 0) await dispatch('custom', { kind: 'tick', i })
  }
  await holds(await dispatch('push', { item: 'last' }))
}, 90_000)

afterAll(async () => {
  await win?.close()
  await host?.stop()
})

describe('the fixes of issue 12', () => {
  test('a status row names its execution as well as its turn', async () => {
    const { page } = win
    await page.keyboard.press('Home')
    // The status in its column, then whose it is (the row's summary does not say the status twice).
    const texts = await rows().evaluateAll((els) =>
      els.map((el) => `${el.querySelector('.what')?.textContent ?? ''} ${el.querySelector('.summary')?.textContent ?? ''}`)
    )
    expect(texts).toContain('running exec-a / turn-1')
    expect(texts).toContain('running exec-b / turn-1')
    expect(texts).toContain('completed exec-b')
  })

  test('never shows rows of another filter after the filter narrows the list', async () => {
    const { page } = win
    // At the top, the rows that stay in place are the ones that went stale.
    await page.keyboard.press('Home')
    await page.getByRole('button', { name: 'Events', exact: true }).click()
    await page.locator('.chips', { hasText: 'type: custom-event' }).waitFor()
    await expect.poll(() => rows().count()).toBe(5)
    for (const what of await rows().locator('.what').allTextContents()) expect(what).toBe('event')
    await page.getByRole('button', { name: 'Clear all' }).click()
    await expect.poll(() => rows().count()).toBeGreaterThan(5)
  })

  test('Esc clears the search box with the filter', async () => {
    const { page } = win
    await page.locator('#search').fill('tick')
    await page.locator('.chips', { hasText: 'text: “tick”' }).waitFor()
    await page.keyboard.press('Escape')
    await expect.poll(() => page.locator('.chips').count()).toBe(0)
    expect(await page.locator('#search').inputValue()).toBe('')
    // Nothing typed before the Esc comes back once the typing pause is over.
    await page.waitForTimeout(300)
    expect(await page.locator('.chips').count()).toBe(0)
  })

  test('the scrubber always sits at the selected row, under any filter', async () => {
    const { page } = win
    const scrubber = page.getByRole('slider', { name: 'Scrub through the history' })
    const at = async (): Promise<number> => Number(await scrubber.inputValue())
    const rowOfSelected = async (): Promise<number> => {
      // Each row stands at its place in the list, one row height apart.
      const top = await page.locator('[role=option][aria-selected=true]').evaluate((el) => new DOMMatrix(getComputedStyle(el).transform).f)
      const height = await page.locator('[role=option][aria-selected=true]').evaluate((el) => el.getBoundingClientRect().height)
      return Math.round(top / height)
    }
    await page.keyboard.press('Home')
    await rows().filter({ hasText: 'increment' }).nth(3).click()
    expect(await at()).toBe(await rowOfSelected())
    // Filters that keep the selected entry, and change which rows come before it.
    await page.getByRole('button', { name: 'Updates', exact: true }).click()
    await page.locator('.chips', { hasText: 'type: state.update' }).waitFor()
    await expect.poll(at).toBe(await rowOfSelected())
    await page.getByRole('button', { name: 'Updates', exact: true }).click()
    await page.getByRole('button', { name: 'Executions', exact: true }).click()
    await page.getByRole('button', { name: 'Updates', exact: true }).click()
    await page.locator('.chips', { hasText: 'type: execution.status, state.update' }).waitFor()
    await expect.poll(at).toBe(await rowOfSelected())
    await page.getByRole('button', { name: 'Clear all' }).click()
    await expect.poll(at).toBe(await rowOfSelected())
  })

  test('keyboard shortcuts work after using the scrubber', async () => {
    const { page } = win
    // One entry a step, so that ← lands on the entry before (grouped by action, a step is an action).
    await page.getByLabel('Rows').selectOption('flat')
    const scrubber = page.getByRole('slider', { name: 'Scrub through the history' })
    await scrubber.click()
    const seq = await selectedSeq(page)
    await page.keyboard.press('2')
    await page.getByRole('tab', { name: 'State', selected: true }).waitFor({ timeout: 2000 })
    await page.keyboard.press('ArrowLeft')
    expect(await selectedSeq(page)).toBe(seq - 1)
    await page.keyboard.press('1')
    await page.getByRole('tab', { name: 'Entry', selected: true }).waitFor({ timeout: 2000 })
    await page.getByLabel('Rows').selectOption('units')
  })

  test('following the newest entry keeps the newest row in view when a banner appears', async () => {
    const { page } = win
    await page.keyboard.press('End')
    await page.getByText('following the newest entry').waitFor()
    const list = page.getByRole('listbox', { name: 'Entries' })
    const inView = async (): Promise<boolean> => {
      const box = await list.boundingBox()
      const row = await page.locator('[role=option][aria-selected=true]').boundingBox()
      return box !== null && row !== null && row.y >= box.y - 1 && row.y + row.height <= box.y + box.height + 1
    }
    expect(await inView()).toBe(true)
    // The runtime panel opens above the list, as an error or a notice would.
    await page.getByRole('button', { name: 'Open…' }).click()
    await page.getByRole('region', { name: 'Runtime' }).waitFor()
    await expect.poll(inView).toBe(true)
    await page.getByRole('button', { name: 'Cancel' }).click()
  })

  test('"Show the entry before the failure" selects the last state change before it', async () => {
    const { page } = win
    const change = await dispatch('increment')
    await dispatch('custom', { kind: 'tool-result', error: 'denied' })
    await dispatch('status', { status: 'failed', executionId: 'exec-c', error: 'the tool was denied' })
    await holds(await dispatch('status', { status: 'failed', executionId: 'exec-c', turnId: 'turn-1', error: 'the tool was denied' }))
    await page.keyboard.press('5')
    await page.locator('.executions > li.failed').first().getByRole('button', { name: 'Show the entry before the failure' }).click()
    expect(await selectedSeq(page)).toBe(change)
    await page.getByRole('tab', { name: 'Entry', selected: true }).waitFor()
  })

  test('pressing d asks for a second entry rather than showing an empty diff', async () => {
    const { page } = win
    await rows().filter({ hasText: 'increment' }).last().click()
    await page.keyboard.press('d')
    await page.getByText('Choose a second entry').waitFor({ timeout: 2000 })
    expect(await page.getByText('The state is the same at both entries').count()).toBe(0)
    await page.keyboard.press('ArrowLeft')
    await page.getByRole('heading', { name: /→/ }).waitFor()
    await page.getByRole('button', { name: 'Clear' }).click()
  })

  test('execution cards do not wrap ids mid-word at 1024 px', async () => {
    const { page } = win
    await dispatch('status', { status: 'started', executionId: 'execution-with-a-rather-long-identifier-0123456789' })
    await holds(
      await dispatch('status', {
        status: 'running',
        executionId: 'execution-with-a-rather-long-identifier-0123456789',
        turnId: 'turn-with-a-rather-long-identifier-0123456789'
      })
    )
    await page.setViewportSize({ width: 1024, height: 768 })
    await page.keyboard.press('5')
    const ids = page.locator('.executions .mono', { hasText: 'identifier' })
    await ids.first().waitFor()
    for (const id of await ids.all()) {
      const lines = await id.evaluate((el) => el.getClientRects().length)
      const box = await id.evaluate((el) => ({
        height: el.getBoundingClientRect().height,
        line: parseFloat(getComputedStyle(el).lineHeight)
      }))
      expect(lines).toBe(1)
      expect(box.height).toBeLessThan(box.line * 1.5)
    }
    await screenshots(page, 'fixes', 'executions')
  })

  test("the entry view's title and buttons are never wrapped mid-label at 1024 px", async () => {
    const { page } = win
    await page.setViewportSize({ width: 1024, height: 768 })
    await page.keyboard.press('1')
    await rows().filter({ hasText: 'tick' }).first().click()
    const view = page.locator('[role=tabpanel]')
    await view.getByRole('heading', { name: /custom-event/ }).waitFor()
    // The lines a text takes: the distinct tops of its range's boxes ("custom-|event" is two).
    const lines = (el: unknown): number => {
      const range = document.createRange()
      range.selectNodeContents(el)
      return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size
    }
    expect(await view.locator('h2.view-title').evaluate(lines)).toBe(1)
    for (const name of ['State after', 'Diff from here', 'Resume from here']) {
      const button = view.getByRole('button', { name, exact: true })
      expect(await button.evaluate(lines), name).toBe(1)
      // Inside the window, never cut off at its right edge.
      expect(await button.evaluate((el) => el.getBoundingClientRect().right), name).toBeLessThanOrEqual(1024)
    }
    await screenshots(page, 'fixes', 'entry-toolbar')
    // Resume from here's confirmation stays inside the inspector, not cut off by the timeline beside it.
    await view.getByRole('button', { name: 'Resume from here', exact: true }).click()
    const dialog = page.getByRole('alertdialog', { name: 'Resume from here' })
    await dialog.waitFor()
    const inspector = await view.boundingBox()
    const popover = await dialog.boundingBox()
    expect(popover!.x).toBeGreaterThanOrEqual(inspector!.x)
    expect(popover!.x + popover!.width).toBeLessThanOrEqual(inspector!.x + inspector!.width)
    // Its text wraps inside it rather than running past its edge.
    expect(await dialog.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true)
    await screenshots(page, 'fixes', 'entry-resume')
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await page.setViewportSize({ width: 1280, height: 800 })
  })

  test('a clicked row has one highlight, after the keyboard moves the selection too', async () => {
    const { page } = win
    await page.keyboard.press('1')
    await page.keyboard.press('Home')
    await rows().filter({ hasText: 'increment' }).nth(2).click()
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('ArrowDown')
    await page.mouse.move(900, 700)
    const looks = await rows().evaluateAll((els) =>
      els.map((el) => {
        const s = getComputedStyle(el)
        return { selected: el.getAttribute('aria-selected') === 'true', outline: s.outlineStyle, background: s.backgroundColor }
      })
    )
    const highlighted = looks.filter((l) => l.outline !== 'none' || l.background !== 'rgba(0, 0, 0, 0)')
    expect(highlighted).toHaveLength(1)
    expect(highlighted[0]?.selected).toBe(true)
    await screenshots(page, 'fixes', 'clicked-row')
  })

  test('the action-type and path filters apply as you type', async () => {
    const { page } = win
    await page.getByRole('button', { name: 'More', exact: true }).click()
    await page.getByLabel('Action type').pressSequentially('push')
    await page.locator('.chips', { hasText: 'action: push' }).waitFor({ timeout: 2000 })
    await page.getByLabel('Path', { exact: true }).pressSequentially('/b/list')
    await page.locator('.chips', { hasText: 'path: /b/list' }).waitFor({ timeout: 2000 })
    await page.getByRole('button', { name: 'Clear all' }).click()
    expect(await page.getByLabel('Action type').inputValue()).toBe('')
    expect(await page.getByLabel('Path', { exact: true }).inputValue()).toBe('')
    await page.getByRole('button', { name: 'More', exact: true }).click()
    expect(win.errors).toEqual([])
  })
})

describe('the CLI', () => {
  /** The CLI's first line on stdout for these arguments, run from `cwd`. */
  async function firstLine(args: string[], cwd: string): Promise<string> {
    const proc = spawn(process.execPath, [`${ROOT}out/main/cli.js`, ...args, '--no-save', '--port', '0'], {
      cwd,
      env: { ...process.env, INIT_CWD: cwd },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    try {
      return await new Promise<string>((resolve, reject) => {
        createInterface({ input: proc.stdout }).once('line', resolve)
        proc.once('exit', (code) => reject(new Error(`the CLI exited with ${code}`)))
      })
    } finally {
      proc.kill('SIGINT')
    }
  }

  test('prints the path it was given, and the file it names when that reads otherwise', async () => {
    const absolute = fixture('bus-runtime.mjs')
    expect(await firstLine([absolute], ROOT)).toBe(`Patchscope is running on ${absolute}.`)
    // Run from elsewhere than the project, with a path relative to there.
    expect(await firstLine(['fixtures/bus-runtime.mjs'], join(dirname(absolute), '..'))).toBe(
      `Patchscope is running on fixtures/bus-runtime.mjs (${absolute}).`
    )
  })
})
