import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { encode } from '../../../src/host/recorder/encode'
import { Snapshot } from '../../../src/host/recorder/snapshot'
import type { Json, Slices } from '../../../src/shared/protocol'
import { applyEvent, newEdit } from '../../../src/shared/state'
import { applyStep, initialSlices, type Step } from '../../fixtures/mutations'
import { steps } from '../../helpers/arbitraries'

/** Applies a change the snapshot gave to a mirror of the encoded slices. */
function apply(mirror: Slices, slice: string, change: ReturnType<Snapshot['update']>): Slices {
  if (change === undefined) return mirror
  return applyEvent(mirror, { type: 'state.update', seq: 1, slice, ...change, cause: { type: 't' }, timestamp: 0 }, newEdit())
}

/** Runs of steps that never change a value in place: what a runtime declaring `immutable: true` promises. */
const immutableSteps = steps(25).map((run) =>
  run.map((s): Step => (s.mode === 'mutate' || s.mode === 'newroot' ? { ...s, mode: 'immutable' } : s))
)

describe('a runtime that declares immutable: true', () => {
  test('is recorded exactly through any run of immutable (and Immer-style) changes, frozen or not', () => {
    fc.assert(
      fc.property(immutableSteps, (run) => {
        const snap = new Snapshot({ policy: 'trust' })
        const slices = initialSlices()
        let mirror = snap.reset(slices)
        for (const step of run) {
          const before = Object.keys(slices)
          applyStep(slices, step)
          for (const slice of new Set([...before, ...Object.keys(slices)])) {
            if (Object.hasOwn(slices, slice)) {
              mirror = apply(mirror, slice, snap.update(slice, slices[slice]))
              expect(mirror[slice]).toEqual(encode(slices[slice]))
            } else if (snap.remove(slice) !== undefined) {
              mirror = { ...mirror }
              delete mirror[slice]
            }
          }
        }
      }),
      { numRuns: 250 }
    )
  })

  test('gives the same patches as without the declaration, for immutable updates of unfrozen state', () => {
    const trusted = new Snapshot({ policy: 'trust' })
    const checked = new Snapshot()
    let messages: { role: string; content: string }[] = Array.from({ length: 50 }, (_, i) => ({ role: 'user', content: `m${i}` }))
    trusted.reset({ conversation: { messages } })
    checked.reset({ conversation: { messages } })
    for (let step = 0; step < 60; step++) {
      const last = messages[messages.length - 1] as { role: string; content: string }
      messages =
        step % 20 === 0
          ? [...messages, { role: 'assistant', content: '' }]
          : [...messages.slice(0, -1), { ...last, content: `${last.content} t${step}` }]
      const after = { conversation: { messages } }.conversation
      expect(trusted.update('conversation', after)).toEqual(checked.update('conversation', after))
    }
  })

  test('takes an unchanged reference for an unchanged value: a change made in place is not seen (the promise was broken)', () => {
    const state = { items: [{ n: 1 }] }
    const trusted = new Snapshot({ policy: 'trust' })
    const checked = new Snapshot()
    trusted.reset({ s: state })
    checked.reset({ s: state })
    ;(state.items[0] as { n: number }).n = 2
    expect(checked.update('s', state)).toEqual({ patches: [{ op: 'replace', path: '/items/0/n', value: 2 }] })
    expect(trusted.update('s', state)).toBeUndefined()
  })

  test('records an equal new date or map as no change, and a different one as a replacement', () => {
    const snap = new Snapshot({ policy: 'trust' })
    let mirror = snap.reset({ s: { when: new Date(1000), tags: new Map([['a', 1]]) } })
    expect(snap.update('s', { when: new Date(1000), tags: new Map([['a', 1]]) })).toBeUndefined()
    const after = { when: new Date(2000), tags: new Map([['a', 1]]) }
    const change = snap.update('s', after)
    expect(change).toEqual({ patches: [{ op: 'replace', path: '/when', value: { $date: '1970-01-01T00:00:02.000Z' } }] })
    mirror = apply(mirror, 's', change)
    expect(mirror.s).toEqual(encode(after) as Json)
  })
})
