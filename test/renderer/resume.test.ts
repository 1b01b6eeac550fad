import { describe, expect, test } from 'vitest'
import type { ResumeNotice, ResumeOutcome } from '../../src/shared/replay'
import { Resume } from '../../src/renderer/src/lib/resume.svelte'

const outcome: ResumeOutcome = {
  from: 7,
  reached: 7,
  inputs: 2,
  seq: 12,
  identical: true,
  differences: [],
  issues: []
} as unknown as ResumeOutcome

/** A host whose answer to POST /resume waits until `answer` is called. */
function host(): { resume: Resume; requests: { path: string; body: unknown }[]; answer: (res: Response) => void; shownLive: () => number } {
  const requests: { path: string; body: unknown }[] = []
  let answer: (res: Response) => void = () => undefined
  let live = 0
  const resume = new Resume({
    request: (path, init) => {
      requests.push({ path, body: init?.body })
      return new Promise<Response>((resolve) => (answer = resolve))
    },
    document: () => undefined,
    showLive: () => void live++
  })
  return { resume, requests, answer: (res) => answer(res), shownLive: () => live }
}

const notice = (n: Partial<ResumeNotice>): ResumeNotice => ({ phase: 'running', from: 7, done: 0, total: 3, ...n })

describe('Resume from here, in the window', () => {
  test('asks first, then says how far the replay is from the host’s resume events, then what came of it', async () => {
    const h = host()
    h.resume.ask(7)
    expect(h.resume.phase).toBe('confirming')
    expect(h.resume.consequence).toMatch(/#7 of the live session/)
    // A notice before it runs (another window's resume) changes nothing here.
    h.resume.noticed(notice({ done: 1 }))
    expect(h.resume.done).toBe(0)
    const running = h.resume.confirm()
    expect(h.requests).toEqual([{ path: '/resume', body: JSON.stringify({ seq: 7 }) }])
    expect(h.resume.result).toBe('Resuming at #7: replaying the inputs before it…')
    h.resume.noticed(notice({ done: 2 }))
    expect(h.resume.result).toBe('Resuming at #7: replaying the inputs before it (2 of 3)…')
    // Not a resume notice: ignored.
    h.resume.noticed({ phase: 'running' })
    expect(h.resume.done).toBe(2)
    h.answer(new Response(JSON.stringify(outcome), { status: 200, headers: { 'content-type': 'application/json' } }))
    await running
    expect(h.resume.phase).toBe('done')
    expect(h.resume.result).toMatch(
      /^Resumed at #7 after 2 inputs: its state equals the recorded one\. The live runtime goes on from #12\.$/
    )
    expect(h.shownLive()).toBe(1)
  })

  test('the host’s refusal is said, and nothing is shown as resumed', async () => {
    const h = host()
    h.resume.ask(3)
    const running = h.resume.confirm()
    h.answer(new Response(JSON.stringify({ error: { message: 'entry #3 was folded into the base' } }), { status: 422 }))
    await running
    expect(h.resume.phase).toBe('failed')
    expect(h.resume.result).toBe('Not resumed: entry #3 was folded into the base')
    expect(h.shownLive()).toBe(0)
  })
})
