import { afterAll, beforeAll, expect, test } from 'vitest'
import type { RuntimeInfo } from '../../src/shared/protocol'
import { openWindow, startHost, type RunningHost, type Window } from './harness'

let host: RunningHost
let win: Window

beforeAll(async () => {
  host = await startHost(undefined)
  win = await openWindow(host)
})

afterAll(async () => {
  await win?.close()
  await host?.stop()
})

const runtime = async (): Promise<RuntimeInfo> => (await (await host.api('/runtime')).json()) as RuntimeInfo

test('with no runtime, offers to load one, and loads it by path', async () => {
  const { page } = win
  await page.getByText('no runtime loaded').waitFor()
  await page.getByLabel('Load a runtime module').fill('examples/counter.mjs')
  await page.getByRole('button', { name: 'Load', exact: true }).click()
  await page.locator('header .pill.loaded').waitFor()
  expect(await page.locator('header').textContent()).toContain('counter.mjs')
  expect((await runtime()).status).toBe('loaded')
  await page.locator('[role=option]', { hasText: 'reset' }).waitFor()
})

test('shows a failed load in full and keeps the runtime that was running', async () => {
  const { page } = win
  await page.getByRole('button', { name: 'Open…' }).click()
  await page.getByLabel('Load a runtime module').fill('examples/does-not-exist.mjs')
  await page.getByRole('button', { name: 'Load', exact: true }).click()
  const alert = page.getByRole('alert')
  await alert.waitFor()
  expect(await alert.textContent()).toContain('does-not-exist.mjs: the file does not exist')
  expect((await runtime()).name).toBe('counter.mjs')
  await page.getByRole('button', { name: 'Dismiss' }).click()
})

test('loads another runtime while one runs: the history goes on after a reset', async () => {
  const { page } = win
  const before = (await (await host.api('/state')).json()) as Record<string, unknown>
  expect(Object.keys(before)).toContain('count')
  await page.getByLabel('Load a runtime module').fill('examples/agent.mjs')
  await page.getByRole('button', { name: 'Load', exact: true }).click()
  await page.locator('header', { hasText: 'agent.mjs' }).waitFor()
  await expect.poll(async () => (await page.locator('[role=option]', { hasText: 'reset' }).count()) >= 1).toBe(true)
  // The agent's own entries follow the reset; the counter's entries before it are kept.
  await page.locator('[role=option]', { hasText: 'demo/ask' }).first().waitFor()
  expect(await page.title()).toContain('agent.mjs')
  // Chromium logs the 422 of the failed load above; nothing else may go wrong.
  expect(win.errors.filter((e) => !/status of 422/.test(e))).toEqual([])
})
