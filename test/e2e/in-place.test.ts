import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { DispatchResult, RuntimeInfo } from '../../src/shared/protocol'
import { openWindow, screenshots as takeScreenshots, selectedSeq, sendAction, startHost, type RunningHost, type Window } from './harness'

let host: RunningHost
let win: Window

/** Starts the host on a module and opens its window; closes both after the tests of the `describe`. */
function onModule(module: string): void {
  beforeAll(async () => {
    host = await startHost(module)
    win = await openWindow(host)
    await win.page.getByText('following the newest entry').waitFor()
  })
  afterAll(async () => {
    await win?.close()
    await host?.stop()
  })
}

const runtime = async (): Promise<RuntimeInfo> => (await (await host.api('/runtime')).json()) as RuntimeInfo

/** Sends an action through the host; its answer says which entries it recorded (an input note comes first). */
const dispatch = (action: { type: string; payload?: unknown }): Promise<DispatchResult> => sendAction(host, action)

/** Screenshots of the window as it is, at 1024 and 1440 px, light and dark, into test-results/in-place/. */
const screenshots = (name: string): Promise<void> => takeScreenshots(win.page, 'in-place', name)

const flat = (text: string | null): string => (text ?? '').replace(/\s+/g, ' ')

describe('a reducer that changes its state in place (examples/todos-bug.mjs)', () => {
  onModule('examples/todos-bug.mjs')

  test('marks, explains and lists a slice a reducer changed in place', async () => {
    const { page } = win
    // The badge is on an entry's own row: the flat list (grouped by action, the row is the action's).
    await page.getByLabel('Rows').selectOption('flat')
    // An ordinary update first (exact), then the reducer that flips `done` in place.
    const exact = (await dispatch({ type: 'filter/set', payload: 'active' })).seq
    // Its update's row (its input note's row names it too).
    await page
      .locator('[role=option]', { has: page.locator('.cause', { hasText: /^filter\/set$/ }) })
      .last()
      .waitFor()
    const toggled = await dispatch({ type: 'todos/toggle', payload: { id: 2 } })

    // The timeline: a badge in words, with a tooltip that says after which entry and how it was found.
    const row = page.locator('[role=option]', { has: page.locator('.pill.in-place') })
    await row.waitFor()
    expect(await row.count()).toBe(1)
    expect(await row.locator('.what').textContent()).toBe('todos')
    const badge = row.locator('.pill.in-place')
    expect(await badge.textContent()).toBe('in place')
    expect(await badge.getAttribute('title')).toBe(`changed in place after #${exact}, found by verification`)
    const seq = Number(await row.locator('.seq').textContent())
    // Found once the toggle settled: after the exact entry, at most the toggle's last.
    expect(seq).toBeGreaterThan(exact)
    expect(seq).toBeLessThanOrEqual(toggled.seq)

    // The entry view: what it means, what to look for, the changed path, and the way back.
    await row.click()
    await page.keyboard.press('1')
    const note = page.getByRole('region', { name: 'Changed in place, found by verification' })
    await note.waitFor()
    const text = flat(await note.textContent())
    expect(text).toContain(`An object in the todos slice was changed without being replaced, after entry #${exact} and before this one.`)
    expect(text).toContain('comparing its copy of the state with the runtime’s')
    expect(text).toMatch(/push.*splice.*sort.*delete/)
    // Between the exact entry and the one found: the toggle's input note, which names the action.
    expect(text).toContain(`between #${exact + 1} and this entry. Recorded there: todos/toggle.`)
    expect(await page.locator('table.ops').textContent()).toContain('/1/done')
    await note.getByRole('button', { name: `Go to #${exact + 1}, the first entry of the range` }).click()
    expect(await selectedSeq(page)).toBe(exact + 1)

    // The runtime panel, from the header: the finding, which leads to its entry.
    const open = page.getByRole('button', { name: '1 slice changed in place' })
    await open.click()
    expect(await open.getAttribute('aria-expanded')).toBe('true')
    const finding = page.getByRole('list', { name: 'Slices compared in full' }).getByRole('listitem')
    expect(await finding.count()).toBe(1)
    const said = flat(await finding.textContent())
    expect(said).toContain('todos')
    expect(said).toContain('/todos/1/done')
    expect(said).toContain(`found by verification after #${exact}, recorded as #${seq}`)
    await finding.getByRole('button', { name: `Show #${seq}` }).click()
    expect(await selectedSeq(page)).toBe(seq)
    await note.waitFor()
    expect((await runtime()).inPlace).toMatchObject([{ slice: 'todos', how: 'verification', seq, since: exact }])
  })

  test('switches to comparing every change in full and back, from the keyboard', async () => {
    const { page } = win
    const box = page.getByRole('checkbox', { name: 'Compare every change in full' })
    expect(await box.isChecked()).toBe(false)
    await box.focus()
    await page.keyboard.press('Space')
    await expect.poll(async () => (await runtime()).compare).toBe('full')
    await page.getByText('Patchscope compares every change in full').waitFor()
    expect(await box.isChecked()).toBe(true)
    await page.keyboard.press('Space')
    await expect.poll(async () => (await runtime()).compare).toBe('verify')
    await expect.poll(() => box.isChecked()).toBe(false)
    expect(await page.getByRole('alert').count()).toBe(0)
  })

  test('takes screenshots of the marked entry at 1024 and 1440 px, light and dark', async () => {
    const { page } = win
    await page.locator('[role=option]', { has: page.locator('.pill.in-place') }).click()
    await page.keyboard.press('1')
    await screenshots('todos-bug')
    expect(win.errors).toEqual([])
  })
})

describe('a change found after other entries, and a runtime that changes a slice in place by design', () => {
  onModule('test/e2e/fixtures/in-place.mjs')

  test('leads to the first entry of the range and names its actions; words a reported slice neutrally', async () => {
    const { page } = win
    // `mixed` replaces `filter` (after its input note) and flips a todo in place (found after its
    // entries); `draw` reports `canvas` as the same object. The entry found in place has a row of its own: flat.
    await page.getByLabel('Rows').selectOption('flat')
    const mixed = await dispatch({ type: 'mixed' })
    await dispatch({ type: 'draw' })
    // Its update's row (its input note's row names it too).
    await page
      .locator('[role=option]', { has: page.locator('.cause', { hasText: /^draw$/ }) })
      .last()
      .waitFor()
    const found = (await runtime()).inPlace?.find((f) => f.slice === 'todos')
    expect(found).toMatchObject({ how: 'verification', since: 0 })
    const seq = found?.seq as number
    // The range runs from the entry after the last exact one (the base) to the one found: mixed's.
    expect(mixed.seq).toBeLessThanOrEqual(seq)
    await page.locator('[role=option]', { has: page.locator('.pill.in-place') }).click()
    await page.keyboard.press('1')
    const note = page.getByRole('region', { name: 'Changed in place, found by verification' })
    const text = flat(await note.textContent())
    expect(text).toContain('after entry #0 and before this one')
    expect(text).toContain('between #1 and this entry. Recorded there: mixed.')
    await page.getByRole('button', { name: '1 slice changed in place' }).click()
    const items = page.getByRole('list', { name: 'Slices compared in full' }).getByRole('listitem')
    // A reported slice reaches the window with the runtime's info the host pushes on the stream, not with an entry.
    await expect.poll(() => items.count(), { timeout: 6000 }).toBe(2)
    expect(flat(await items.nth(0).textContent())).toContain(`todos /todos/0/done found by verification after #0, recorded as #${seq}`)
    expect(flat(await items.nth(1).textContent())).toContain(
      'canvas /canvas/strokes the runtime reports changes to this slice as the same object: compared in full'
    )
    expect(await items.nth(1).locator('.pill.in-place').count()).toBe(0)
    await screenshots('mixed')
    await note.getByRole('button', { name: 'Go to #1, the first entry of the range' }).click()
    expect(await selectedSeq(page)).toBe(1)
  })

  test('shows in place why the host refused to change how the state is compared, and leaves the switch as it was', async () => {
    const { page } = win
    await page.route('**/runtime/compare', (route) =>
      route.fulfill({
        status: 422,
        contentType: 'application/json',
        body: JSON.stringify({ error: { message: 'the runtime did not answer' } })
      })
    )
    const box = page.getByRole('checkbox', { name: 'Compare every change in full' })
    await box.click()
    const alert = page.getByRole('alert')
    await alert.waitFor()
    expect(await alert.textContent()).toBe('Could not change how the state is compared: the runtime did not answer')
    expect(await box.isChecked()).toBe(false)
    expect((await runtime()).compare).toBe('verify')
    await page.unroute('**/runtime/compare')
    await box.click()
    await expect.poll(async () => (await runtime()).compare).toBe('full')
    expect(await alert.count()).toBe(0)
    // Chromium logs the refused request; nothing else may go wrong.
    expect(win.errors.filter((e) => !/status of 422/.test(e))).toEqual([])
  })
})
