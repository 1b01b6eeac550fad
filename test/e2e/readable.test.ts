/**
 * Issue 12's "Readable values" in Chromium: every value can be read whole (a 10,000-character
 * string among them), copied with its path, and nothing a user needs is cut at 1024 px.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { fixture } from '../helpers/host'
import { openWindow, screenshots, selectedSeq, sendAction, startHost, type RunningHost, type Window } from './harness'

// The page's own objects, in code that runs in the page (this project is typed for Node).
declare const getComputedStyle: (el: unknown) => { overflowWrap: string; wordBreak: string; opacity: string }
declare const navigator: { clipboard: { readText(): Promise<string> } }
declare const document: {
  createRange(): { setStart(n: unknown, o: number): void; setEnd(n: unknown, o: number): void; getBoundingClientRect(): { right: number } }
}

let host: RunningHost
let win: Window

/** 10,000 characters of words. */
const LONG = Array.from({ length: 1500 }, (_, i) => `word${i}`)
  .join(' ')
  .slice(0, 10_000)

/** Dispatches, and gives the action's last entry. */
const dispatch = async (type: string, payload?: unknown): Promise<number> => (await sendAction(host, { type, payload })).seq

let longSet: number
let noteAdded: number

beforeAll(async () => {
  host = await startHost(fixture('bus-runtime.mjs'))
  win = await openWindow(host)
  await win.page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: host.url })
  longSet = await dispatch('set', { slice: 'c', value: LONG })
  noteAdded = await dispatch('set', { slice: 'b', value: { list: [], note: LONG.slice(0, 3000) } })
  await dispatch('custom', {
    kind: 'tool-call',
    executionId: 'execution-0123456789',
    turnId: 'execution-0123456789/turn-1',
    tool: 'read_file',
    args: { name: 'report.pdf' }
  })
  const last = await dispatch('push', { item: 'x' })
  await win.page.locator('.count', { hasText: new RegExp(`–${last}$`) }).waitFor()
}, 90_000)

afterAll(async () => {
  await win?.close()
  await host?.stop()
})

const row = (seq: number): ReturnType<Window['page']['locator']> =>
  win.page.locator('[role=option]', { has: win.page.locator('.seq', { hasText: new RegExp(`^${seq}$`) }) })

describe('readable values', () => {
  test('reads a 10,000-character value whole: its start on the line with a tooltip, opened in place and wrapped between words', async () => {
    const { page } = win
    await page.keyboard.press('End')
    await page.keyboard.press('2')
    const tree = page.locator('[role=tree]')
    const line = tree.locator('.line', { has: page.locator('.key', { hasText: /^c$/ }) })
    const value = line.locator('.value')
    expect((await value.textContent())?.length).toBeLessThan(130)
    expect(await value.getAttribute('title')).toBe(`${LONG.slice(0, 500)}…`)
    await line.getByRole('button', { name: /chars$/ }).click()
    const whole = tree.getByRole('document', { name: 'The whole string' })
    expect(await whole.textContent()).toBe(LONG)
    // Wrapped: nothing runs past the view, and lines break between words.
    const fits = await whole.evaluate((el) => el.scrollWidth <= el.clientWidth)
    expect(fits).toBe(true)
    const style = await whole.evaluate((el) => {
      const s = getComputedStyle(el)
      return { wrap: s.overflowWrap, breaks: s.wordBreak }
    })
    expect(style).toEqual({ wrap: 'break-word', breaks: 'normal' })
    await screenshots(page, 'readable', 'state-long-string')
    await line.getByRole('button', { name: 'hide' }).click()
    expect(await whole.count()).toBe(0)
  })

  test('copies any node’s value and path, from the keyboard', async () => {
    const { page } = win
    const tree = page.locator('[role=tree]')
    const line = tree.locator('.line', { has: page.locator('.key', { hasText: /^c$/ }) })
    const copy = line.getByRole('button', { name: 'copy', exact: true })
    await copy.focus()
    // Hidden until wanted, shown once it has the focus.
    expect(await line.locator('.copies').evaluate((el) => getComputedStyle(el).opacity)).toBe('1')
    await page.keyboard.press('Enter')
    await line.getByRole('button', { name: 'copied' }).waitFor()
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(LONG)
    await page.keyboard.press('Tab')
    await page.keyboard.press('Enter')
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('/c')
    // A container copies as JSON, the root's path is empty.
    const b = tree.locator('.line', { has: page.locator('.key', { hasText: /^b$/ }) })
    await b.hover()
    await b.getByRole('button', { name: 'copy', exact: true }).click()
    expect(JSON.parse(await page.evaluate(() => navigator.clipboard.readText()))).toEqual({ list: ['x'] })
  })

  test('opens a payload and a patch’s value whole in the entry view', async () => {
    const { page } = win
    // One entry's view (its payload and patch): the flat list, where the entry has a row of its own.
    await page.getByLabel('Rows').selectOption('flat')
    await page.keyboard.press('Home')
    await row(noteAdded).click()
    await page.keyboard.press('1')
    // The action's payload is a tree: its long string opens in place like any other.
    const payload = page.locator('dd', { has: page.locator('[role=tree]') })
    await payload
      .locator('.line', { has: page.locator('.key', { hasText: /^value$/ }) })
      .getByRole('button', { name: 'Expand' })
      .click()
    await payload
      .getByRole('button', { name: /chars$/ })
      .first()
      .click()
    expect(await payload.getByRole('document', { name: 'The whole string' }).textContent()).toBe(LONG.slice(0, 3000))
    const ops = page.locator('table.ops')
    await ops.getByRole('button', { name: 'Open the whole value' }).first().click()
    expect(await ops.locator('.whole').first().textContent()).toBe(LONG.slice(0, 3000))
    await screenshots(page, 'readable', 'entry-payload')
  })

  test('opens both sides of a diff whole', async () => {
    const { page } = win
    // The entry before the long value's (its input note: the state before it), in the flat list.
    await page.getByLabel('Rows').selectOption('flat')
    await row(longSet - 1).click()
    await page.keyboard.press('d')
    await row(noteAdded).click()
    const table = page.locator('table', { has: page.locator('.kind') })
    await table.waitFor()
    const after = table.locator('tr', { hasText: '/c' }).locator('.after')
    await after.getByRole('button', { name: 'Open the whole value' }).click()
    expect(await after.locator('.whole').textContent()).toBe(LONG)
    await screenshots(page, 'readable', 'diff')
    await page.getByRole('button', { name: 'Clear' }).click()
    await page.getByLabel('Rows').selectOption('units')
  })

  test('cuts nothing a user needs at 1024 px: the action type, the tool of a tool call', async () => {
    const { page } = win
    await page.setViewportSize({ width: 1024, height: 768 })
    await page.keyboard.press('End')
    const call = page.locator('[role=option]', { hasText: 'tool-call' })
    expect(await call.locator('.cause').textContent()).toBe('tool-call')
    const summary = call.locator('.summary')
    expect(await summary.textContent()).toMatch(/^\{tool: "read_file"/)
    // The tool's name ends inside the visible part of the cell.
    const shown = await summary.evaluate((el) => {
      const text = el.firstChild
      const range = document.createRange()
      const at = (el.textContent ?? '').indexOf('read_file') + 'read_file'.length
      range.setStart(text, at - 1)
      range.setEnd(text, at)
      return range.getBoundingClientRect().right <= el.getBoundingClientRect().right
    })
    expect(shown).toBe(true)
    for (const cause of await page.locator('[role=option] .cause.mono').all()) {
      expect(await cause.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true)
    }
    await page.setViewportSize({ width: 1280, height: 800 })
  })

  test('resizes the split between the list and the inspector, with the mouse or the keyboard, and keeps it', async () => {
    const { page } = win
    const timeline = page.getByRole('region', { name: 'Timeline' })
    const divider = page.getByRole('separator')
    const width = async (): Promise<number> => (await timeline.boundingBox())?.width ?? 0
    const box = await divider.boundingBox()
    if (box === null) throw new Error('the divider is not shown')
    await page.mouse.move(box.x + box.width / 2, box.y + 200)
    await page.mouse.down()
    await page.mouse.move(800, box.y + 200, { steps: 5 })
    await page.mouse.up()
    expect(Math.abs((await width()) - 800)).toBeLessThan(6)
    const seq = await selectedSeq(page)
    await divider.focus()
    await page.keyboard.press('ArrowLeft')
    expect(Math.abs((await width()) - 784)).toBeLessThan(6)
    // The divider's arrows are its own: the selection did not move.
    expect(await selectedSeq(page)).toBe(seq)
    await page.reload()
    await page.getByRole('separator').waitFor()
    expect(Math.abs((await width()) - 784)).toBeLessThan(6)
    await page.getByRole('separator').dblclick()
    expect(await width()).toBeLessThan(700)
    expect(win.errors).toEqual([])
  })
})
