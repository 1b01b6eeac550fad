import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { RecordedCopy } from '../../../src/host/recorder/recorded-copy'
import type { Json, Operation } from '../../../src/shared/protocol'

const json = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>

describe('RecordedCopy.apply', () => {
  test('patches that fail part-way leave the slice as it was, whichever operation fails', () => {
    fc.assert(
      fc.property(json, json, fc.nat(3), (before, value, at) => {
        const copy = new RecordedCopy()
        copy.reset({ s: { doc: structuredClone(before), n: 1 } })
        // Operations that apply, one that cannot (it goes under a number), and more after it.
        const ok: Operation[] = [
          { op: 'replace', path: '/doc', value: structuredClone(value) },
          { op: 'add', path: '/extra', value: { list: [1, 2] } },
          { op: 'remove', path: '/extra/list/0' }
        ]
        const failing: Operation = { op: 'add', path: '/n/x', value: 1 }
        const patches = [...ok.slice(0, at), failing, ...ok.slice(at)]
        expect(copy.apply('s', { patches })).toBe(false)
        expect(copy.get('s')).toEqual({ doc: before, n: 1 })
      }),
      { numRuns: 200 }
    )
  })

  test('an operation that fails before the last is not undone as if it had applied (found by the recorder’s property test)', () => {
    // The add's inverse (a remove under a number) could be computed but not applied: the copy
    // threw instead of answering false, and the recorder stopped.
    const copy = new RecordedCopy()
    copy.reset({ s: { 'a/b': 1 } })
    const patches: Operation[] = [
      { op: 'add', path: '/a~1b/a/0/a', value: {} },
      { op: 'remove', path: '/a~1b/a/0/cents' }
    ]
    expect(copy.apply('s', { patches })).toBe(false)
    expect(copy.get('s')).toEqual({ 'a/b': 1 })
  })
})
