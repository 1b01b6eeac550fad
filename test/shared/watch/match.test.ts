import { describe, expect, test } from 'vitest'
import type { Json, Operation } from '../../../src/shared/protocol'
import { applyPatch, ChunkedArray, newEdit, toPlain } from '../../../src/shared/state'
import { matchChange, parseWatch, touches, typeOf, type WatchHit } from '../../../src/shared/watch'

/** The hits of a watch on one change of `slice`, made by applying `patches` to `before`. */
function hitsOf(watch: string, slice: string, before: Json, patches: Operation[]): WatchHit[] {
  const after = applyPatch(before, patches, newEdit())
  return matchChange(parseWatch(watch), { slice, patches, before, after })
}

/** The hits of a watch on a slice replaced whole (or created, or removed: undefined). */
function wholeHits(watch: string, slice: string, before: Json | undefined, after: Json | undefined): WatchHit[] {
  return matchChange(parseWatch(watch), { slice, before, after })
}

const cart = { items: [{ price: 50 }, { price: 200 }, { price: 80 }], total: 330 }

describe('matchChange: conditions', () => {
  test('changed (the default) hits each changed place, with wildcards filled in', () => {
    expect(hitsOf('/cart/items/*/price', 'cart', cart, [{ op: 'replace', path: '/items/2/price', value: 90 }])).toEqual([
      { path: '/cart/items/2/price', before: 80, after: 90 }
    ])
    expect(hitsOf('/cart/items/*/price changed', 'cart', cart, [{ op: 'replace', path: '/total', value: 1 }])).toEqual([])
  })

  test('a whole slice is watched by its name alone', () => {
    expect(hitsOf('/cart', 'cart', cart, [{ op: 'replace', path: '/total', value: 1 }])).toEqual([
      { path: '/cart', before: cart, after: { ...cart, total: 1 } }
    ])
    expect(hitsOf('/other', 'cart', cart, [{ op: 'replace', path: '/total', value: 1 }])).toEqual([])
  })

  test('> N hits every change that leaves the number beyond the bound, not the places that did not change', () => {
    const patches: Operation[] = [
      { op: 'replace', path: '/items/0/price', value: 150 },
      { op: 'replace', path: '/items/2/price', value: 70 }
    ]
    expect(hitsOf('/cart/items/*/price > 100', 'cart', cart, patches)).toEqual([{ path: '/cart/items/0/price', before: 50, after: 150 }])
    // Already above the bound, and still: a hit (a watchpoint with a condition, as in gdb).
    expect(hitsOf('/cart/items/*/price > 100', 'cart', cart, [{ op: 'replace', path: '/items/1/price', value: 300 }])).toHaveLength(1)
  })

  test('becomes TEST hits only the crossing, leaves TEST only the way back', () => {
    const up: Operation[] = [{ op: 'replace', path: '/items/1/price', value: 300 }]
    expect(hitsOf('/cart/items/*/price becomes > 100', 'cart', cart, up)).toEqual([])
    expect(hitsOf('/cart/items/*/price becomes > 100', 'cart', cart, [{ op: 'replace', path: '/items/0/price', value: 101 }])).toHaveLength(
      1
    )
    expect(hitsOf('/cart/items/*/price leaves > 100', 'cart', cart, [{ op: 'replace', path: '/items/1/price', value: 100 }])).toEqual([
      { path: '/cart/items/1/price', before: 200, after: 100 }
    ])
    expect(hitsOf('/cart/items/*/price leaves > 100', 'cart', cart, [{ op: 'remove', path: '/items/1/price' }])).toEqual([
      { path: '/cart/items/1/price', before: 200, after: undefined }
    ])
  })

  test.each([
    ['/s/status == "failed"', 'running', 'failed', true],
    ['/s/status becomes "failed"', 'running', 'failed', true],
    ['/s/status becomes "failed"', 'failed', 'failed', false],
    ['/s/status leaves "running"', 'running', 'failed', true],
    ['/s/status leaves "running"', 'idle', 'failed', false],
    ['/s/status != "failed"', 'failed', 'idle', true],
    ['/s/status != "failed"', 'idle', 'failed', false],
    ['/s/status becomes != "idle"', 'idle', 'running', true],
    ['/s/status becomes != "idle"', 'running', 'done', false],
    ['/s/status matches /^fail/i', 'running', 'Failed', true],
    ['/s/status matches /^fail/i', 'running', 'done', false],
    ['/s/status matches /1/', 0, 1, false],
    ['/s/status == {"a":[1]}', null, { a: [1] }, true],
    ['/s/status >= 3', 2, 3, true],
    ['/s/status < 3', 4, 2.5, true],
    ['/s/status <= 3', 1, 4, false],
    ['/s/status > 3', 1, '5', false],
    ['/s/status > 100', 1, { $number: 'Infinity' }, true],
    ['/s/status > 100', 1, { $number: 'NaN' }, false],
    ['/s/status > 100', 1, { $bigint: '1000' }, true],
    ['/s/status changes type', 1, '1', true],
    ['/s/status changes type', 1, 2, false],
    ['/s/status changes type', 1, { $bigint: '1' }, true],
    ['/s/status changes type', 1, { $number: 'NaN' }, false],
    ['/s/status changes type', [1], { a: 1 }, true],
    ['/s/status changes type', {}, null, true]
  ] satisfies [string, Json, Json, boolean][])('%s from %j to %j: %s', (watch, from, to, hit) => {
    const before = { status: from }
    expect(hitsOf(watch, 's', before, [{ op: 'replace', path: '/status', value: to }])).toEqual(
      hit ? [{ path: '/s/status', before: from, after: to }] : []
    )
  })

  test('appears and removed need the place absent on one side; changes type needs it on both', () => {
    const before = { a: 1 }
    expect(hitsOf('/s/* appears', 's', before, [{ op: 'add', path: '/b', value: 2 }])).toEqual([
      { path: '/s/b', before: undefined, after: 2 }
    ])
    expect(hitsOf('/s/* removed', 's', before, [{ op: 'remove', path: '/a' }])).toEqual([{ path: '/s/a', before: 1, after: undefined }])
    expect(hitsOf('/s/* changes type', 's', before, [{ op: 'remove', path: '/a' }])).toEqual([])
    expect(hitsOf('/s/* appears', 's', before, [{ op: 'replace', path: '/a', value: null }])).toEqual([])
  })

  test('a slice created, replaced whole or removed is matched from its values', () => {
    expect(wholeHits('/cart appears', 'cart', undefined, cart)).toEqual([{ path: '/cart', before: undefined, after: cart }])
    expect(wholeHits('/cart removed', 'cart', cart, undefined)).toEqual([{ path: '/cart', before: cart, after: undefined }])
    expect(wholeHits('/cart/items/* removed', 'cart', cart, undefined).map((h) => h.path)).toEqual([
      '/cart/items/0',
      '/cart/items/1',
      '/cart/items/2'
    ])
    expect(wholeHits('/n changes type', 'n', [1], 'one')).toEqual([{ path: '/n', before: [1], after: 'one' }])
    expect(wholeHits('/n/0 removed', 'n', [1], 'one')).toEqual([{ path: '/n/0', before: 1, after: undefined }])
  })

  test('/* is any slice; keys are escaped in the paths of hits', () => {
    expect(wholeHits('/* appears', 'a/b~c', undefined, 1)).toEqual([{ path: '/a~1b~0c', before: undefined, after: 1 }])
    expect(wholeHits('/a~1b~0c', 'a/b~c', 0, 1)).toHaveLength(1)
    expect(wholeHits('/"a/b~c"', 'a/b~c', 0, 1)).toHaveLength(1)
    expect(hitsOf('/s/*', 's', { 'x/y': 1 }, [{ op: 'replace', path: '/x~1y', value: 2 }])).toEqual([
      { path: '/s/x~1y', before: 1, after: 2 }
    ])
    expect(hitsOf('/s/"*"', 's', { '*': 1, a: 1 }, [{ op: 'replace', path: '/a', value: 2 }])).toEqual([])
  })

  test('paths are positions: an insertion at the front changes every index after it', () => {
    const hits = hitsOf('/cart/items/*/price', 'cart', cart, [{ op: 'add', path: '/items/0', value: { price: 1 } }])
    expect(hits).toEqual([
      { path: '/cart/items/0/price', before: 50, after: 1 },
      { path: '/cart/items/1/price', before: 200, after: 50 },
      { path: '/cart/items/2/price', before: 80, after: 200 },
      { path: '/cart/items/3/price', before: undefined, after: 80 }
    ])
  })
})

describe('matchChange: appends (-)', () => {
  const chat = { messages: [{ role: 'user', content: 'hi' }] }
  const reply = { role: 'assistant', content: '' }

  test('hits an element added at the end, with "-" or with its index', () => {
    const expected = [{ path: '/chat/messages/1', before: undefined, after: reply }]
    expect(hitsOf('/chat/messages/-', 'chat', chat, [{ op: 'add', path: '/messages/-', value: reply }])).toEqual(expected)
    expect(hitsOf('/chat/messages/-', 'chat', chat, [{ op: 'add', path: '/messages/1', value: reply }])).toEqual(expected)
  })

  test('hits each element of a longer array that kept what it held, and the condition applies to each', () => {
    const after = { messages: [...chat.messages, reply, { role: 'user', content: 'error!' }] }
    expect(wholeHits('/chat/messages/-', 'chat', chat, after).map((h) => h.path)).toEqual(['/chat/messages/1', '/chat/messages/2'])
    expect(wholeHits('/chat/messages/- == {"role":"assistant","content":""}', 'chat', chat, after).map((h) => h.path)).toEqual([
      '/chat/messages/1'
    ])
    expect(wholeHits('/log/- matches /error/', 'log', ['a'], ['a', 'b', 'an error'])).toEqual([
      { path: '/log/2', before: undefined, after: 'an error' }
    ])
  })

  test('an insertion elsewhere, an edit, a shorter array and a non-array are no appends', () => {
    expect(hitsOf('/chat/messages/-', 'chat', chat, [{ op: 'add', path: '/messages/0', value: reply }])).toEqual([])
    expect(hitsOf('/chat/messages/-', 'chat', chat, [{ op: 'replace', path: '/messages/0/content', value: 'yo' }])).toEqual([])
    expect(hitsOf('/chat/messages/-', 'chat', chat, [{ op: 'remove', path: '/messages/0' }])).toEqual([])
    expect(hitsOf('/chat/messages/-', 'chat', chat, [{ op: 'replace', path: '/messages', value: { 0: 1, 1: 2 } }])).toEqual([])
  })

  test('an array where there was none counts all it holds as appended', () => {
    expect(hitsOf('/chat/log/-', 'chat', chat, [{ op: 'add', path: '/log', value: ['x', 'y'] }]).map((h) => h.path)).toEqual([
      '/chat/log/0',
      '/chat/log/1'
    ])
    expect(wholeHits('/log/-', 'log', undefined, [])).toEqual([])
  })
})

describe('matchChange: chunked arrays (the host history’s long arrays)', () => {
  test('walks, compares and appends through ChunkedArray the same as through plain arrays', () => {
    const before: Json = { list: Array.from({ length: 8 }, (_, i) => i) }
    const edit = newEdit({ chunkArrays: { chunk: 3, threshold: 4 } })
    const patches: Operation[] = [
      { op: 'replace', path: '/list/4', value: 40 },
      { op: 'add', path: '/list/-', value: 8 }
    ]
    const after = applyPatch(before, patches, edit)
    expect((after as { list: unknown }).list).toBeInstanceOf(ChunkedArray)
    const change = { slice: 's', patches, before, after }
    expect(matchChange(parseWatch('/s/list/*'), change)).toEqual([
      { path: '/s/list/4', before: 4, after: 40 },
      { path: '/s/list/8', before: undefined, after: 8 }
    ])
    // The array changed at 4 too, so it did not only grow: no append.
    expect(matchChange(parseWatch('/s/list/-'), { ...change, patches: [patches[1] as Operation] })).toEqual([])
    const appended = applyPatch(before, [patches[1] as Operation], edit)
    expect(matchChange(parseWatch('/s/list/-'), { slice: 's', before, after: appended })).toEqual([
      { path: '/s/list/8', before: undefined, after: 8 }
    ])
    const [hit] = matchChange(parseWatch('/s/list changes type'), { slice: 's', before: { list: 'none' }, after: appended })
    expect(toPlain(hit?.after as Json)).toEqual([...Array.from({ length: 8 }, (_, i) => i), 8])
    expect(typeOf((appended as { list: Json }).list)).toBe('array')
  })
})

describe('matchChange: before and after on demand', () => {
  test('computes neither when the patches do not touch the path, each once when they do', () => {
    let calls = 0
    const lazy = (v: Json) => () => {
      calls++
      return v
    }
    const w = parseWatch('/cart/total')
    const change = { slice: 'cart', before: lazy({ total: 1 }), after: lazy({ total: 2 }) }
    expect(matchChange(w, { ...change, patches: [{ op: 'add', path: '/note', value: 'x' }] })).toEqual([])
    expect(matchChange(w, { ...change, slice: 'other', patches: undefined })).toEqual([])
    expect(calls).toBe(0)
    expect(matchChange(w, { ...change, patches: [{ op: 'replace', path: '/total', value: 2 }] })).toHaveLength(1)
    expect(calls).toBe(2)
  })
})

describe('touches', () => {
  const w = (text: string) => parseWatch(text)
  test.each<[string, string, Operation[] | undefined, boolean]>([
    ['/cart/items/*/price', 'cart', [{ op: 'replace', path: '/items/3/price', value: 1 }], true],
    ['/cart/items/*/price', 'cart', [{ op: 'replace', path: '/items/3/name', value: 1 }], false],
    ['/cart/items/*/price', 'other', [{ op: 'replace', path: '/items/3/price', value: 1 }], false],
    ['/cart/items/*/price', 'cart', [{ op: 'replace', path: '/items', value: [] }], true],
    ['/cart/items/*/price', 'cart', [{ op: 'replace', path: '', value: {} }], true],
    ['/cart/items/*/price', 'cart', [{ op: 'add', path: '/items/3/price/currency', value: 'EUR' }], true],
    ['/cart/items/*/price', 'cart', undefined, true],
    ['/cart/items/*/price', 'cart', [], false],
    ['/cart/items/2/price', 'cart', [{ op: 'add', path: '/items/0', value: {} }], true],
    ['/cart/items/2/price', 'cart', [{ op: 'remove', path: '/items/2' }], true],
    ['/cart/items/2/price', 'cart', [{ op: 'remove', path: '/items/3' }], false],
    ['/cart/items/2/price', 'cart', [{ op: 'add', path: '/items/-', value: {} }], true],
    ['/cart/items/2/price', 'cart', [{ op: 'replace', path: '/items/0', value: {} }], false],
    ['/cart/items/a/price', 'cart', [{ op: 'add', path: '/items/0', value: {} }], false],
    ['/cart/items/2', 'cart', [{ op: 'move', from: '/items/0', path: '/other' }], true],
    ['/cart/items/2', 'cart', [{ op: 'move', from: '/other', path: '/items/9' }], false],
    ['/cart/items/2', 'cart', [{ op: 'copy', from: '/items/2', path: '/other' }], false],
    ['/cart/items/2', 'cart', [{ op: 'copy', from: '/other', path: '/items/1' }], true],
    ['/cart/items/2', 'cart', [{ op: 'test', path: '/items/2', value: 1 }], false],
    ['/cart/items/-', 'cart', [{ op: 'add', path: '/items/7', value: 1 }], true],
    ['/cart/items/-', 'cart', [{ op: 'replace', path: '/items/7/name', value: 1 }], true],
    ['/cart/items/-', 'cart', [{ op: 'replace', path: '/items/name', value: 1 }], false],
    ['/cart/items/-', 'cart', [{ op: 'replace', path: '/items', value: [] }], true],
    ['/cart/"-"', 'cart', [{ op: 'add', path: '/-', value: 1 }], true],
    ['/*', 'anything', [{ op: 'add', path: '/x', value: 1 }], true],
    ['/cart/total', 'cart', [{ op: 'add', path: 'no-slash', value: 1 }], true]
  ])('%s on %s with %j: %s', (watch, slice, patches, expected) => {
    expect(touches(w(watch), slice, patches)).toBe(expected)
  })
})
