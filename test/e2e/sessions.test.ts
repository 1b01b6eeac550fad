import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { SessionsInfo } from '../../src/shared/journal'
import { openWindow, screenshots, sendAction, startHost, type RunningHost, type Window } from './harness'

// The page's own functions, used in code that runs in the page (this project is typed for Node).
declare const document: { createRange(): { selectNodeContents(node: unknown): void; getBoundingClientRect(): { width: number } } }
declare const getComputedStyle: (el: unknown) => Record<'paddingLeft' | 'paddingRight' | 'borderLeftWidth' | 'borderRightWidth', string>

/** One folder of sessions for the two hosts: the first is killed, the second finds its session. */
const dir = mkdtempSync(join(tmpdir(), 'patchscope-e2e-sessions-'))
let host: RunningHost
let win: Window

/** Events the first host had recorded (its base and every entry) when it was killed. */
let recorded = 0

beforeAll(async () => {
  const first = await startHost('examples/counter.mjs', ['--session-dir', dir])
  for (let i = 0; i < 7; i++) recorded = (await sendAction(first, { type: 'counter/increment' })).seq + 1
  // Everything recorded reaches the disk within a second: then the host dies without a word.
  await new Promise((r) => setTimeout(r, 1500))
  await new Promise<void>((resolve) => {
    first.proc.once('exit', () => resolve())
    first.proc.kill('SIGKILL')
  })
  host = await startHost('examples/agent.mjs', ['--session-dir', dir])
  win = await openWindow(host)
  await win.page.getByText('following the newest entry').waitFor()
})

afterAll(async () => {
  await win?.close()
  await host?.stop()
})

describe('sessions that survive (the journal)', () => {
  test('offers the session that ended unexpectedly when the window starts, with its runtime and count', async () => {
    const { page } = win
    const offer = page.getByRole('status', { name: 'A session ended unexpectedly' })
    await offer.waitFor()
    const text = (await offer.textContent())?.replace(/\s+/g, ' ') ?? ''
    expect(text).toMatch(new RegExp(`A session of counter\\.mjs \\(today \\d\\d:\\d\\d, ${recorded} events\\) ended unexpectedly`))
    await screenshots(page, 'sessions', 'offer')
  })

  test('lists every session with its state, and opens the one that ended unexpectedly as a document beside the live session', async () => {
    const { page } = win
    await page.getByRole('button', { name: 'Show sessions' }).click()
    const panel = page.getByRole('region', { name: 'Sessions' })
    await panel.waitFor()
    const rows = panel.getByRole('listitem')
    await expect.poll(() => rows.count()).toBe(2)
    const crashed = rows.filter({ hasText: 'counter.mjs' })
    await expect
      .poll(async () => (await crashed.textContent())?.replace(/\s+/g, ' '))
      .toMatch(new RegExp(`${recorded} events.*ended unexpectedly`))
    expect(await rows.filter({ hasText: 'agent.mjs' }).textContent()).toContain('recording now')
    // Each state's pill is as wide as its words (plus its padding), not stretched over its column.
    for (const pill of await panel.locator('.pill.state').all()) {
      const { box, words, padding } = await pill.evaluate((el) => {
        const range = document.createRange()
        range.selectNodeContents(el)
        const style = getComputedStyle(el)
        const sides = ['paddingLeft', 'paddingRight', 'borderLeftWidth', 'borderRightWidth'] as const
        return {
          box: el.getBoundingClientRect().width,
          words: range.getBoundingClientRect().width,
          padding: sides.reduce((sum, side) => sum + parseFloat(style[side]), 0)
        }
      })
      expect(box).toBeLessThanOrEqual(words + padding + 1)
    }
    await screenshots(page, 'sessions', 'list')

    await crashed.getByRole('button', { name: 'Open', exact: true }).click()
    await page.getByText(new RegExp(`This file is cut short after ${recorded} events`)).waitFor()
    await page.getByText('recording of').waitFor()
    await page.locator('.pill.session', { hasText: 'imported' }).waitFor()
    // The live runtime goes on: it was not stopped, and its history was not replaced.
    expect(((await (await host.api('/runtime')).json()) as { status: string; name: string }).status).toBe('loaded')
    // Once opened, it is no longer offered.
    expect(await page.getByRole('status', { name: 'A session ended unexpectedly' }).count()).toBe(0)
    // Nothing was closed or begun in the journal: the live session is still being recorded.
    const states = async (): Promise<string[]> =>
      ((await (await host.api('/sessions')).json()) as SessionsInfo).sessions.map((s) => s.state).sort()
    expect(await states()).toEqual(['ended unexpectedly', 'recording'])
    expect(win.errors).toEqual([])
  })
})
