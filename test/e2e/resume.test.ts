/**
 * Resume from here (issue 14), in Chromium: a counter recorded with three inputs, an entry of the
 * second chosen in the entry view, the confirmation read and accepted; the live runtime is then
 * brought to that entry (its state as recorded there), a new action goes on from it, and the old
 * entries are still in the history.
 */
import { copyFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { openWindow, ROOT, screenshots, startHost, type RunningHost, type Window } from './harness'

let host: RunningHost
let win: Window

const add = async (by: number): Promise<void> => {
  const res = await host.api('/actions', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'add', payload: { by } })
  })
  expect(res.status).toBe(200)
}

beforeAll(async () => {
  const module = join(mkdtempSync(join(tmpdir(), 'patchscope-e2e-resume-')), 'counter.mjs')
  copyFileSync(`${ROOT}test/fixtures/replay-counter.mjs`, module)
  host = await startHost(module)
  for (const by of [1, 2, 3]) await add(by)
  win = await openWindow(host)
}, 60_000)

afterAll(async () => {
  await win?.close()
  await host?.stop()
})

test('resumes at an entry of the second input: asks first, then the live state is the recorded one there, and goes on from it', async () => {
  const { page } = win
  await page.getByLabel('Rows').selectOption('flat')
  // The count's update of the second input (by 2): the count is 3 after it.
  const row = page.locator('[role=option]', { hasText: 'add' }).filter({ hasText: 'count' }).nth(1)
  await row.click()
  await page.getByRole('button', { name: 'Resume from here' }).click()
  const dialog = page.getByRole('alertdialog', { name: 'Resume from here' })
  await expect.poll(() => dialog.textContent()).toMatch(/The live history is kept whole/)
  await screenshots(page, 'resume', 'confirm')
  await dialog.getByRole('button', { name: /^Resume at #\d+$/ }).click()
  const said = page.locator('p.resume[role=status]')
  await expect
    .poll(async () => (await said.textContent()) ?? '', { timeout: 30_000 })
    .toMatch(/^\s*Resumed at #\d+ .*after 2 inputs: its state equals the recorded one/)
  await screenshots(page, 'resume', 'done')
  const state = (await (await host.api('/state')).json()) as { count: number; log: unknown[] }
  expect(state.count).toBe(3)
  expect(state.log).toHaveLength(2)
  await add(10)
  expect(((await (await host.api('/state')).json()) as { count: number }).count).toBe(13)
  // The old branch stays: the history still holds the third input's entries before the branch.
  const history = await (await host.api('/history?redact=false')).text()
  expect(history).toContain('"by":3')
  expect(history).toContain('"note":"resume"')
})
