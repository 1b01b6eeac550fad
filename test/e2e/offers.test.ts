/**
 * What an entry offers, in Chromium, where it can work: "Dispatch again…" sends to the live
 * runtime, so a document's and an attached stream's are disabled with the reason; "Resume from
 * here" needs a runtime module, so an attached stream's is disabled, while a document's resumes
 * (its file is sent, and the branch goes on live). And an action that changed its state in place
 * (examples/todos-bug.mjs) reads "changed in place" in the grouped timeline, not "0 changes".
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import { openWindow, screenshots, sendAction, startHost, type RunningHost, type Window } from './harness'

let host: RunningHost
let win: Window

beforeAll(async () => {
  host = await startHost('examples/todos-bug.mjs')
  await sendAction(host, { type: 'filter/set', payload: 'active' })
  // The reducer flips `done` in place: the host's verification finds it as the dispatch settles.
  await sendAction(host, { type: 'todos/toggle', payload: { id: 2 } })
  win = await openWindow(host)
}, 60_000)

afterAll(async () => {
  await win?.close()
  await host?.stop()
})

/** The timeline row (grouped or flat) whose action is `type`; the last such when several. */
const rowOf = (page: Page, type: string, what?: string) => {
  const rows = page.locator('[role=option]', { has: page.locator('.cause', { hasText: new RegExp(`^${type.replace('/', '\\/')}$`) }) })
  return (what === undefined ? rows : rows.filter({ has: page.locator('.what', { hasText: what }) })).last()
}

const again = (page: Page) => page.getByRole('button', { name: 'Dispatch again…' })
const resumeHere = (page: Page) => page.getByRole('button', { name: 'Resume from here' })

describe('an action that changed its state in place, grouped by action', () => {
  test('its row names the slice and reads "changed in place"; its whole effect is the change found', async () => {
    const { page } = win
    expect(await page.getByLabel('Rows').inputValue()).toBe('units')
    const row = rowOf(page, 'todos/toggle')
    await expect.poll(() => row.locator('.summary').textContent(), { timeout: 10_000 }).toBe('changed in place')
    expect(await row.locator('.what').textContent()).toBe('todos')
    expect(await rowOf(page, 'filter/set').locator('.summary').textContent()).toBe('1 change')
    await row.click()
    const outcome = page.locator('p.outcome')
    await expect.poll(() => outcome.textContent()).toMatch(/^\s*1 change in 1 slice, changed in place: the action changed the state/)
    expect(await page.getByRole('region', { name: 'Slice todos' }).textContent()).toContain('/todos/1/done')
    // The live session of a loaded runtime: the action can be sent again.
    expect(await again(page).isDisabled()).toBe(false)
    expect(await again(page).getAttribute('title')).toMatch(/^Open the dispatcher with this action/)
    await screenshots(page, 'offers', 'in-place-unit')
    expect(win.errors).toEqual([])
  })
})

describe('a document opened beside the live session', () => {
  test('its actions are not dispatched from it (the header’s reason), and Resume from here resumes it into the live runtime', async () => {
    const { page } = win
    const file = await (await host.api('/history?redact=false')).text()
    await page
      .locator('input[type=file]')
      .setInputFiles({ name: 'todos.patchscope.ndjson', mimeType: 'application/x-ndjson', buffer: Buffer.from(file) })
    await page.locator('header .pill.session', { hasText: 'imported' }).waitFor()
    // Grouped, the document reads the same as live.
    const unit = rowOf(page, 'todos/toggle')
    await expect.poll(() => unit.locator('.summary').textContent()).toBe('changed in place')
    await unit.click()
    await expect.poll(() => again(page).isDisabled()).toBe(true)
    expect(await again(page).getAttribute('title')).toBe(
      'Actions go to the live runtime: show Live (in the header) to dispatch this one again'
    )

    await page.getByLabel('Rows').selectOption('flat')
    await rowOf(page, 'filter/set', 'filter').click()
    await expect.poll(() => again(page).isDisabled()).toBe(true)
    expect(await resumeHere(page).isDisabled()).toBe(false)
    expect(await resumeHere(page).getAttribute('title')).toBe('Bring a fresh runtime to this entry of the document and go on live from it')
    await screenshots(page, 'offers', 'document-entry')
    await resumeHere(page).click()
    const dialog = page.getByRole('alertdialog', { name: 'Resume from here' })
    await expect.poll(() => dialog.textContent()).toMatch(/of todos\.patchscope\.ndjson/)
    await dialog.getByRole('button', { name: /^Resume at #\d+$/ }).click()
    await expect
      .poll(async () => (await page.locator('p.resume[role=status]').textContent()) ?? '', { timeout: 30_000 })
      .toMatch(/^\s*Resumed at #\d+ after 1 input: its state equals the recorded one/)
    // The branch goes on live: the live session is shown, where the action can be sent again.
    await expect.poll(() => page.locator('header .pill.session', { hasText: 'imported' }).count()).toBe(0)
    const state = (await (await host.api('/state')).json()) as { filter: string; todos: { done: boolean }[] }
    expect(state.filter).toBe('active')
    expect(state.todos.map((t) => t.done)).toEqual([true, false])
    expect(win.errors).toEqual([])
  })
})

describe('a remote stream attached instead of a runtime', () => {
  let watcher: RunningHost
  let attached: Window

  beforeAll(async () => {
    watcher = await startHost(undefined)
    const res = await watcher.api('/attach', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: `${host.url}/events`, headers: { Authorization: `Bearer ${host.token}` } })
    })
    expect(res.status).toBe(200)
    attached = await openWindow(watcher)
  }, 60_000)

  afterAll(async () => {
    await attached?.close()
    await watcher?.stop()
  })

  test('neither Dispatch again… nor Resume from here can be used, and each says why', async () => {
    const { page } = attached
    await page.getByLabel('Rows').selectOption('flat')
    await sendAction(host, { type: 'filter/set', payload: 'done' })
    const row = rowOf(page, 'filter/set', 'filter')
    await row.waitFor({ timeout: 10_000 })
    await row.click()
    await expect.poll(() => again(page).isDisabled()).toBe(true)
    expect(await again(page).getAttribute('title')).toMatch(
      /^A remote stream is attached, not a runtime: there is no runtime here to dispatch to/
    )
    expect(await resumeHere(page).isDisabled()).toBe(true)
    expect(await resumeHere(page).getAttribute('title')).toMatch(
      /^A remote stream is attached, not a runtime module: resuming needs a module/
    )
    // What the host would have answered, had the buttons been offered.
    const dispatched = await watcher.api('/actions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"type":"filter/set"}'
    })
    expect(dispatched.status).toBe(409)
    const resumed = await watcher.api('/resume', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"seq":1}' })
    expect([resumed.status, await resumed.text()]).toEqual([400, expect.stringContaining('no runtime module is loaded')])
    await screenshots(page, 'offers', 'attached-entry')
    expect(attached.errors).toEqual([])
  })
})
