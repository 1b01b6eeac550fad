import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { parsePointer } from '../../../src/shared/pointer'
import type { HistoryEvent, Json, Slices } from '../../../src/shared/protocol'
import { compilePolicy, EventRedactor, type RedactionPolicy } from '../../../src/shared/redaction'
import { applyEvent, deepEqual, newEdit } from '../../../src/shared/state'
import { entryFor, plainSeed, policy, seed, type Seed } from './histories'
import { at, globMatches, isMarker, named, plainRedact, redactState } from './oracle'

/** The places a redacted event's values sit at, each checked: a place the policy names holds the marker and nothing goes below it. */
function checkEvent(policy: RedactionPolicy, event: HistoryEvent, before: Slices): void {
  if (event.type === 'state.initial') {
    expect(event.slices).toEqual(redactState(policy, event.slices))
  } else if (event.type === 'state.update') {
    const payload = event.cause.payload
    if (payload !== undefined) {
      if (policy.keys.some((p) => globMatches(p, event.cause.type))) expect(isMarker(payload)).toBe(true)
      else expect(payload).toEqual(plainRedact({ keys: policy.keys, paths: [] }, payload, []))
    }
    if (event.value !== undefined) expect(event.value).toEqual(at(policy, event.value, [event.slice], true))
    let doc = before
    for (const op of event.patches ?? []) {
      const tokens = [event.slice, ...parsePointer(op.path)]
      // Never below a place the policy names (whether a token is an object's key is read from the state before it).
      let node: Json | undefined = doc
      for (let d = 0; d < tokens.length - 1; d++) {
        const inObject: boolean = node !== null && typeof node === 'object' && !Array.isArray(node)
        expect(named(policy, tokens.slice(0, d + 1), inObject), `${op.op} ${op.path} goes below a redacted place`).toBe(false)
        node = inObject ? (node as Record<string, Json>)[tokens[d] as string] : Array.isArray(node) ? node[Number(tokens[d])] : undefined
      }
      if ('value' in op && op.op !== 'test') {
        const inObject: boolean = node !== null && typeof node === 'object' && !Array.isArray(node)
        expect(op.value).toEqual(at(policy, op.value, tokens, inObject))
      }
      doc = applyEvent(doc, { ...event, patches: [op] }, newEdit())
    }
  } else if (event.type === 'custom-event') {
    expect(event.data).toEqual(plainRedact({ keys: policy.keys, paths: [] }, event.data, []))
  }
}

describe('redacting a history', () => {
  test('applying the redacted entries gives the real state redacted, after every entry, and no entry carries what the policy names', () => {
    fc.assert(
      fc.property(policy, fc.array(seed, { minLength: 1, maxLength: 25 }), (p: RedactionPolicy, seeds: Seed[]) => {
        const compiled = compilePolicy(p)
        const redactor = new EventRedactor(compiled)
        let real: Slices = {}
        let mirror: Slices = {}
        seeds.forEach((s, i) => {
          const { event, after } = entryFor(real, s, i + 1)
          const redacted = redactor.event(event, (slice) => after[slice])
          checkEvent(p, redacted, mirror)
          mirror = applyEvent(mirror, redacted, newEdit())
          real = after
          expect(mirror).toEqual(redactState(p, real))
        })
      }),
      { numRuns: 400 }
    )
  })

  test('without the real state, a move the rules cannot follow makes the slice the marker until its next whole value, and the mirror stays applicable', () => {
    fc.assert(
      fc.property(policy, fc.array(seed, { minLength: 1, maxLength: 25 }), (p: RedactionPolicy, seeds: Seed[]) => {
        const redactor = new EventRedactor(compilePolicy(p))
        let real: Slices = {}
        let mirror: Slices = {}
        const whole = new Set<string>()
        seeds.forEach((s, i) => {
          const { event, after } = entryFor(real, s, i + 1)
          const redacted = redactor.event(event)
          mirror = applyEvent(mirror, redacted, newEdit())
          real = after
          if (event.type === 'state.initial') whole.clear()
          if (
            event.type === 'state.update' &&
            event.patches !== undefined &&
            redacted.type === 'state.update' &&
            redacted.value !== undefined
          )
            whole.add(event.slice)
          else if (event.type === 'state.update') whole.delete(event.slice)
          // Every slice is the real one redacted, or the marker for one the rules could not follow.
          const expected = redactState(p, real)
          for (const slice of Object.keys(expected)) {
            if (whole.has(slice) && !deepEqual(mirror[slice], expected[slice])) expect(isMarker(mirror[slice])).toBe(true)
            else expect(mirror[slice]).toEqual(expected[slice])
          }
          expect(Object.keys(mirror).sort()).toEqual(Object.keys(expected).sort())
        })
      }),
      { numRuns: 300 }
    )
  })

  // Of plain JSON: a change inside a Map's entries is rewritten as the slice's whole value whenever
  // the policy has key patterns, for its path does not say the entry's key (see the tests of Maps).
  test('an entry of plain JSON the policy does not touch is handed back as it is (the same object)', () => {
    fc.assert(
      fc.property(fc.array(plainSeed, { minLength: 1, maxLength: 15 }), (seeds: Seed[]) => {
        // A policy naming nothing the histories hold.
        const redactor = new EventRedactor(compilePolicy({ keys: ['*nothing-here*'], paths: ['/nowhere/x'] }))
        let real: Slices = {}
        seeds.forEach((s, i) => {
          const { event, after } = entryFor(real, s, i + 1)
          expect(redactor.event(event, (slice) => after[slice])).toBe(event)
          real = after
        })
      }),
      { numRuns: 100 }
    )
  })
})
