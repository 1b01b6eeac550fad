import { describe, expect, test } from 'vitest'
import type { HistoryEvent, Json, Operation, StateUpdateEvent } from '../../../src/shared/protocol'
import {
  compilePolicy,
  DEFAULT_POLICY,
  EventRedactor,
  RedactionLog,
  redactSlices,
  type RedactionPolicy
} from '../../../src/shared/redaction'
import { applyEvent, newEdit } from '../../../src/shared/state'

const R = { $redacted: true }
const defaults = compilePolicy(DEFAULT_POLICY)

function slices(value: Record<string, Json>, policy: RedactionPolicy = DEFAULT_POLICY): { out: Record<string, Json>; paths: string[] } {
  const log = new RedactionLog()
  const out = redactSlices(compilePolicy(policy), value, (tokens) => log.add('paths', tokens))
  return { out, paths: log.places().paths }
}

function update(change: { patches: Operation[] } | { value: Json }, slice = 's'): StateUpdateEvent {
  return { type: 'state.update', seq: 2, slice, ...change, cause: { type: 'set' }, timestamp: 2 }
}

describe('a Map (`{"$map": [[key, value], …]}`)', () => {
  test('has the value of each entry whose string key a key pattern matches redacted, like an object property', () => {
    const { out, paths } = slices({
      s: {
        $map: [
          ['apiToken', 'sk-1'],
          ['name', 'ann'],
          ['Password', { deep: 1 }]
        ]
      }
    })
    expect(out).toEqual({
      s: {
        $map: [
          ['apiToken', R],
          ['name', 'ann'],
          ['Password', R]
        ]
      }
    })
    expect(paths).toEqual(['/s/$map/0/1', '/s/$map/2/1'])
  })

  test('keyed by anything but strings is left as it is (the same object)', () => {
    const value = {
      s: {
        $map: [
          [1, 'a'],
          [{ $bigint: '2' }, 'b'],
          [null, 'c'],
          [{ $date: '1970-01-01T00:00:00.000Z' }, 'd']
        ]
      }
    }
    expect(slices(value).out).toBe(value)
  })

  test('is redacted inside objects, Sets, other Maps, arrays and $object, and keeps a marker already there', () => {
    const value = {
      s: {
        user: {
          headers: {
            $map: [
              ['Authorization', 'Bearer x'],
              ['accept', 'json']
            ]
          }
        },
        set: { $set: [{ $map: [['jwt', 'j']] }] },
        nested: { $map: [['inner', { $map: [['clientSecret', 'c']] }]] },
        list: [{ $map: [['cookie', 'k']] }],
        wrapped: { $object: { $x: { $map: [['token', 't']] } } },
        already: { $map: [['password', R]] }
      }
    }
    const { out, paths } = slices(value)
    expect(out).toEqual({
      s: {
        user: {
          headers: {
            $map: [
              ['Authorization', R],
              ['accept', 'json']
            ]
          }
        },
        set: { $set: [{ $map: [['jwt', R]] }] },
        nested: { $map: [['inner', { $map: [['clientSecret', R]] }]] },
        list: [{ $map: [['cookie', R]] }],
        wrapped: { $object: { $x: { $map: [['token', R]] } } },
        already: { $map: [['password', R]] }
      }
    })
    expect(out.s && (out.s as Record<string, Json>).already).toBe((value.s as Record<string, Json>).already)
    expect(paths).toContain('/s/nested/$map/0/1/$map/0/1')
    expect(paths).toContain('/s/already/$map/0/1')
  })

  test('has its values redacted in an action’s payload and a custom event’s data', () => {
    const redactor = new EventRedactor(defaults)
    const e = redactor.event({
      type: 'state.update',
      seq: 1,
      slice: 's',
      value: 1,
      cause: {
        type: 'login',
        payload: {
          creds: {
            $map: [
              ['apiKey', 'k'],
              ['user', 'ann']
            ]
          }
        }
      },
      timestamp: 1
    })
    expect(e).toMatchObject({
      cause: {
        payload: {
          creds: {
            $map: [
              ['apiKey', R],
              ['user', 'ann']
            ]
          }
        }
      }
    })
    const c = redactor.event({ type: 'custom-event', seq: 2, data: { $map: [['secret', 's']] }, timestamp: 2 })
    expect(c).toMatchObject({ data: { $map: [['secret', R]] } })
    expect(redactor.log.places()).toMatchObject({ actions: ['/payload/creds/$map/0/1'], events: ['/$map/0/1'] })
  })

  test('put whole by a change (as the recorder writes every change of a Map) is redacted in it', () => {
    const redactor = new EventRedactor(defaults)
    expect(redactor.event(update({ value: { $map: [['token', 't']] } }))).toMatchObject({ value: { $map: [['token', R]] } })
    expect(redactor.event(update({ patches: [{ op: 'replace', path: '/m', value: { $map: [['token', 't']] } }] }))).toMatchObject({
      patches: [{ op: 'replace', path: '/m', value: { $map: [['token', R]] } }]
    })
    expect(redactor.event(update({ patches: [{ op: 'add', path: '/m/$map', value: [['token', 't']] }] }))).toMatchObject({
      patches: [{ op: 'add', path: '/m/$map', value: [['token', R]] }]
    })
  })
})

describe('a change inside a Map’s entries (from a file or a stream: the recorder replaces a Map whole)', () => {
  const before = {
    s: {
      m: {
        $map: [
          ['apiToken', 't1'],
          ['name', 'ann']
        ]
      },
      x: 1
    }
  }
  const base: HistoryEvent = { type: 'state.initial', seq: 1, slices: before, timestamp: 1 }

  /** The redacted entry for `patches` after `base`, given the real state after it (or not), and the redacted state it gives. */
  function redactPatches(
    patches: Operation[],
    withReal: boolean
  ): { event: HistoryEvent; mirror: Record<string, Json>; real: Record<string, Json> } {
    const redactor = new EventRedactor(defaults)
    const real = applyEvent(before, update({ patches }), newEdit())
    const mirror0 = applyEvent({}, redactor.event(base), newEdit())
    const event = redactor.event(update({ patches }), withReal ? (slice) => real[slice] : undefined)
    return { event, mirror: applyEvent(mirror0, event, newEdit()), real }
  }

  test('becomes the slice’s whole value, redacted, from the real state: the path does not say the entry’s key', () => {
    for (const patches of [
      [{ op: 'replace', path: '/m/$map/0/1', value: 't2' }],
      [{ op: 'replace', path: '/m/$map/1/0', value: 'password' }],
      [{ op: 'add', path: '/m/$map/-', value: ['jwt', 'j'] }]
    ] as Operation[][]) {
      const { event, mirror, real } = redactPatches(patches, true)
      expect(event).toMatchObject({ value: slices(real).out.s })
      expect(event).not.toHaveProperty('patches')
      expect(mirror).toEqual(slices(real).out)
      expect(JSON.stringify(event)).not.toMatch(/t1|t2|"j"/)
    }
    // An entry's key removed: what is left is no entry (`["t1"]`), and nothing names it any more.
    const { event, mirror, real } = redactPatches([{ op: 'remove', path: '/m/$map/0/0' }], true)
    expect(event).toMatchObject({ value: { m: { $map: [['t1'], ['name', 'ann']] }, x: 1 } })
    expect(mirror).toEqual(slices(real).out)
  })

  test('without the real state makes the slice the marker', () => {
    const { event } = redactPatches([{ op: 'replace', path: '/m/$map/0/1', value: 't2' }], false)
    expect(event).toMatchObject({ value: R })
  })

  test('moved or copied out of or into the entries becomes the whole value too', () => {
    for (const patches of [
      [{ op: 'move', from: '/m/$map/0/1', path: '/y' }],
      [{ op: 'copy', from: '/m/$map/0', path: '/y' }],
      [{ op: 'copy', from: '/m/$map', path: '/y' }],
      [{ op: 'copy', from: '/x', path: '/m/$map/0/1' }]
    ] as Operation[][]) {
      const { event, mirror, real } = redactPatches(patches, true)
      expect(event, JSON.stringify(patches)).toHaveProperty('value')
      expect(mirror).toEqual(slices(real).out)
    }
  })

  test('removing a whole entry is kept as it is', () => {
    const patches: Operation[] = [{ op: 'remove', path: '/m/$map/0' }]
    const { event, mirror, real } = redactPatches(patches, true)
    expect(event).toMatchObject({ patches })
    expect(mirror).toEqual(slices(real).out)
  })

  test('is kept as it is by a policy of paths alone', () => {
    const redactor = new EventRedactor(compilePolicy({ keys: [], paths: ['/s/other'] }))
    const e = update({ patches: [{ op: 'replace', path: '/m/$map/0/1', value: 't2' }] })
    expect(redactor.event(e, () => undefined)).toBe(e)
  })
})

describe('a tag’s own key', () => {
  test('is never matched by a key pattern: dates, numbers and Maps stay whole while keys like them are redacted', () => {
    const value = {
      s: {
        at: { $date: '1970-01-01T00:00:00.000Z' },
        n: { $number: 'NaN' },
        m: { $map: [['a', 1]] },
        birthDate: '2000-01-01',
        cardNumber: 4
      }
    }
    const { out } = slices(value, { keys: ['*date*', '*number*', '*map*', '$*'], paths: [] })
    expect(out).toEqual({ s: { ...value.s, birthDate: R, cardNumber: R } })
  })

  test('is still named by a path', () => {
    const { out } = slices({ s: { at: { $date: '1970-01-01T00:00:00.000Z' } } }, { keys: [], paths: ['/s/at/$date'] })
    expect(out).toEqual({ s: { at: { $date: R } } })
  })
})
