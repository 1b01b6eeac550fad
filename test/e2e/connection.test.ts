import { afterAll, expect, test } from 'vitest'
import { freePort } from '../helpers/port'
import { openWindow, startHost, type RunningHost, type Window } from './harness'

let host: RunningHost | undefined
let win: Window | undefined

afterAll(async () => {
  await win?.close()
  await host?.stop()
})

test('reconnects by itself after the host restarts, and says what was lost', async () => {
  const port = await freePort()
  const args = ['--port', String(port), '--token', 'a-fixed-token-for-this-test-only']
  host = await startHost('examples/counter.mjs', args)
  win = await openWindow(host)
  const { page } = win
  const dispatch = (h: RunningHost): Promise<Response> =>
    h.api('/actions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'counter/increment' })
    })
  for (let i = 0; i < 5; i++) await dispatch(host)
  await page.getByText('following the newest entry').waitFor()
  const lastSeq = async (): Promise<number> => Number((await page.locator('.count').textContent())?.match(/seq \d+–(\d+)/)?.[1])
  await expect.poll(lastSeq).toBeGreaterThan(5)

  await host.stop()
  await page.locator('header .pill', { hasText: /reconnecting|offline/ }).waitFor()

  // The same address and token, but a new history: the window's last entry is newer than any.
  host = await startHost('examples/counter.mjs', args)
  await page.locator('header .pill', { hasText: 'live' }).waitFor({ timeout: 20_000 })
  await page.getByText('Some entries were dropped').waitFor()
  const { seq } = (await (await dispatch(host)).json()) as { seq: number }
  const state = (await (await host.api('/state')).json()) as { count: number }
  expect(state.count).toBe(1)
  await expect.poll(lastSeq).toBe(seq)
  expect(win.errors.filter((e) => !/Failed to load resource|ERR_CONNECTION_REFUSED/.test(e))).toEqual([])
})

test('takes the token out of the address bar, keeps it for a reload, and exports without it in any URL', async () => {
  await win?.close()
  await host?.stop()
  host = await startHost('examples/counter.mjs')
  win = await openWindow(host)
  const { page } = win
  const urls: string[] = []
  page.on('request', (r) => urls.push(r.url()))
  await page.getByText('following the newest entry').waitFor()
  expect(page.url()).toBe(`${host.url}/`)
  await page.reload()
  await page.getByText('following the newest entry').waitFor()
  await page.locator('header .pill', { hasText: 'live' }).waitFor()

  const download = page.waitForEvent('download')
  await page.getByRole('button', { name: 'Export' }).click()
  const file = await download
  expect(file.suggestedFilename()).toMatch(/^counter-.*\.patchscope\.ndjson$/)
  const text = await (await file.createReadStream()).toArray()
  const lines = Buffer.concat(text as Buffer[])
    .toString('utf8')
    .trimEnd()
    .split('\n')
  expect(JSON.parse(lines[0] as string)).toMatchObject({ format: 'patchscope-session' })
  expect(JSON.parse(lines.at(-1) as string)).toHaveProperty('end')
  expect(urls.filter((u) => u.includes(host?.token ?? '?'))).toEqual([])
  expect(win.errors).toEqual([])
})
