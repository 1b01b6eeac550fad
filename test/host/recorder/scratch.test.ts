import { test, expect } from 'vitest'
import fc from 'fast-check'
import jsonpatch from 'fast-json-patch'
import { Snapshot } from '../../../src/host/recorder/snapshot'
import { encode } from '../../../src/host/recorder/encode'
import { applyEvent, newEdit } from '../../../src/shared/state'
import type { Json } from '../../../src/shared/protocol'

test('scratch: diff applies', () => {
  fc.assert(
    fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
      const snap = new Snapshot()
      const base = snap.reset({ s: a })
      const ch = snap.update('s', b)
      let state: Record<string, Json> = base
      if (ch) state = applyEvent(state, { type: 'state.update', seq: 1, slice: 's', cause: { type: 'x' }, timestamp: 0, ...ch }, newEdit())
      expect(state.s).toEqual(encode(b))
      if (ch && 'patches' in ch) {
        const doc = jsonpatch.deepClone(encode(a))
        const out = jsonpatch.applyPatch(doc, ch.patches as Parameters<typeof jsonpatch.applyPatch>[1], true, false).newDocument
        expect(out).toEqual(encode(b))
      }
    }),
    { numRuns: 2000 }
  )
})
