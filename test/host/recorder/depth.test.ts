import { describe, expect, test } from 'vitest'
import { encode, MAX_DEPTH } from '../../../src/host/recorder/encode'
import { Snapshot } from '../../../src/host/recorder/snapshot'
import type { Json, Slices } from '../../../src/shared/protocol'
import { applyEvent, newEdit, valueAt } from '../../../src/shared/state'

/** `{ d: { d: … { leaf } } }`, `levels` objects deep. */
function chain(levels: number, leaf: unknown): Record<string, unknown> {
  let v: Record<string, unknown> = { leaf }
  for (let i = 1; i < levels; i++) v = { d: v }
  return v
}

const TRUNCATED = { $truncated: `nested deeper than ${MAX_DEPTH} levels` }

/** The pointer to the object at `level` (1-based) of a chain. */
const at = (level: number): string => '/d'.repeat(level - 1)

describe('values nested deeper than the limit', () => {
  test('are encoded down to the limit, and as one $truncated value below it, without overflowing the stack', () => {
    const encoded = encode(chain(20_000, 'deep'))
    expect(valueAt(encoded, at(MAX_DEPTH))).toEqual({ d: TRUNCATED })
    expect(valueAt(encoded, at(MAX_DEPTH + 1))).toEqual(TRUNCATED)
    expect(() => JSON.stringify(encoded)).not.toThrow()
  })

  test('keep a value at the limit whole when it has no object below it', () => {
    expect(valueAt(encode(chain(MAX_DEPTH, 'x')), at(MAX_DEPTH))).toEqual({ leaf: 'x' })
  })

  test('never lose an update: the differ agrees with the encoder at every depth', () => {
    const snap = new Snapshot()
    let mirror: Slices = snap.reset({ tree: chain(10, 'a') })
    for (const [levels, leaf] of [
      [20_000, 'b'],
      [20_000, 'c'],
      [30, 'd'],
      [MAX_DEPTH + 5, 'e'],
      [MAX_DEPTH - 5, 'f']
    ] as const) {
      const after = chain(levels, leaf)
      const change = snap.update('tree', after)
      if (change !== undefined)
        mirror = applyEvent(
          mirror,
          { type: 'state.update', seq: 1, slice: 'tree', ...change, cause: { type: 't' }, timestamp: 0 },
          newEdit()
        )
      expect(mirror.tree).toEqual(encode(after))
    }
  })

  test('change below the limit is still sent as a patch at its own path', () => {
    const snap = new Snapshot()
    const tree = chain(MAX_DEPTH - 10, 1)
    snap.reset({ tree })
    const deepest = valueAt(tree as Json, at(MAX_DEPTH - 10).slice(0)) as { leaf: number }
    deepest.leaf = 2
    expect(snap.update('tree', tree)).toEqual({ patches: [{ op: 'replace', path: `${at(MAX_DEPTH - 10)}/leaf`, value: 2 }] })
  })
})
