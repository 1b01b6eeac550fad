/**
 * Attach (issue 15) in Chromium: a host with no module attaches, from the runtime panel's
 * *Attach…*, to another running host's events route (the seed's route, with its token as a
 * header); the panel says what is attached and that it is live; the source's actions arrive in
 * the timeline and can be travelled to; Detach ends it. The CLI's `--attach` and `--header` too.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { RuntimeInfo } from '../../src/shared/protocol'
import { openWindow, screenshots, startHost, type RunningHost, type Window } from './harness'

// The page's own object, in code that runs in the page (this project is typed for Node).
declare const document: { activeElement: unknown }

let source: RunningHost
let host: RunningHost
let win: Window

async function runtime(h: RunningHost): Promise<RuntimeInfo> {
  return (await (await h.api('/runtime')).json()) as RuntimeInfo
}

function post(h: RunningHost, action: unknown): Promise<Response> {
  return h.api('/actions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(action) })
}

beforeAll(async () => {
  source = await startHost('examples/counter.mjs')
  host = await startHost(undefined)
  win = await openWindow(host)
})

afterAll(async () => {
  await win?.close()
  await host?.stop()
  await source?.stop()
})

describe('Attach… in the window', () => {
  test('says what is wrong inline, attaches with a header, says it is live, and records the source for time travel', async () => {
    const { page } = win
    await page.getByRole('button', { name: 'Attach…' }).click()
    const url = page.getByLabel('Attach to an event stream')
    await expect.poll(() => url.evaluate((el) => el === document.activeElement)).toBe(true)
    // Keyboard only: a URL the host cannot use is said under the form, and nothing is attached.
    await url.fill('ftp://example.com/events')
    await url.press('Enter')
    const alert = page.locator('#attach-error')
    await expect.poll(() => alert.textContent()).toBe('the URL must be http: or https: (got ftp:)')
    expect((await runtime(host)).status).toBe('none')
    // The source without its token: the host asks it first and refuses with its answer; nothing is attached.
    await url.fill(`${source.url}/events`)
    await url.press('Enter')
    await expect
      .poll(() => alert.textContent(), { timeout: 10_000 })
      .toMatch(
        new RegExp(
          `^cannot attach to ${source.url}/events: the source answered 401 Unauthorized.* — it wants credentials: add a header, e\\.g\\. Authorization: Bearer … \\(nothing was changed\\)$`
        )
      )
    expect((await runtime(host)).status).toBe('none')
    expect(await page.getByRole('button', { name: 'Attach', exact: true }).isEnabled()).toBe(true)
    await page.getByRole('button', { name: 'Add header' }).click()
    await page.getByLabel('Header 1 name').fill('Authorization')
    await page.getByLabel('Header 1 value').fill(`Bearer ${source.token}`)
    await screenshots(page, 'attach', 'dialog')
    await url.fill(`${source.url}/events`)
    await url.press('Enter')
    const status = page.locator('.attached[role=status]')
    await expect.poll(() => status.textContent(), { timeout: 10_000 }).toMatch(/Live \(the seed's events route\): recording its events\./)
    expect(await status.textContent()).toContain(`${source.url}/events`)
    const info = await runtime(host)
    expect(info).toMatchObject({ status: 'attached', attach: { state: 'live', protocol: 'seed', headers: ['Authorization'] } })
    expect(JSON.stringify(info)).not.toContain(source.token)
    // Reload is for a module: the host refuses it while a stream is attached, and the header says why.
    const reload = page.getByRole('button', { name: 'Reload', exact: true })
    await expect.poll(() => reload.isDisabled()).toBe(true)
    expect(await reload.getAttribute('title')).toMatch(/^A remote stream is attached, not a module/)
    // Nor is there a runtime here to dispatch to.
    const dispatch = page.getByRole('button', { name: 'Dispatch…', exact: true })
    expect(await dispatch.isDisabled()).toBe(true)
    expect(await dispatch.getAttribute('title')).toMatch(/^A remote stream is attached, not a runtime/)

    for (let i = 0; i < 3; i++) await post(source, { type: 'counter/increment' })
    // Recorded with this host's seqs: the first increment's update, found in the host's history.
    let first = 0
    await expect
      .poll(
        async () => {
          const lines = (await (await host.api('/history?redact=false')).text()).split('\n').filter((l) => l.startsWith('{"type"'))
          const updates = lines.map((l) => JSON.parse(l) as { type: string; seq: number; slice?: string; cause?: { type: string } })
          const increments = updates.filter(
            (e) => e.type === 'state.update' && e.slice === 'count' && e.cause?.type === 'counter/increment'
          )
          first = increments[0]?.seq ?? 0
          return increments.length
        },
        { timeout: 10_000 }
      )
      .toBe(3)
    // Time travel: the first increment's state is the one right after it, not the head's.
    // The source's first action is one unit in the timeline (its entries #first–#last, with this host's seqs).
    const row = page.locator('[role=option]', { hasText: 'counter/increment' }).first()
    await expect
      .poll(() => row.locator('.seq').getAttribute('title'), { timeout: 10_000 })
      .toMatch(new RegExp(`^#${first - 1}–#\\d+$|^#${first}–#\\d+$`))
    await row.click()
    await page.keyboard.press('2')
    await expect.poll(() => page.locator('section[aria-label=Inspector]').textContent()).toMatch(/count\s*:?\s*1(?!\d)/)
    await screenshots(page, 'attach', 'live')
    // The mirror is the source's state, exactly.
    const want = (await (await source.api('/state')).json()) as unknown
    await expect.poll(async () => (await (await host.api('/state')).json()) as unknown).toEqual(want)
  })

  test('Detach ends it: the panel goes back to loading a module, the history is kept', async () => {
    const { page } = win
    const before = await (await host.api('/history?redact=false')).text()
    await page.getByRole('button', { name: 'Detach' }).click()
    await expect.poll(async () => (await runtime(host)).status).toBe('none')
    await expect.poll(() => page.locator('.attached').count()).toBe(0)
    expect(await page.getByLabel('Load a runtime module').count()).toBe(1)
    const after = await (await host.api('/history?redact=false')).text()
    expect(after.split('\n').length).toBeGreaterThanOrEqual(before.split('\n').length - 1)
    expect(after).toContain('counter/increment')
    expect(after).not.toContain(source.token)
  })
})

describe('npm run serve -- --attach URL --header', () => {
  test('records the source from the start; the header is never printed nor journaled', async () => {
    const cli = await startHost(undefined, ['--attach', `${source.url}/events`, '--header', `Authorization: Bearer ${source.token}`])
    try {
      await expect.poll(async () => (await runtime(cli)).attach?.state, { timeout: 10_000 }).toBe('live')
      await post(source, { type: 'counter/decrement' })
      const want = (await (await source.api('/state')).json()) as unknown
      await expect.poll(async () => (await (await cli.api('/state')).json()) as unknown, { timeout: 10_000 }).toEqual(want)
      const history = await (await cli.api('/history?redact=false')).text()
      expect(JSON.parse(history.split('\n')[0] as string)).toMatchObject({ runtime: { path: `${source.url}/events` } })
      expect(history).not.toContain(source.token)
    } finally {
      await cli.stop()
    }
  })
})
