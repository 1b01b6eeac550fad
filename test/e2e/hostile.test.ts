import { afterAll, beforeAll, expect, test } from 'vitest'
import { openWindow, startHost, type RunningHost, type Window } from './harness'

let host: RunningHost
let win: Window

beforeAll(async () => {
  host = await startHost('test/e2e/fixtures/hostile.mjs')
  win = await openWindow(host)
  await win.page.getByText('following the newest entry').waitFor()
})

afterAll(async () => {
  await win?.close()
  await host?.stop()
})

test('shows runtime data as text: no HTML, no script, no prototype pollution', async () => {
  const { page } = win
  const res = await host.api('/actions', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: '<b onmouseover=alert(1)>evil</b>', payload: { __proto__: { polluted: 'payload' } } })
  })
  const { seq } = (await res.json()) as { seq: number }
  await page.locator('[role=option][aria-selected=true] .seq', { hasText: new RegExp(`^${seq}$`) }).waitFor()
  // Look at every view that shows runtime data.
  for (const key of ['1', '2', '5']) await page.keyboard.press(key)
  await page.keyboard.press('2')
  const tree = page.locator('[role=tree]')
  await tree
    .locator('.line', { has: page.locator('.key', { hasText: /^keys$/ }) })
    .first()
    .locator('.toggle')
    .click()
  await tree
    .locator('.line', { has: page.locator('.key', { hasText: /^__proto__$/ }) })
    .first()
    .waitFor()
  await page.locator('[role=option]', { hasText: 'event' }).last().click()
  await page.keyboard.press('1')

  // Runs in the page (a string, as the tests are typed for Node, not the DOM).
  const found = (await page.evaluate(`({
    pwned: window.__pwned === true,
    images: document.querySelectorAll('img').length,
    bolds: document.querySelectorAll('b').length,
    polluted: ({}).polluted,
    text: document.body.innerText
  })`)) as { pwned: boolean; images: number; bolds: number; polluted: unknown; text: string }
  expect(found.pwned).toBe(false)
  expect(found.images).toBe(0)
  expect(found.bolds).toBe(0)
  expect(found.polluted).toBeUndefined()
  // The markup is there, as the text it is.
  expect(found.text).toContain('<img src=x onerror=')
  expect(win.errors).toEqual([])
})

test('the state with a __proto__ key and deep nesting is the same in the window as in GET /state', async () => {
  const { page } = win
  await page.keyboard.press('End')
  await page.keyboard.press('2')
  await page.getByRole('button', { name: 'JSON', exact: true }).click()
  const shown = JSON.parse((await page.locator('pre.json').textContent()) ?? '') as Record<string, unknown>
  const expected = (await (await host.api('/state')).json()) as Record<string, unknown>
  expect(shown).toEqual(expected)
  expect(Object.keys(shown.keys as object)).toContain('__proto__')
})
