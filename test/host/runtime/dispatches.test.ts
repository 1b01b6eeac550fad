import { describe, expect, test } from 'vitest'
import type { BatchReader } from '../../../src/host/recorder/entry'
import { ENTRY_DETECTED, readBatch } from '../../../src/host/recorder/entry'
import { Attribution } from '../../../src/host/runtime/attribution'
import { DispatchLedger } from '../../../src/host/runtime/dispatches'
import type { RuntimeBatch } from '../../../src/host/runtime/messages'
import { Outbox } from '../../../src/host/runtime/outbox'

/** A history of its own: each entry gets the next seq. */
function fakeHistory(): { reader: BatchReader; lastSeq: () => number } {
  let seq = 0
  return { reader: { entry: () => void seq++, verified: () => undefined }, lastSeq: () => seq }
}

describe('an action’s own entries, from the runtime’s thread to their seqs', () => {
  test('rows of each dispatch keep their seqs across marks, other entries and batches', async () => {
    const batches: RuntimeBatch[] = []
    const attribution = new Attribution()
    const outbox = new Outbox(
      (b) => batches.push(b),
      (flags) => attribution.ownerOf(flags)
    )
    const a = { type: 'a' }
    const b = { type: 'b' }
    const custom = (): void => outbox.entry('custom-event', null, '"data":1,"timestamp":0}')
    const during = (cause: unknown, write: () => void): void => {
      const outer = attribution.enter(cause)
      write()
      attribution.leave(outer)
    }
    custom() // seq 1: the runtime's own
    attribution.call(1, a, () => {
      during(a, custom) // 2
      outbox.verified()
      during(a, custom) // 3
      during(undefined, custom) // 4: a status while a's call runs
      during(a, () => outbox.entry('state.update', 's', '{}', undefined, ENTRY_DETECTED)) // 5: found, nobody's
    })
    attribution.call(2, b, () => undefined)
    outbox.flush()
    during(b, custom) // 6: b, later (async)
    during({ type: 'timer' }, custom) // 7
    during(a, custom) // 8: a again
    outbox.flush()
    expect([attribution.end(1), attribution.end(2)]).toEqual([4, 1])
    during(a, custom) // 9: a answered already: nobody's
    outbox.flush()

    const ledger = new DispatchLedger()
    const [n1, n2] = [ledger.open(), ledger.open()]
    expect([n1, n2]).toEqual([1, 2])
    const history = fakeHistory()
    for (const batch of batches) readBatch(batch, ledger.reader(batch, history.reader, history.lastSeq))
    expect(history.lastSeq()).toBe(9)
    expect(await ledger.result(1, 4)).toEqual({ count: 4, first: 2, last: 8 })
    expect(await ledger.result(2, 1)).toEqual({ count: 1, first: 6, last: 6 })
  })

  test('an answer waits for entries still on their way, until they are recorded, released, or the wait ends', async () => {
    const ledger = new DispatchLedger()
    const history = fakeHistory()
    const batch: RuntimeBatch = {
      t: 'entries',
      rows: [3, 3],
      slices: [null, null],
      bodies: ['x', 'x'],
      changes: [0, 0, 0, 0, 0, 0],
      owners: [1, 1, 2]
    }
    const n = ledger.open()
    const answer = ledger.result(n, 1)
    readBatch(batch, ledger.reader(batch, history.reader, history.lastSeq))
    expect(await answer).toEqual({ count: 1, first: 2, last: 2 })

    const released = ledger.result(ledger.open(), 3)
    ledger.release()
    expect(await released).toEqual({ count: 0 })
    expect(await ledger.result(ledger.open(), 1, 10)).toEqual({ count: 0 })
  })
})
