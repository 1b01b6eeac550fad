/**
 * The header's Dispatch… is disabled, with the reason as its title, wherever the host would refuse
 * the action (409: no runtime loaded, or the one loaded failed) — the reasons "Dispatch again…"
 * gives (`dispatchRefused`, one source) — and enabled once a runtime runs.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { openWindow, startHost, type RunningHost, type Window } from './harness'

let host: RunningHost
let win: Window

const json = { 'content-type': 'application/json' }

async function status(): Promise<string> {
  return ((await (await host.api('/runtime')).json()) as { status: string }).status
}

/** What `POST /actions` answers now. */
async function dispatchStatus(): Promise<number> {
  return (await host.api('/actions', { method: 'POST', headers: json, body: JSON.stringify({ type: 'counter/increment' }) })).status
}

beforeAll(async () => {
  host = await startHost(undefined)
  win = await openWindow(host)
})

afterAll(async () => {
  await win?.close()
  await host?.stop()
})

test('Dispatch… is disabled with the reason while no runtime runs, and enabled once one does', async () => {
  const { page } = win
  const button = page.getByRole('button', { name: 'Dispatch…', exact: true })
  await button.waitFor()
  // No runtime loaded: the host answers 409, and the header says so before.
  expect(await status()).toBe('none')
  expect(await dispatchStatus()).toBe(409)
  await expect.poll(() => button.isDisabled()).toBe(true)
  expect(await button.getAttribute('title')).toBe(
    'No runtime is loaded to dispatch to: open one (Open… in the header), then dispatch from the live session'
  )

  // A load that failed: nothing runs (409 again), and the header says to reload it.
  const failed = await host.api('/runtime', {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ path: 'examples/does-not-exist.mjs' })
  })
  expect(failed.status).toBe(422)
  expect(await status()).toBe('failed')
  expect(await dispatchStatus()).toBe(409)
  await expect
    .poll(() => button.getAttribute('title'))
    .toBe('The runtime is not running (it failed to load, or stopped): reload it (Reload in the header), then dispatch')
  expect(await button.isDisabled()).toBe(true)

  // A runtime running: enabled, and it opens the dispatcher.
  const loaded = await host.api('/runtime', { method: 'POST', headers: json, body: JSON.stringify({ path: 'examples/counter.mjs' }) })
  expect(loaded.status).toBe(200)
  await expect.poll(() => button.isDisabled()).toBe(false)
  expect(await button.getAttribute('title')).toMatch(/^Send an action to the runtime/)
  await button.click()
  await page.locator('section[aria-label=Dispatcher]').waitFor()
  expect(await button.getAttribute('aria-expanded')).toBe('true')
  // The 409s and the 422 were the test's own requests, not the page's: it logged nothing.
  expect(win.errors).toEqual([])
})
