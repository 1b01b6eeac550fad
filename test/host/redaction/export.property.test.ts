import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { History } from '../../../src/host/recorder/history'
import { exportSession, readSession } from '../../../src/host/recorder/session-file'
import type { HistoryEvent, SessionHeader, Slices } from '../../../src/shared/protocol'
import { compilePolicy, type RedactionPolicy } from '../../../src/shared/redaction'
import { parseClosingLine } from '../../../src/shared/session-end'
import { applyEvent, newEdit } from '../../../src/shared/state'
import { entryFor, policy, seed, type Seed } from '../../shared/redaction/histories'
import { redactState } from '../../shared/redaction/oracle'

/** A history of the seeds' entries, and the real state after each. */
function record(seeds: Seed[], limits?: { maxEntries: number }): { history: History; states: Map<number, Slices> } {
  const history = new History(limits ? { limits } : {})
  let real: Slices = {}
  const states = new Map<number, Slices>()
  seeds.forEach((s, i) => {
    const { event, after } = entryFor(real, s, i + 1)
    const { seq: _seq, ...rest } = event
    const seq = history.appendEvent(rest as Parameters<History['appendEvent']>[0])
    real = after
    states.set(seq, real)
  })
  return { history, states }
}

async function exported(history: History, p: RedactionPolicy): Promise<string> {
  return new Response(exportSession(history, { path: null, name: 'random', status: 'none' }, 0, { redaction: compilePolicy(p) })).text()
}

describe('an export redacted', () => {
  test('applied line by line gives the real state redacted after every entry, lists its places, and imports as complete', async () => {
    await fc.assert(
      fc.asyncProperty(policy, fc.array(seed, { minLength: 1, maxLength: 25 }), async (p, seeds) => {
        const { history, states } = record(seeds)
        const text = await exported(history, p)
        const [first, ...lines] = text.trimEnd().split('\n')
        expect(parseClosingLine(lines.pop() ?? '')).toBeDefined()
        const header = JSON.parse(first as string) as SessionHeader
        // A policy naming nothing redacts nothing, and the header says nothing of it.
        if (p.keys.length + p.paths.length === 0) expect(header.redaction).toBeUndefined()
        else expect(header.redaction?.policy).toEqual(compilePolicy(p).policy)
        // Applied with the applier the host's import uses (the test Mirror's second applier, fast-json-patch,
        // disagrees with it on some copies within one patch: see the report of this change).
        const mirror = { state: {} as Slices }
        for (const line of lines) {
          const event = JSON.parse(line) as HistoryEvent
          mirror.state = applyEvent(mirror.state, event, newEdit())
          // The base the file starts with (seq 0) is the empty state; every other line is entry `seq`.
          expect(mirror.state).toEqual(redactState(p, states.get(event.seq) ?? {}))
        }
        // Every slice holding a marker has its places listed (the log is not cut at this size).
        for (const [slice, value] of Object.entries(mirror.state)) {
          const pointer = `/${slice.replace(/~/g, '~0').replace(/\//g, '~1')}`
          if (p.keys.length + p.paths.length > 0 && JSON.stringify(value).includes('"$redacted"'))
            expect(header.redaction?.paths.some((path) => path === pointer || path.startsWith(`${pointer}/`))).toBe(true)
        }
        expect(readSession([Buffer.from(text)], { baseSeq: 0 }).integrity).toEqual({ complete: true })
      }),
      { numRuns: 150 }
    )
  })

  test('copies every line that holds none of the policy’s words as it was recorded', async () => {
    const { history } = record([{ kind: 40, slice: 's', ops: [[0, 0, 0, 0, 1]], value: { plain: [1, 2] } }])
    history.appendEvent({ type: 'state.update', slice: 's', value: { password: 'pw' }, cause: { type: 'set' }, timestamp: 1 })
    const text = await exported(history, { keys: ['*password*'], paths: [] })
    const lines = text.split('\n')
    expect(lines[2]).toBe(history.segment(1).data(1))
    expect(lines[3]).not.toBe(history.segment(2).data(2))
    expect(lines[3]).not.toContain('"pw"')
  })

  test('with a policy naming nothing, is the file as recorded and says nothing of redaction', async () => {
    const { history } = record([{ kind: 40, slice: 's', ops: [[0, 0, 0, 0, 1]], value: { a: 1 } }])
    const file = await exported(history, { keys: [], paths: [] })
    expect(JSON.parse(file.split('\n')[0] as string)).not.toHaveProperty('redaction')
    expect(applyEvent({}, JSON.parse(file.split('\n')[2] as string) as HistoryEvent, newEdit())).toEqual({ s: { a: 1 } })
  })
})
