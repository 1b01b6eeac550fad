import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { PointerError } from '../../src/shared/pointer'
import type { Json, Operation } from '../../src/shared/protocol'
import { applyPatch, newEdit, PatchError } from '../../src/shared/state'

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k])
    Object.freeze(v)
  }
  return v
}

/** Pointers a fuzzer would try: real keys, indexes, `-`, escapes, prototype keys, and junk. */
const pointer = fc
  .array(
    fc.oneof(
      fc.constantFrom('a', 'b', '0', '1', '-', '__proto__', 'constructor', 'prototype', '~0', '~1', '', '~', '~2'),
      fc.string({ maxLength: 3 })
    ),
    {
      maxLength: 4
    }
  )
  .map((tokens) => tokens.map((t) => `/${t}`).join(''))
  .chain((p) => fc.constantFrom(p, p.slice(1), `${p}/`))

const operation: fc.Arbitrary<unknown> = fc.record(
  {
    op: fc.oneof(fc.constantFrom('add', 'remove', 'replace', 'move', 'copy', 'test'), fc.string({ maxLength: 4 })),
    path: pointer,
    from: pointer,
    value: fc.jsonValue()
  },
  { requiredKeys: ['op', 'path'] }
)

describe('the patch applier, fuzzed', () => {
  test('applies or refuses any operation on any document, never changing it and never touching a prototype', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.array(operation, { maxLength: 5 }), (doc, ops) => {
        const frozen = deepFreeze(structuredClone(doc)) as Json
        const copy = JSON.stringify(frozen)
        try {
          applyPatch(frozen, ops as Operation[], newEdit())
        } catch (e) {
          // Only the applier's own errors, which name the operation; a frozen input would throw a TypeError if changed.
          expect(e instanceof PatchError || e instanceof PointerError, String(e)).toBe(true)
        }
        expect(JSON.stringify(frozen)).toBe(copy)
        expect(({} as Record<string, unknown>).a).toBeUndefined()
        expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_KEYS)
      }),
      { numRuns: 3000 }
    )
  })
})

const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype).sort()
