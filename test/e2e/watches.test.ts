/**
 * Watches and breakpoints in the window (issue 13), in Chromium on the counter example: a watch
 * typed in the Watches view (its syntax error said inline first), its hits counted, listed and
 * marked in the timeline and on the scrubber; a pausing watch stops the runtime, the pause bar
 * says where and why, the paused entry and its state are shown (in a second window too); Step
 * pauses at the next entry, Continue lets the runtime go on.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { WatchesInfo, WatchHitsPage } from '../../src/shared/watches'
import type { RuntimeInfo } from '../../src/shared/protocol'
import { openWindow, screenshots, selectedSeq, startHost, type RunningHost, type Window } from './harness'

let host: RunningHost
let win: Window

function post(h: RunningHost, action: unknown): Promise<Response> {
  return h.api('/actions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(action) })
}

async function watchesOf(h: RunningHost): Promise<WatchesInfo> {
  return (await (await h.api('/watches')).json()) as WatchesInfo
}

async function hitsOf(h: RunningHost, text: string): Promise<WatchHitsPage> {
  const w = (await watchesOf(h)).watches.find((x) => x.text === text)
  if (w === undefined) throw new Error(`no watch ${text}`)
  return (await (await h.api(`/watches/${w.id}/hits`)).json()) as WatchHitsPage
}

async function runtime(h: RunningHost): Promise<RuntimeInfo> {
  return (await (await h.api('/runtime')).json()) as RuntimeInfo
}

const field = (page: Page) => page.getByLabel('Watch', { exact: true })
const item = (page: Page, text: string) => page.locator(`li.watch[aria-label="Watch ${text}"]`)
const bar = (page: Page) => page.locator('section[aria-label=Paused]')

beforeAll(async () => {
  host = await startHost('examples/counter.mjs')
  win = await openWindow(host)
  await win.page.locator('[role=option]').first().waitFor()
})

afterAll(async () => {
  await win?.close()
  await host?.stop()
})

describe('the Watches view', () => {
  test('is the sixth tab; a watch that cannot be read is said inline with its column and never sent', async () => {
    const { page } = win
    await page.locator('body').click()
    await page.keyboard.press('6')
    await expect.poll(() => page.getByRole('tab', { name: 'Watches' }).getAttribute('aria-selected')).toBe('true')
    await field(page).fill('/count becomes failed')
    const problem = page.locator('#watch-problem')
    await expect.poll(() => problem.textContent()).toMatch(/column 16/)
    expect(await page.getByRole('button', { name: 'Add', exact: true }).first().isDisabled()).toBe(true)
    // The caret stands under the column at fault.
    expect((await problem.locator('.caret').textContent())?.length).toBe(16)
    await screenshots(page, 'watches', 'syntax-error')
    expect((await watchesOf(host)).watches).toEqual([])
  })

  test('adds a watch by its canonical text, counts its hits, lists them and marks them in the timeline', async () => {
    const { page } = win
    await field(page).fill('/count>1')
    await expect.poll(() => page.locator('#watch-problem').textContent()).toMatch(/read as \/count > 1/)
    await field(page).press('Enter')
    await item(page, '/count > 1').waitFor()
    expect(await field(page).inputValue()).toBe('')
    expect(await item(page, '/count > 1').textContent()).toMatch(/0 hits/)

    for (let i = 0; i < 3; i++) expect((await post(host, { type: 'counter/increment' })).status).toBe(200)
    // count 1, 2, 3: two hits.
    await expect.poll(() => item(page, '/count > 1').locator('.count').textContent()).toBe('2 hits')
    const { hits } = await hitsOf(host, '/count > 1')
    expect(hits.map((h) => h.path)).toEqual(['/count', '/count'])
    const seqs = hits.map((h) => h.seq)

    // Marked in the timeline, with the watch named, and nowhere else: grouped by action, on the rows
    // of the two actions whose entries it hit (each row's seq span holds a hit); flat, on the entries.
    await expect.poll(() => page.locator('[role=option] .mark.hit').count()).toBe(2)
    const spans = await page
      .locator('[role=option]:has(.mark.hit) .seq')
      .evaluateAll((els) => els.map((el) => el.getAttribute('title') ?? ''))
    const hit = (span: string): number[] => {
      const [from, to] = (span.match(/\d+/g) ?? []).map(Number) as [number, number]
      return seqs.filter((seq) => from <= seq && seq <= to)
    }
    expect(spans.map(hit).flat().sort()).toEqual([...seqs].sort())
    expect(await page.locator('[role=option] .mark.hit').first().getAttribute('title')).toBe('Hit by the watch /count > 1')
    await page.getByLabel('Rows').selectOption('flat')
    await expect.poll(() => page.locator('[role=option] .mark.hit').count()).toBe(2)
    const marked = await page.locator('[role=option]:has(.mark.hit) .seq').allTextContents()
    expect(marked.map(Number).sort()).toEqual([...seqs].sort())
    await page.getByLabel('Rows').selectOption('units')
    // Ticks on the scrubber.
    expect(await page.locator('.scrubber .tick').count()).toBe(2)

    // Opened: newest first, with the values; a click selects the entry and shows the path's history.
    await item(page, '/count > 1').locator('button.open').click()
    const listed = item(page, '/count > 1').locator('.hits li')
    await expect.poll(() => listed.count()).toBe(2)
    expect(await listed.first().textContent()).toMatch(new RegExp(`#${seqs[0]}\\s*/count\\s*2\\s*→\\s*3`))
    await screenshots(page, 'watches', 'hits')
    await listed.nth(1).locator('button.go').click()
    expect(await selectedSeq(page)).toBe(seqs[1])
    await expect.poll(() => page.getByRole('tab', { name: 'Path history' }).getAttribute('aria-selected')).toBe('true')
    expect(await page.locator('.view-title').textContent()).toBe('/count')
  })
})

describe('breakpoints', () => {
  test('a pausing watch stops the runtime at its hit: the bar says where and why, the entry and its state are shown', async () => {
    const { page, browser } = win
    await page.keyboard.press('6')
    await field(page).fill('/count == 5')
    await page.getByLabel('pause here').check()
    await page.getByRole('button', { name: 'Add', exact: true }).first().click()
    await item(page, '/count == 5').waitFor()
    expect(await item(page, '/count == 5').locator('.pauses').count()).toBe(1)

    expect((await post(host, { type: 'counter/increment' })).status).toBe(200) // 4: no hit
    // 5: the runtime pauses inside this dispatch, which answers once it goes on.
    const held = post(host, { type: 'counter/increment' })
    await bar(page).waitFor()
    const paused = (await runtime(host)).paused
    expect(paused?.by).toMatchObject({ kind: 'watch', text: '/count == 5', path: '/count' })
    const n = paused?.seq as number
    expect((await hitsOf(host, '/count == 5')).hits.map((h) => h.seq)).toEqual([n])
    expect(await bar(page).locator('.what').textContent()).toBe(`Paused at #${n} by watch /count == 5`)
    // The paused entry is selected and the state after it shown.
    await expect.poll(() => selectedSeq(page)).toBe(n)
    await expect.poll(() => page.getByRole('tab', { name: 'State' }).getAttribute('aria-selected')).toBe('true')
    expect(await page.locator('.toolbar .muted').first().textContent()).toBe(`State after #${n}`)
    expect(await page.locator('[role=tabpanel]').textContent()).toMatch(/count\s*:?\s*5/)
    await screenshots(page, 'watches', 'paused')

    // A second window sees the same pause.
    const second = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    await second.goto(`${host.url}/?token=${host.token}`)
    await bar(second).waitFor()
    expect(await bar(second).locator('.what').textContent()).toBe(`Paused at #${n} by watch /count == 5`)
    await expect.poll(() => selectedSeq(second)).toBe(n)

    // Step (F10): one more entry recorded, paused again after it.
    await page.locator('body').click()
    await page.keyboard.press('F10')
    await expect.poll(() => bar(page).locator('.what').textContent()).toBe(`Paused at #${n + 1} after a step`)
    expect((await runtime(host)).paused).toEqual({ seq: n + 1, by: { kind: 'step' } })
    await expect.poll(() => selectedSeq(page)).toBe(n + 1)
    await expect.poll(() => bar(second).locator('.what').textContent()).toBe(`Paused at #${n + 1} after a step`)

    // Continue: the held dispatch finishes, the bar goes (in both windows), the runtime goes on. The
    // host answers a dispatch it waited on past its limit with 202 (not settled yet): so a long pause.
    await bar(page).getByRole('button', { name: 'Continue' }).click()
    expect([200, 202]).toContain((await held).status)
    await bar(page).waitFor({ state: 'detached' })
    await bar(second).waitFor({ state: 'detached' })
    expect((await runtime(host)).paused).toBeUndefined()
    expect((await post(host, { type: 'counter/decrement' })).status).toBe(200)
    await second.close()
    expect(win.errors).toEqual([])
  })

  test('built-in breaks: an action type pauses; Remove-and-continue is for watches only; F8 continues', async () => {
    const { page } = win
    await page.keyboard.press('6')
    await page.getByRole('textbox', { name: 'Action type' }).fill('counter/set-step')
    await page.getByRole('textbox', { name: 'Action type' }).press('Enter')
    await expect.poll(async () => (await watchesOf(host)).breaks.actionTypes).toEqual(['counter/set-step'])
    await page.getByLabel('on a failed execution').check()
    await expect.poll(async () => (await watchesOf(host)).breaks.failedExecution).toBe(true)

    const held = post(host, { type: 'counter/set-step', payload: 2 })
    await bar(page).waitFor()
    expect(await bar(page).locator('.what').textContent()).toMatch(/^Paused at #\d+ by an action of type counter\/set-step$/)
    expect(await bar(page).getByRole('button', { name: 'Remove watch and continue' }).count()).toBe(0)
    await page.locator('body').click()
    await page.keyboard.press('F8')
    expect([200, 202]).toContain((await held).status)
    await bar(page).waitFor({ state: 'detached' })

    // Remove (from the view): the watch goes from the host and from the timeline's marks.
    await page.keyboard.press('6')
    await item(page, '/count > 1').getByRole('button', { name: 'Remove' }).click()
    await item(page, '/count > 1').waitFor({ state: 'detached' })
    expect((await watchesOf(host)).watches.map((w) => w.text)).toEqual(['/count == 5'])
    await expect.poll(() => page.locator('[role=option] .mark.hit').count()).toBe(1)
    await screenshots(page, 'watches', 'breaks')
  })
})

describe('on the agent example (the issue\'s "done when")', () => {
  let agent: RunningHost
  let aw: Window

  beforeAll(async () => {
    agent = await startHost('examples/agent.mjs')
    aw = await openWindow(agent)
    // The demo plays first: wait for its second execution to fail, so that the reply below is the only one streaming.
    await aw.page.locator('[role=option].exec.failed').first().waitFor()
  })

  afterAll(async () => {
    await aw?.close()
    await agent?.stop()
  })

  /** The history's last seq, from its export (the header, the events, a closing line). */
  async function lastSeq(): Promise<number> {
    const lines = (await (await agent.api('/history')).text()).trimEnd().split('\n')
    return (JSON.parse(lines[lines.length - 2] as string) as { seq: number }).seq
  }

  test("a watch on the last message's content pauses the streaming reply at the matching token", async () => {
    const { page } = aw
    await page.locator('body').click()
    await page.keyboard.press('6')
    const text = '/conversation/messages/*/content matches /umbrella/i'
    await field(page).fill(text)
    await page.getByLabel('pause here').check()
    await field(page).press('Enter')
    await item(page, text).waitFor()
    // The demo's reply already said it: found by the scan, and a scan never pauses.
    await expect.poll(() => item(page, text).locator('.count').textContent()).toMatch(/^[1-9]\d* hits?$/)
    expect((await runtime(agent)).paused).toBeUndefined()
    const before = (await hitsOf(agent, text)).total

    const held = agent.api('/actions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'agent/ask', payload: { prompt: 'Weather in Paris tomorrow?' } })
    })
    await bar(page).waitFor()
    const paused = (await runtime(agent)).paused
    if (paused?.by.kind !== 'watch') throw new Error(`paused by ${JSON.stringify(paused)}`)
    const n = paused.seq
    expect(await bar(page).locator('.what').textContent()).toBe(`Paused at #${n} by watch ${text} at ${paused.by.path}`)
    // The hit is the token that brought the word in: not there before it, there after it.
    const hit = (await hitsOf(agent, text)).hits[0]
    expect(hit?.seq).toBe(n)
    expect(hit?.before).toEqual(expect.not.stringMatching(/umbrella/i))
    expect(hit?.after).toMatch(/umbrella $/i)
    expect((await hitsOf(agent, text)).total).toBe(before + 1)
    // The window shows that entry and the state there.
    await expect.poll(() => selectedSeq(page)).toBe(n)
    expect(await page.locator('.toolbar .muted').first().textContent()).toBe(`State after #${n}`)
    await screenshots(page, 'watches', 'agent-paused')
    // Seconds later (the screenshots), the reply's timers are still stopped: nothing was recorded after #N.
    expect(await lastSeq()).toBe(n)

    await page.locator('body').click()
    await page.keyboard.press('F10')
    await expect.poll(() => bar(page).locator('.what').textContent()).toBe(`Paused at #${n + 1} after a step`)
    expect(await lastSeq()).toBe(n + 1)

    // Continue (F8). Every later token leaves the content matching, so the watch hits, and pauses, again at the next
    // one: 40 ms on, which may be before the bar has gone. (The seq, from the host: an effects note, the timer's, may come first.)
    await page.keyboard.press('F8')
    await expect.poll(async () => (await runtime(agent)).paused?.seq ?? 0).toBeGreaterThan(n + 1)
    const again = (await runtime(agent)).paused
    expect(again?.by.kind).toBe('watch')
    expect((await hitsOf(agent, text)).hits[0]?.seq).toBe(again?.seq)
    await expect.poll(() => bar(page).locator('.what').textContent()).toMatch(new RegExp(`^Paused at #${again?.seq} by watch `))
    await bar(page).getByRole('button', { name: 'Remove watch and continue' }).click()
    await bar(page).waitFor({ state: 'detached' })
    await item(page, text).waitFor({ state: 'detached' })
    // The reply runs to its end, and the ask answers (at its time limit, 202, if the pauses outlasted it).
    expect([200, 202]).toContain((await held).status)
    await expect
      .poll(async () => ((await (await agent.api('/state')).json()) as { status: string }).status, { timeout: 10_000 })
      .toBe('idle')
    expect(aw.errors).toEqual([])
  })
})
