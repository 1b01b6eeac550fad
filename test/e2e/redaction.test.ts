import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { HistoryEvent, SessionHeader, Slices } from '../../src/shared/protocol'
import { openWindow, screenshots, sendAction, startHost, type RunningHost, type Window } from './harness'

let host: RunningHost
let win: Window

beforeAll(async () => {
  host = await startHost('test/e2e/fixtures/secrets.mjs')
  win = await openWindow(host)
  await win.page.getByText('following the newest entry').waitFor()
})

afterAll(async () => {
  await win?.close()
  await host?.stop()
})

describe('redaction in the window', () => {
  test('Export saves a file with no secret, whose header lists where they were', async () => {
    const { page } = win
    await sendAction(host, { type: 'visit' })
    const download = page.waitForEvent('download')
    await page.getByRole('button', { name: 'Export', exact: true }).click()
    const file = await download
    const text = Buffer.concat((await (await file.createReadStream()).toArray()) as Buffer[]).toString('utf8')
    expect(text).not.toContain('hunter2-e2e')
    expect(text).not.toContain('sk-e2e-0001')
    const [first, ...rest] = text.trimEnd().split('\n')
    const header = JSON.parse(first as string) as SessionHeader
    // The token is null so far, and its place is redacted all the same: what it holds is never read.
    expect(header.redaction?.paths.sort()).toEqual(['/auth/keys/0/apiKey', '/auth/password', '/session/token'])
    const initial = JSON.parse(rest[0] as string) as HistoryEvent
    expect(initial).toMatchObject({ type: 'state.initial', slices: { auth: { user: 'ann', password: { $redacted: true } } } })
    expect(win.errors).toEqual([])
  })

  test('the panel shows the policy with its defaults, and refuses a pattern with the host’s reason', async () => {
    const { page } = win
    await page.getByRole('button', { name: 'Redaction', exact: true }).click()
    const panel = page.getByRole('region', { name: 'Redaction' })
    await panel.getByText('Exports are redacted').waitFor()
    const keys = panel.getByRole('list', { name: 'Keys' })
    await expect.poll(() => keys.getByRole('listitem').count()).toBeGreaterThan(5)
    expect(await keys.getByRole('listitem').filter({ hasText: '*password*' }).textContent()).toContain('default')

    // Keyboard only: type a pattern and press Enter.
    const add = panel.getByRole('textbox', { name: 'Add to paths' })
    await add.fill('/users/0/ssn')
    await add.press('Enter')
    await panel.getByRole('alert').filter({ hasText: '"0" could be an array index' }).waitFor()
    // Chromium logs the refused request (the 400) as an error of the page: the one expected here.
    expect(win.errors).toEqual([expect.stringContaining('400 (Bad Request)')])
    win.errors.length = 0
    await add.fill('/session/visits')
    await add.press('Enter')
    await panel.getByRole('list', { name: 'Paths' }).getByText('/session/visits').waitFor()
    await screenshots(page, 'redaction', 'panel')
    await panel.getByRole('button', { name: 'Remove /session/visits' }).click()
    await expect.poll(() => panel.getByRole('list', { name: 'Paths' }).getByText('/session/visits').count()).toBe(0)
  })

  test('redact at capture: a token set afterwards is redacted in the timeline and the state, and never reaches the host’s history', async () => {
    const { page } = win
    const panel = page.getByRole('region', { name: 'Redaction' })
    await panel.getByRole('checkbox', { name: /Redact at capture/ }).check()
    await expect.poll(async () => ((await (await host.api('/redaction')).json()) as { capture: boolean }).capture).toBe(true)
    // The password and API key already recorded are redacted by an entry, at once.
    await page.getByText('(redaction at capture)').first().waitFor()

    await sendAction(host, { type: 'session/setToken', payload: { token: 'tok-e2e-0002' } })
    await page.getByRole('option').filter({ hasText: 'session/setToken' }).waitFor()
    await page.getByRole('option').filter({ hasText: 'session/setToken' }).click()
    await page.getByRole('tab', { name: 'State' }).click()
    const token = page.locator('.line', { has: page.locator('.key', { hasText: /^token$/ }) }).first()
    await token.locator('.value.redacted', { hasText: 'redacted' }).waitFor()
    await screenshots(page, 'redaction', 'captured')

    const raw = await (await host.api('/history?redact=false')).text()
    expect(raw).not.toContain('tok-e2e-0002')
    const live = (await (await host.api('/state')).json()) as Slices
    expect(live).toMatchObject({ session: { token: { $redacted: true } }, auth: { password: { $redacted: true } } })
    expect(JSON.stringify(await page.content())).not.toContain('tok-e2e-0002')
    expect(win.errors).toEqual([])
  })

  test('Export unredacted… warns first, then saves the file as recorded', async () => {
    const { page } = win
    const panel = page.getByRole('region', { name: 'Redaction' })
    await panel.getByRole('button', { name: 'Export unredacted…' }).click()
    await panel.getByRole('alert').filter({ hasText: 'every secret' }).waitFor()
    const download = page.waitForEvent('download')
    await panel.getByRole('button', { name: 'Export unredacted', exact: true }).click()
    const text = Buffer.concat((await (await (await download).createReadStream()).toArray()) as Buffer[]).toString('utf8')
    // Recorded before capture was turned on: in the file as recorded.
    expect(text).toContain('hunter2-e2e')
    expect(JSON.parse(text.split('\n')[0] as string)).not.toHaveProperty('redaction')
  })
})
