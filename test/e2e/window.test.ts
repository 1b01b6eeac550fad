import { mkdirSync, writeFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { HistoryEvent } from '../../src/shared/protocol'
import { openWindow, ROOT, selectedSeq, startHost, type RunningHost, type Window } from './harness'

let host: RunningHost
let win: Window

beforeAll(async () => {
  host = await startHost('examples/agent.mjs')
  win = await openWindow(host)
  // The agent's demo: a completed execution, then one that fails on its tool call.
  await win.page
    .locator('[role=option].exec.failed', { has: win.page.locator('.summary', { hasText: /^exec-2\b/ }) })
    .first()
    .waitFor()
})

afterAll(async () => {
  await win?.close()
  await host?.stop()
})

/**
 * Waits until the agent has stopped streaming and the window holds every entry: rows are reused as
 * the list follows new entries, so a row clicked while they arrive may show another entry by then.
 */
async function settled(): Promise<void> {
  const { page } = win
  await expect.poll(async () => ((await (await host.api('/state')).json()) as { status: string }).status, { timeout: 20_000 }).toBe('idle')
  // The export's lines: its header, the events from seq 0, its closing line.
  const last = Number((await (await host.api('/history')).text()).trimEnd().split('\n').length) - 3
  await page.locator('.count', { hasText: `seq 0–${last}` }).waitFor()
}

describe('the window on the agent example', () => {
  test('shows entries as they arrive, and follows the newest', async () => {
    const { page } = win
    const count = async (): Promise<number> => Number((await page.locator('.count').textContent())?.match(/^(\d+) entries/)?.[1])
    const before = await count()
    expect(before).toBeGreaterThan(10)
    const res = await host.api('/actions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'agent/ask', payload: { prompt: 'live entries please' } })
    })
    const { seq } = (await res.json()) as { seq: number }
    // The answer's seq is the action's last own entry; the agent's reply streams on after it, and the selection follows.
    await expect.poll(() => selectedSeq(page), { timeout: 20_000 }).toBeGreaterThanOrEqual(seq)
    await page.getByText('following the newest entry').waitFor()
    expect(await count()).toBeGreaterThanOrEqual(seq + 1)
    expect(seq + 1).toBeGreaterThan(before)
  })

  test('shows, for a selected entry, the same state as GET /state?at=SEQ', async () => {
    const { page } = win
    await settled()
    // An entry, each on its row (grouped by action, a row is the state after its action's last entry).
    await page.getByLabel('Rows').selectOption('flat')
    await page.locator('[role=option]', { hasText: 'agent/token' }).nth(3).click()
    const seq = await selectedSeq(page)
    await page.getByRole('tab', { name: 'State' }).click()
    await page.getByRole('button', { name: 'JSON', exact: true }).click()
    const shown = JSON.parse((await page.locator('pre.json').textContent()) ?? '') as unknown
    const expected = (await (await host.api(`/state?at=${seq}`)).json()) as unknown
    expect(shown).toEqual(expected)
    await page.getByRole('button', { name: 'Tree', exact: true }).click()
  })

  test('steps with the keyboard: ← → one entry, Home and End', async () => {
    const { page } = win
    // One entry a step: the flat list (grouped by action, a step is an action; test/e2e/units.test.ts).
    await page.getByLabel('Rows').selectOption('flat')
    await page.locator('[role=option]', { hasText: 'agent/token' }).nth(5).click()
    const start = await selectedSeq(page)
    await page.keyboard.press('ArrowLeft')
    expect(await selectedSeq(page)).toBe(start - 1)
    await page.keyboard.press('ArrowRight')
    await page.keyboard.press('ArrowRight')
    expect(await selectedSeq(page)).toBe(start + 1)
    await page.getByText(/^viewing #\d+$/).waitFor()
    await page.keyboard.press('Home')
    expect(await selectedSeq(page)).toBe(0)
    await page.keyboard.press('End')
    await page.getByText('following the newest entry').waitFor()
    expect(await selectedSeq(page)).toBeGreaterThan(start)
    await page.getByLabel('Rows').selectOption('units')
  })

  test('answers "what changed this field?" for a streamed message', async () => {
    const { page } = win
    await page.keyboard.press('End')
    await page.keyboard.press('2')
    const tree = page.locator('[role=tree]')
    const expand = async (key: string): Promise<void> => {
      await tree
        .locator('.line', { has: page.locator('.key', { hasText: new RegExp(`^${key}$`) }) })
        .first()
        .locator('.toggle')
        .click()
    }
    await expand('conversation')
    await expand('messages')
    await expand('1')
    await tree
      .locator('button.key', { hasText: /^content$/ })
      .first()
      .click()
    await page.getByRole('heading', { name: '/conversation/messages/1/content' }).waitFor()
    const changes = page.locator('.changes li')
    // The reply is streamed one token per update, each of them a change of this path.
    expect(await changes.count()).toBeGreaterThan(5)
    expect(await changes.first().locator('.cause').textContent()).toBe('agent/token')
    expect(await changes.first().locator('.pill').textContent()).toBe('exec-1/turn-2')
    // The oldest change is the one that added the message, empty, for the reply to stream into.
    expect(await changes.last().locator('.before').textContent()).toBe('—')
    expect(await changes.last().locator('.after').textContent()).toBe('""')
    expect(await changes.last().locator('.cause').textContent()).toBe('agent/reply-start')
  })

  test("the Events filter shows the runtime's custom events, not Patchscope's notes, grouped and flat alike", async () => {
    const { page } = win
    await settled()
    // From the host's history: the runtime's own custom events (the tool calls and results), and the
    // notes Patchscope wrote (the input of agent/ask sent above; effects notes, if any).
    const events = (await (await host.api('/history')).text())
      .trim()
      .split('\n')
      .slice(1, -1)
      .map((line) => JSON.parse(line) as HistoryEvent)
      .filter((e) => e.type === 'custom-event')
    const own = events.filter((e) => !JSON.stringify(e.data).startsWith('{"$patchscope"'))
    expect(own.length).toBeGreaterThan(0)
    expect(events.length).toBeGreaterThan(own.length)
    await page.getByRole('button', { name: 'Events', exact: true }).click()
    await page.locator('.chips', { hasText: 'type: custom-event' }).waitFor()
    const rows = page.locator('[role=option]')
    await expect.poll(() => rows.count()).toBe(own.length)
    expect(new Set(await rows.locator('.what').allTextContents())).toEqual(new Set(['event']))
    await page.getByLabel('Rows').selectOption('flat')
    await expect.poll(() => rows.count()).toBe(own.length)
    expect((await rows.locator('.seq').allTextContents()).map(Number)).toEqual(own.map((e) => e.seq))
    await page.getByLabel('Rows').selectOption('units')
    await page.getByRole('button', { name: 'Clear all' }).click()
  })

  test('shows the failed execution with its error, and leads to the entry before it', async () => {
    const { page } = win
    await page.keyboard.press('5')
    const failed = page.locator('.executions > li.failed')
    await failed.first().waitFor()
    expect(await failed.first().textContent()).toContain('report.pdf is encrypted')
    await failed.first().getByRole('button', { name: 'Show the entry before the failure' }).click()
    const seq = await selectedSeq(page)
    const failure = await page
      .locator('[role=option].exec.failed', { has: page.locator('.summary', { hasText: /^exec-2 — tool read_file failed/ }) })
      .locator('.seq')
      .textContent()
    // The last state change before it (the tool call and its result, the turn's failure, come between).
    expect(seq).toBeLessThan(Number(failure))
    expect(await page.locator('[role=option][aria-selected=true] .cause').textContent()).toBe('agent/turn-start')
  })

  // docs/screenshot.png is tracked: rewritten only when asked (PATCHSCOPE_UPDATE_SCREENSHOT=1), never by a plain test run.
  test.runIf(process.env.PATCHSCOPE_UPDATE_SCREENSHOT === '1')('makes the screenshot of the main view for the README', async () => {
    const { page } = win
    await settled()
    // Grouped by action (the default): the streamed reply is one row, its whole effect in the entry view.
    await page.locator('[role=option].unit', { hasText: 'agent/token' }).last().click()
    await page.keyboard.press('1')
    await page.getByRole('region', { name: 'Inspector' }).getByText('agent/token').first().waitFor()
    mkdirSync(`${ROOT}docs`, { recursive: true })
    writeFileSync(`${ROOT}docs/screenshot.png`, await page.screenshot())
  })

  test('exports the session and opens it back as a document beside the live session, with the same events and seqs', async () => {
    const { page } = win
    const exported = await (await host.api('/history')).text()
    await page
      .locator('input[type=file]')
      .setInputFiles({ name: 'agent.patchscope.ndjson', mimeType: 'application/x-ndjson', buffer: Buffer.from(exported) })
    await page.locator('.pill.session', { hasText: 'imported' }).waitFor()
    const events = (text: string): HistoryEvent[] =>
      text
        .trim()
        .split('\n')
        // Between the header and the closing line.
        .slice(1, -1)
        .map((line) => JSON.parse(line) as HistoryEvent)
    // The host's history was not replaced: it exports the same events, the runtime still loaded.
    expect(events(await (await host.api('/history')).text()).slice(0, events(exported).length)).toEqual(events(exported))
    expect(((await (await host.api('/runtime')).json()) as { status: string }).status).toBe('loaded')
    // The document's first and last rows are the file's seqs.
    const seqs = events(exported).map((e) => e.seq)
    await page.locator('[role=option] .seq').first().waitFor()
    // The list follows the newest entry: Home goes to the first, the file's own first seq.
    await page.locator('main').click({ position: { x: 5, y: 5 } })
    await page.keyboard.press('Home')
    await expect.poll(() => selectedSeq(page)).toBe(seqs[0])
    await page.getByRole('button', { name: 'Close agent.patchscope.ndjson' }).click()
    expect(win.errors).toEqual([])
  })
})
