import { describe, expect, test } from 'vitest'
import { outcomeOf, readDispatchResult } from '../../../src/renderer/src/lib/model/outcome'

describe('readDispatchResult', () => {
  test('takes the fields of POST /actions’ answer', () => {
    expect(readDispatchResult({ seq: 14, first: 12, entries: 3, changed: true, settled: true })).toEqual({
      seq: 14,
      first: 12,
      entries: 3,
      changed: true,
      settled: true
    })
    expect(readDispatchResult({ seq: 9, entries: 0, changed: false, settled: false })).toEqual({
      seq: 9,
      entries: 0,
      changed: false,
      settled: false
    })
  })

  test('refuses an answer without a seq or changed, saying what it was', () => {
    expect(() => readDispatchResult({ ok: true })).toThrow(/the host answered a dispatch with \{"ok":true\}/)
    expect(() => readDispatchResult(null)).toThrow(TypeError)
    expect(() => readDispatchResult({ seq: '3', changed: true })).toThrow(TypeError)
  })
})

describe('outcomeOf: what the dispatcher says of an answer', () => {
  const ok = (result: { seq: number; first?: number; entries: number; changed: boolean; settled: boolean }, status = 200) =>
    outcomeOf({ ok: true, status, result })

  test('the range of entries recorded, one or several', () => {
    expect(ok({ seq: 14, first: 12, entries: 3, changed: true, settled: true })).toEqual({
      kind: 'recorded',
      text: 'Recorded #12–#14 (3 entries)',
      first: 12,
      last: 14
    })
    expect(ok({ seq: 7, first: 7, entries: 1, changed: true, settled: true })).toMatchObject({ text: 'Recorded #7 (1 entry)', first: 7 })
  })

  test('an action that changed nothing says so, with where the history ends', () => {
    expect(ok({ seq: 30, entries: 0, changed: false, settled: true })).toEqual({
      kind: 'unchanged',
      text: 'Dispatched: changed nothing (the history ends at #30)'
    })
  })

  test('a dispatch still running (202) says what it recorded so far', () => {
    expect(ok({ seq: 40, first: 35, entries: 6, changed: true, settled: false }, 202)).toMatchObject({
      kind: 'running',
      text: 'Still running (202): recorded #35–#40 so far (6 entries)'
    })
    expect(ok({ seq: 40, entries: 0, changed: false, settled: false }, 202)).toMatchObject({
      kind: 'running',
      text: 'Still running (202): nothing recorded yet'
    })
  })

  test('the host’s errors with their status and what it means', () => {
    expect(outcomeOf({ ok: false, status: 409, message: 'no runtime is loaded' })).toEqual({
      kind: 'error',
      text: '409 (no runtime to dispatch to): no runtime is loaded'
    })
    expect(outcomeOf({ ok: false, status: 500, message: "the runtime's dispatch failed: Error: unknown action x" }).text).toBe(
      "500: the runtime's dispatch failed: Error: unknown action x"
    )
    expect(outcomeOf({ ok: false, status: 400, message: 'the action needs a string "type"' }).text).toMatch(/^400 \(not an action/)
    expect(outcomeOf({ ok: false, status: 418, message: 'teapot' }).text).toBe('418: teapot')
    expect(outcomeOf({ ok: false, status: 0, message: 'the host could not be reached: boom' }).text).toBe(
      'the host could not be reached: boom'
    )
  })
})
