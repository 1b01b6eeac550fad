import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { History } from '../../../src/host/recorder/history'
import { exportSession, importSession, SessionError } from '../../../src/host/recorder/session-file'
import { toPlain } from '../../../src/shared/state'
import type { Json, RuntimeInfo } from '../../../src/shared/protocol'

const RUNTIME: RuntimeInfo = { path: '/app/r.mjs', name: 'r.mjs', status: 'loaded' }

/** A valid session file: a history of random updates to one slice, exported. */
async function validFile(values: Json[]): Promise<string> {
  const history = new History({ base: { s: values[0] ?? null } })
  for (const [i, value] of values.slice(1).entries()) {
    history.appendEvent({ type: 'state.update', slice: 's', value, cause: { type: `set ${i}` }, timestamp: i })
    history.appendEvent({ type: 'custom-event', data: { i }, timestamp: i })
  }
  return new Response(exportSession(history, RUNTIME, 0)).text()
}

async function* bytes(text: string, cut: number): AsyncGenerator<Uint8Array> {
  const all = new TextEncoder().encode(text)
  // Split at an arbitrary byte, even inside a UTF-8 sequence, as a network would.
  yield all.subarray(0, cut)
  yield all.subarray(cut)
}

/**
 * Imports and says how it ended: with the events, or with the line a SessionError names. Any other
 * exception fails the test.
 */
async function outcome(text: string, cut = 0): Promise<{ ok: true; events: number; complete: boolean } | { ok: false; line: number }> {
  try {
    const { events, integrity } = await importSession(bytes(text, Math.min(cut, text.length)), { baseSeq: 3 })
    return { ok: true, events, complete: integrity.complete }
  } catch (e) {
    if (e instanceof SessionError) return { ok: false, line: e.line }
    throw e
  }
}

const lineCount = (text: string): number => text.split('\n').length

describe('the session parser, fuzzed', () => {
  test('answers any text with an import or a SessionError naming a line of it, never another failure', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.string(), fc.json(), fc.constantFrom('{}', '[]', 'null', '{"format":"patchscope-session","version":1}')), {
          maxLength: 6
        }),
        fc.nat(200),
        async (rows, cut) => {
          const text = rows.join('\n')
          const result = await outcome(text, cut)
          if (!result.ok) {
            expect(result.line).toBeGreaterThanOrEqual(1)
            expect(result.line).toBeLessThanOrEqual(lineCount(text) + 1)
          }
        }
      ),
      { numRuns: 300 }
    )
  })

  test('a valid file with one line replaced by garbage fails at that line, or imports when the line is still a valid event', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.json(), { minLength: 2, maxLength: 6 }), fc.nat(), fc.string(), async (values, at, garbage) => {
        const rows = (await validFile(values.map((v) => JSON.parse(v) as Json))).trimEnd().split('\n')
        const index = at % rows.length
        rows[index] = garbage
        const result = await outcome(rows.join('\n'))
        if (!result.ok) expect(result.line).toBeLessThanOrEqual(index + 2)
      }),
      { numRuns: 200 }
    )
  })

  test('a valid file cut short anywhere imports as cut short, never as complete, or names the line it was cut in', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.json(), { minLength: 2, maxLength: 5 }), fc.nat(), fc.nat(), async (values, at, split) => {
        const text = await validFile(values.map((v) => JSON.parse(v) as Json))
        const cutText = text.slice(0, at % text.length)
        const result = await outcome(cutText, split % (cutText.length + 1))
        if (result.ok) expect(result.complete).toBe(cutText === text.trimEnd())
        else expect(result.line).toBeLessThanOrEqual(lineCount(cutText) + 1)
      }),
      { numRuns: 200 }
    )
  })
})

describe('a session file larger than the history keeps', () => {
  test('is imported within the history bounds, its oldest entries folded into the base, its last state exact', async () => {
    const history = new History({ base: { log: [] as Json[] }, limits: { maxEntries: 1_000_000, maxBytes: 1 << 30 } })
    const log: Json[] = []
    for (let i = 0; i < 6000; i++) {
      const line = `${i} ${'x'.repeat(500)}`
      log.push(line)
      history.appendEvent({
        type: 'state.update',
        slice: 'log',
        patches: [{ op: 'add', path: `/${i}`, value: line }],
        cause: { type: 'log' },
        timestamp: i
      })
    }
    const text = await new Response(exportSession(history, RUNTIME, 0)).text()
    expect(text.length).toBeGreaterThan(3_000_000)
    const maxBytes = 256 * 1024
    const imported = await importSession(bytes(text, 1000), { baseSeq: 0, limits: { maxBytes } })
    expect(imported.events).toBe(6001)
    // What is kept is bounded by the limit (one segment of slack), not by the size of the file.
    expect(imported.history.bytes).toBeLessThanOrEqual(2 * maxBytes)
    expect(imported.history.size).toBeLessThan(6001)
    // A long array is held in chunks (see ChunkedArray); its JSON is the plain array.
    expect(toPlain(imported.history.stateAt(imported.history.lastSeq))).toEqual({ log })
  })
})
