/**
 * Sessions as documents (issue 12): an imported file opens beside the live session with its own
 * seqs; the header names the one shown and switches; the live history is never appended to; the
 * dispatcher acts on live only; "live" and "offline" are never shown at once.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openWindow, screenshots, sendAction, startHost, type RunningHost, type Window } from './harness'

let host: RunningHost
let win: Window

beforeAll(async () => {
  host = await startHost('examples/counter.mjs')
  win = await openWindow(host)
  await win.page.locator('header .pill', { hasText: 'live' }).waitFor()
})

afterAll(async () => {
  await win?.close()
  await host?.stop()
})

/** Counts one up, and gives the entry it recorded. */
const increment = async (): Promise<number> => (await sendAction(host, { type: 'counter/increment' })).seq

/** The seqs of the rows shown, first to last. */
async function rowSeqs(): Promise<number[]> {
  return (await win.page.locator('[role=option] .seq').allTextContents()).map(Number)
}

describe('an imported session opens as a document of its own', () => {
  let fileLines: string[]
  let liveLast: number

  test('opens beside the live session with the file’s own seqs, and leaves the host’s history alone', async () => {
    const { page } = win
    for (let i = 0; i < 3; i++) await increment()
    const file = await (await host.api('/history')).text()
    fileLines = file.trimEnd().split('\n').slice(1, -1)
    const fileSeqs = fileLines.map((l) => (JSON.parse(l) as { seq: number }).seq)
    // More live entries after the export: the document must not get them, nor live lose them.
    liveLast = await increment()

    await page
      .locator('input[type=file]')
      .setInputFiles({ name: 'counter.patchscope.ndjson', mimeType: 'application/x-ndjson', buffer: Buffer.from(file) })
    const select = page.getByRole('combobox', { name: 'Session shown' })
    await select.waitFor()
    expect(await select.locator('option:checked').textContent()).toBe(`counter.patchscope.ndjson — imported, ${fileLines.length} entries`)
    await page.locator('header .pill.session', { hasText: 'imported' }).waitFor()
    // Rows are the file's entries (an action's entries may share one row), numbered as the file numbers them.
    await expect.poll(async () => (await rowSeqs())[0]).toBe(fileSeqs[0])
    const shown = await rowSeqs()
    expect(shown.every((seq) => fileSeqs.includes(seq))).toBe(true)
    expect(Math.max(...shown)).toBeLessThanOrEqual(Math.max(...fileSeqs))
    // "live" is not said beside a recording; the host still runs the counter, its history whole.
    expect(await page.locator('header .pill', { hasText: /^live$/ }).count()).toBe(0)
    expect(await page.locator('header .pill', { hasText: 'offline' }).count()).toBe(0)
    expect(await page.title()).toBe('counter.patchscope.ndjson (imported) — Patchscope')
    const runtime = (await (await host.api('/runtime')).json()) as { status: string }
    expect(runtime.status).toBe('loaded')
    const live = (await (await host.api('/history')).text()).trimEnd().split('\n')
    expect((JSON.parse(live.at(-2) as string) as { seq: number }).seq).toBe(liveLast)
    expect(page.getByRole('button', { name: 'Dispatch…' })).toBeDefined()
    expect(await page.getByRole('button', { name: 'Dispatch…' }).isDisabled()).toBe(true)
    await screenshots(page, 'documents', 'document')
    expect(win.errors).toEqual([])
  })

  test('live entries go on arriving in the live session, never in the document; the header switches back', async () => {
    const { page } = win
    const before = await rowSeqs()
    await increment()
    const select = page.getByRole('combobox', { name: 'Session shown' })
    // The document is filled once: it holds what the file holds, whatever live records meanwhile.
    expect(await rowSeqs()).toEqual(before)
    await select.selectOption({ label: (await select.locator('option').first().textContent()) as string })
    expect(await select.locator('option:checked').textContent()).toBe('Live — counter.mjs')
    await page.locator('header .pill', { hasText: /^live$/ }).waitFor()
    await expect.poll(async () => Math.max(...(await rowSeqs()))).toBeGreaterThan(liveLast)
    expect(await page.getByRole('button', { name: 'Dispatch…' }).isDisabled()).toBe(false)
    await screenshots(page, 'documents', 'live-beside')
  })

  test('the header’s switch is reached by the keyboard, and a document closes back to live', async () => {
    const { page } = win
    const select = page.getByRole('combobox', { name: 'Session shown' })
    await select.focus()
    await select.selectOption({ index: 1 })
    await page.locator('header .pill.session', { hasText: 'imported' }).waitFor()
    await page.getByRole('button', { name: 'Close counter.patchscope.ndjson' }).click()
    await page.locator('header .pill', { hasText: /^live$/ }).waitFor()
    expect(await page.getByRole('combobox', { name: 'Session shown' }).count()).toBe(0)
    expect(win.errors).toEqual([])
  })

  test('a bad file is refused naming its line, and nothing is opened', async () => {
    const { page } = win
    const bad = '{"format":"patchscope-session","version":1,"runtime":{},"createdAt":""}\n{"type":"state.update","seq":1}\n'
    await page.locator('input[type=file]').setInputFiles({ name: 'bad.ndjson', mimeType: 'application/x-ndjson', buffer: Buffer.from(bad) })
    await page
      .getByRole('alert')
      .filter({ hasText: /^bad\.ndjson was not opened: the session file cannot be opened: line 2: / })
      .waitFor()
    expect(await page.getByRole('combobox', { name: 'Session shown' }).count()).toBe(0)
    await page.locator('header .pill', { hasText: /^live$/ }).waitFor()
  })
})
