import { describe, expect, test } from 'vitest'
import {
  addSent,
  besidesType,
  readSent,
  removeSent,
  SENT_LIMIT,
  SENT_TEXT_LIMIT,
  sentKey,
  writeSent,
  type KeyValue,
  type Sent
} from '../../../src/renderer/src/lib/model/sent'

/** A storage in memory, which can be made to refuse writes (full) like the browser's. */
class Memory implements KeyValue {
  readonly items = new Map<string, string>()
  full = false
  getItem(key: string): string | null {
    return this.items.get(key) ?? null
  }
  setItem(key: string, value: string): void {
    if (this.full) throw new Error('QuotaExceededError')
    this.items.set(key, value)
  }
}

const act = (type: string, payload?: unknown): string => JSON.stringify(payload === undefined ? { type } : { type, payload })

describe('addSent: what was sent, newest first, bounded', () => {
  test('the newest first', () => {
    let list: Sent[] = []
    list = addSent(list, act('a'), 'a', 1)
    list = addSent(list, act('b'), 'b', 2)
    expect(list).toEqual([
      { text: act('b'), type: 'b', at: 2 },
      { text: act('a'), type: 'a', at: 1 }
    ])
  })

  test('the same action sent again moves up once, even laid out differently', () => {
    let list: Sent[] = []
    list = addSent(list, '{"type": "a", "payload": {"n": 1}}', 'a', 1)
    list = addSent(list, act('b'), 'b', 2)
    list = addSent(list, '{\n  "type": "a",\n  "payload": { "n": 1 }\n}', 'a', 3)
    expect(list.map((s) => [s.type, s.at])).toEqual([
      ['a', 3],
      ['b', 2]
    ])
    // The same type with another payload is another action.
    list = addSent(list, act('a', { n: 2 }), 'a', 4)
    expect(list.map((s) => s.at)).toEqual([4, 3, 2])
  })

  test('keeps at most the limit, dropping the oldest', () => {
    let list: Sent[] = []
    for (let i = 0; i < SENT_LIMIT + 10; i++) list = addSent(list, act('n', i), 'n', i)
    expect(list).toHaveLength(SENT_LIMIT)
    expect(list[0]?.at).toBe(SENT_LIMIT + 9)
    expect(list.at(-1)?.at).toBe(10)
    expect(addSent([], act('x'), 'x', 1, 3)).toHaveLength(1)
  })

  test('does not keep an action too long for the storage (it is still sent)', () => {
    const long = act('big', 'x'.repeat(SENT_TEXT_LIMIT))
    const list = addSent([{ text: act('a'), type: 'a', at: 1 }], long, 'big', 2)
    expect(list.map((s) => s.type)).toEqual(['a'])
  })

  test('removeSent forgets one', () => {
    const list = [1, 2, 3].map((at) => ({ text: act('n', at), type: 'n', at }))
    expect(removeSent(list, 1).map((s) => s.at)).toEqual([1, 3])
  })
})

describe('the list in storage, per runtime', () => {
  test('is kept per runtime path, and read back as written', () => {
    const storage = new Memory()
    const a = addSent([], act('a'), 'a', 1)
    expect(writeSent(storage, sentKey('/x/counter.mjs'), a)).toBe(true)
    expect(readSent(storage, sentKey('/x/counter.mjs'))).toEqual(a)
    expect(readSent(storage, sentKey('/x/agent.mjs'))).toEqual([])
    expect(sentKey(null)).toBe(sentKey(undefined))
    expect(sentKey(null)).not.toBe(sentKey('/x/counter.mjs'))
  })

  test('a damaged or foreign value reads as empty, or as its good entries', () => {
    const storage = new Memory()
    storage.items.set('k', '{not json')
    expect(readSent(storage, 'k')).toEqual([])
    storage.items.set('k', '{"a": 1}')
    expect(readSent(storage, 'k')).toEqual([])
    storage.items.set('k', JSON.stringify([{ text: act('a'), type: 'a', at: 1 }, { text: 3 }, null, 'x']))
    expect(readSent(storage, 'k')).toEqual([{ text: act('a'), type: 'a', at: 1 }])
    storage.items.set('k', JSON.stringify(Array.from({ length: SENT_LIMIT + 5 }, (_, at) => ({ text: act('a'), type: 'a', at }))))
    expect(readSent(storage, 'k')).toHaveLength(SENT_LIMIT)
    expect(readSent(undefined, 'k')).toEqual([])
  })

  test('a storage that refuses the write says so, and throws nothing', () => {
    const storage = new Memory()
    storage.full = true
    expect(writeSent(storage, 'k', addSent([], act('a'), 'a', 1))).toBe(false)
    expect(writeSent(undefined, 'k', [])).toBe(false)
  })
})

describe('besidesType: what the list shows of an action', () => {
  test('its payload, or the rest of it, on one line', () => {
    expect(besidesType('{"type": "a", "payload": {"n": 1}}')).toBe('{"n":1}')
    expect(besidesType('{"type": "a"}')).toBe('')
    expect(besidesType('{"type": "a", "payload": 1, "meta": {"m": 2}}')).toBe('{"payload":1,"meta":{"m":2}}')
    expect(besidesType('{"type": "a", "meta": {"m": 2}}')).toBe('{"meta":{"m":2}}')
    expect(besidesType('oops')).toBe('oops')
  })
})
