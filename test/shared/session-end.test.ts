import { createHash } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { nodeSha256 } from '../../src/host/recorder/session-file'
import {
  changedAfterWriting,
  closingLine,
  cutShort,
  isClosingLine,
  nobleSha256,
  parseClosingLine,
  readClosingLine,
  SessionDigest
} from '../../src/shared/session-end'

const HEADER = '{"format":"patchscope-session","version":1}'
const EVENTS = ['{"type":"state.initial","seq":0,"slices":{},"timestamp":1}', '{"type":"custom-event","seq":1,"data":"é 😀","timestamp":2}']
const sha = (text: string): string => createHash('sha256').update(text).digest('hex')

describe('SessionDigest', () => {
  test('digests the header and event lines, each with its newline: the bytes of the file before its closing line', () => {
    const digest = new SessionDigest()
    digest.addHeader(HEADER)
    for (const line of EVENTS) digest.addEvent(new TextEncoder().encode(line))
    const file = `${[HEADER, ...EVENTS].join('\n')}\n`
    expect(digest.events).toBe(2)
    expect(digest.sha256).toBe(sha(file))
    expect(digest.closingLine()).toBe(`{"end":{"events":2,"sha256":"${sha(file)}"}}`)
  })

  test('gives a closing line at any point and goes on digesting after it (a journal closes a file it kept writing)', () => {
    const digest = new SessionDigest()
    digest.addHeader(HEADER)
    digest.addEvent(EVENTS[0] as string)
    expect(digest.sha256).toBe(sha(`${HEADER}\n${EVENTS[0]}\n`))
    digest.addEvent(EVENTS[1] as string)
    expect(digest.end).toEqual({ events: 2, sha256: sha(`${[HEADER, ...EVENTS].join('\n')}\n`) })
  })

  test('the noble hash and Node’s agree, over many lines and one larger than a block', () => {
    const noble = new SessionDigest(nobleSha256())
    const node = new SessionDigest(nodeSha256())
    for (const d of [noble, node]) {
      d.addHeader(HEADER)
      for (let i = 0; i < 500; i++) d.addEvent(`{"type":"custom-event","seq":${i},"data":"${'x'.repeat(i)}","timestamp":${i}}`)
    }
    expect(noble.closingLine()).toBe(node.closingLine())
  })

  test('says how the lines differ from a closing line, or nothing when they match', () => {
    const digest = new SessionDigest()
    digest.addHeader(HEADER)
    digest.addEvent(EVENTS[0] as string)
    expect(digest.mismatch(digest.end)).toBeUndefined()
    expect(digest.mismatch({ ...digest.end, events: 43_895 })).toBe('its closing line counts 43,895 events, and the lines before it hold 1')
    expect(digest.mismatch({ events: 1, sha256: '0'.repeat(64) })).toMatch(/do not match the SHA-256 digest/)
  })

  test('takes the header first and once', () => {
    expect(() => new SessionDigest().addEvent(EVENTS[0] as string)).toThrow(/header line .* comes before its events/)
    const digest = new SessionDigest()
    digest.addHeader(HEADER)
    expect(() => digest.addHeader(HEADER)).toThrow(/one header line/)
  })
})

describe('closing lines', () => {
  const end = { events: 3, sha256: 'a'.repeat(64) }

  test('are written and read back', () => {
    expect(closingLine(end)).toBe(`{"end":{"events":3,"sha256":"${'a'.repeat(64)}"}}`)
    expect(parseClosingLine(closingLine(end))).toEqual(end)
    expect(readClosingLine(JSON.parse(closingLine(end)))).toEqual(end)
  })

  test('are told from events, and a malformed one is explained, or passed over by parseClosingLine', () => {
    expect(isClosingLine({ end: 1 })).toBe(true)
    expect(isClosingLine({ type: 'custom-event', end: 1 })).toBe(false)
    expect(isClosingLine([1])).toBe(false)
    expect(isClosingLine(null)).toBe(false)
    expect(() => readClosingLine({ end: { events: -1, sha256: end.sha256 } })).toThrow(/"events" must be a whole number/)
    expect(() => readClosingLine({ end: { events: 1, sha256: 'A'.repeat(64) } })).toThrow(/"sha256" must be 64 lowercase hex/)
    expect(() => readClosingLine({ end: [] })).toThrow(/a closing line must be/)
    for (const line of ['', 'not json', '{"type":"custom-event"}', '{"end":{"events":1}}', HEADER])
      expect(parseClosingLine(line)).toBeUndefined()
  })
})

describe('statements', () => {
  test('say how many events a file cut short holds, with thousands separated', () => {
    expect(cutShort(43_895)).toMatch(/^cut short after 43,895 events: the file has no closing line/)
    expect(cutShort(1)).toMatch(/^cut short after 1 event: /)
    expect(cutShort(1_200, 1_203)).toBe('cut short after 1,200 events: its last line (line 1,203) was cut in the middle and is left out')
    expect(changedAfterWriting('why', 12_000)).toMatch(/^changed after it was written: why \(the closing line is line 12,000\)/)
  })
})
