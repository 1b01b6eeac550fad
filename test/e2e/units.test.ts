import { copyFileSync, mkdirSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openWindow, ROOT, screenshots, selectedSeq, startHost, type RunningHost, type Window } from './harness'

let host: RunningHost
let win: Window

/** Dispatches an action through the host, as the window's dispatcher does; answers the HTTP status. */
async function send(action: unknown): Promise<number> {
  const res = await host.api('/actions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(action) })
  await res.text()
  return res.status
}

/** The entries the host recorded so far: the export's lines between its header and its closing line. */
async function lastSeq(): Promise<number> {
  const lines = (await (await host.api('/history')).text()).trimEnd().split('\n')
  return (JSON.parse(lines[lines.length - 2] as string) as { seq: number }).seq
}

beforeAll(async () => {
  host = await startHost('test/e2e/fixtures/units-store.mjs')
  win = await openWindow(host)
  await win.page.locator('[role=option]').first().waitFor()
  expect(await send({ type: 'todos/add', payload: { text: 'milk' }, meta: { source: 'e2e', at: 1 } })).toBe(200)
  expect(await send({ type: 'filter/set', payload: 'all' })).toBe(200)
  expect(await send({ type: 'todos/explode' })).toBe(500)
  expect(await send({ type: 'todos/save' })).toBe(200)
  // The thunk the app starts after todos/save rejects on its own: wait for its note.
  for (let tries = 0; !(await (await host.api('/history')).text()).includes('"rejected"'); tries++) {
    if (tries > 200) throw new Error('the thunk started by todos/save was never recorded as rejected')
    await new Promise((resolve) => setImmediate(resolve))
  }
  expect(await send({ type: 'todos/add', payload: { text: 'eggs' } })).toBe(200)
  expect(await send({ type: 'todos/add', payload: { text: 'eggs' } })).toBe(200)
  const last = await lastSeq()
  await win.page.locator('.count', { hasText: `seq 0–${last}` }).waitFor()
})

afterAll(async () => {
  await win?.close()
  await host?.stop()
})

const rows = () => win.page.locator('[role=option]')
const unitRow = (action: string) => win.page.locator('[role=option].unit', { has: win.page.locator('.cause', { hasText: action }) })

describe('actions as units (a Redux store)', () => {
  test('one row per dispatched action by default, each saying what came of it', async () => {
    const { page } = win
    const actions = await page.locator('[role=option].unit .cause').allTextContents()
    expect(actions).toEqual([
      'todos/add',
      'filter/set',
      'todos/explode',
      'todos/save',
      'save/pending',
      'thunk saveTodos',
      'todos/add',
      'todos/add'
    ])
    // The base is a row of its own: every other row is an action.
    expect(await rows().count()).toBe(actions.length + 1)
    const summaries = await page.locator('[role=option].unit .summary').allTextContents()
    expect(summaries[0]).toBe('2 changes')
    expect(summaries[1]).toBe('no change')
    expect(summaries[2]).toBe('threw — Error: the reducer refused todos/explode')
    expect(summaries[5]).toBe('rejected — Error: offline: the todos were not saved')
    // Two identical actions in a row are two actions, each with both of its changes.
    expect(summaries.slice(6)).toEqual(['2 changes', '2 changes'])
    expect(await page.locator('[role=option].unit.failed').count()).toBe(2)
    expect(await page.locator('[role=option].unit .what').first().textContent()).toBe('todos, stats')
  })

  test("the entry view of an action shows its whole effect: the action, each slice's change, the outcome", async () => {
    const { page } = win
    await unitRow('todos/add').first().click()
    const view = page.locator('[role=tabpanel]')
    await view.locator('.view-title', { hasText: 'todos/add' }).waitFor()
    await view.getByText('2 changes in 2 slices').waitFor()
    // The whole action as sent: its meta too.
    await view.locator('dd', { hasText: 'source' }).waitFor()
    await view.locator('dd', { hasText: 'e2e' }).first().waitFor()
    const slices = view.locator('section.slice')
    expect(await slices.count()).toBe(2)
    await slices.nth(0).locator('.name', { hasText: 'todos' }).waitFor()
    await slices.nth(0).getByRole('button', { name: '/todos/1' }).waitFor()
    await slices.nth(1).getByRole('button', { name: '/stats/added' }).waitFor()
    await screenshots(page, 'units', 'entry-unit')

    await unitRow('filter/set').click()
    await view.getByText('No change: the action changed no slice.').waitFor()
    expect(await view.locator('section.slice').count()).toBe(0)

    await unitRow('todos/explode').click()
    await view.getByRole('alert').filter({ hasText: 'Threw: Error: the reducer refused todos/explode' }).waitFor()

    await unitRow('thunk saveTodos').click()
    await view.getByRole('alert').filter({ hasText: 'Rejected: Error: offline: the todos were not saved' }).waitFor()
    expect(await view.getByText('dispatched by the runtime').count()).toBe(1)
  })

  test('a unit expands into its entries and folds again; an entry of it shows that entry; selection and scrubber agree', async () => {
    const { page } = win
    const unit = unitRow('todos/add').first()
    await unit.click()
    const unitSeq = await selectedSeq(page)
    const before = await rows().count()
    await unit.getByRole('button', { name: 'Expand todos/add' }).click()
    // Its entries beneath it: the input note and its two updates (and the effects the store read while loading, when recorded).
    const children = page.locator('[role=option].child')
    await expect.poll(() => children.count()).toBeGreaterThanOrEqual(3)
    const k = await children.count()
    expect(await rows().count()).toBe(before + k)
    expect(await children.nth(k - 3).textContent()).toContain('dispatched todos/add')
    // The unit's row stays selected: its whole effect.
    expect(await selectedSeq(page)).toBe(unitSeq)
    const scrubber = page.getByRole('slider', { name: 'Scrub through the history' })
    expect(Number(await scrubber.inputValue())).toBe(1)

    // Down into the unit: each entry, then its last entry on its own row (not the unit's), then the next action.
    for (let i = 0; i < k - 1; i++) await page.keyboard.press('ArrowDown')
    const view = page.locator('[role=tabpanel]')
    await view.locator('.view-title', { hasText: 'state.update' }).waitFor()
    await view.locator('dd', { hasText: /^todos$/ }).waitFor()
    expect(Number(await scrubber.inputValue())).toBe(k)
    await page.keyboard.press('ArrowDown')
    expect(await selectedSeq(page)).toBe(unitSeq)
    expect(Number(await scrubber.inputValue())).toBe(k + 1)
    expect(await page.locator('[role=option].child[aria-selected=true]').count()).toBe(1)
    await view.locator('dd', { hasText: /^stats$/ }).waitFor()
    await page.keyboard.press('ArrowDown')
    await unitRow('filter/set').and(page.locator('[aria-selected=true]')).waitFor()
    expect(Number(await scrubber.inputValue())).toBe(k + 2)
    await screenshots(page, 'units', 'timeline-expanded')

    // The scrubber onto the unit's last entry selects that entry's row, not the unit's.
    await scrubber.fill(String(k + 1))
    expect(await page.locator('[role=option].child[aria-selected=true]').count()).toBe(1)
    expect(await selectedSeq(page)).toBe(unitSeq)

    // Enter folds the unit from the list: the selection moves to the unit's row.
    await page.locator('[role=listbox]').focus()
    await page.keyboard.press('Enter')
    await expect.poll(() => rows().count()).toBe(before)
    expect(await selectedSeq(page)).toBe(unitSeq)
    expect(Number(await scrubber.inputValue())).toBe(1)
    await view.getByText('2 changes in 2 slices').waitFor()
  })

  test('the flat toggle shows one row per entry, notes included, and the selection and scrubber still agree', async () => {
    const { page } = win
    const total = (await lastSeq()) + 1
    await page.getByLabel('Rows').selectOption('flat')
    await expect.poll(() => page.locator('[role=option].unit').count()).toBe(0)
    const list = page.locator('[role=listbox]')
    await list.evaluate((el) => (el.scrollTop = 0))
    await page.locator('[role=option]', { hasText: 'dispatched filter/set' }).waitFor()
    await page.locator('[role=option]', { hasText: 'filter/set: no change' }).waitFor()
    await page.locator('[role=option]', { hasText: 'todos/explode threw — Error: the reducer refused todos/explode' }).waitFor()
    const scrubber = page.getByRole('slider', { name: 'Scrub through the history' })
    expect(Number(await scrubber.getAttribute('max'))).toBe(total - 1)
    await page.locator('[role=option]', { hasText: 'filter/set: no change' }).click()
    const seq = await selectedSeq(page)
    expect(Number(await scrubber.inputValue())).toBe(seq)
    await page.keyboard.press('ArrowLeft')
    expect(await selectedSeq(page)).toBe(seq - 1)
    expect(Number(await scrubber.inputValue())).toBe(seq - 1)
    // g groups again (outside a field); the choice is the filter bar's too.
    await page.keyboard.press('g')
    await expect.poll(() => page.locator('[role=option].unit').count()).toBe(8)
    expect(await page.getByLabel('Rows').inputValue()).toBe('units')
    expect(win.errors).toEqual([])
  })

  test('the screenshots of the README (when asked for)', async () => {
    if (process.env.PATCHSCOPE_UPDATE_SCREENSHOT !== '1') return
    mkdirSync(`${ROOT}docs`, { recursive: true })
    for (const name of ['timeline-expanded-1440-light', 'entry-unit-1440-dark'])
      copyFileSync(`${ROOT}test-results/units/${name}.png`, `${ROOT}docs/units-${name}.png`)
  })
})
