import { describe, expect, test } from 'vitest'
import { eventCount, whenText } from '../../../src/renderer/src/lib/model/sessions'

describe('how the window words a session', () => {
  test('counts events with separators', () => {
    expect(eventCount(1)).toBe('1 event')
    expect(eventCount(189_115)).toBe('189,115 events')
  })

  test('says when as a person would', () => {
    const now = new Date(2026, 11, 1, 15, 0)
    expect(whenText(new Date(2026, 11, 1, 14, 2).toISOString(), now)).toBe('today 14:02')
    expect(whenText(new Date(2026, 10, 30, 9, 10).toISOString(), now)).toBe('yesterday 09:10')
    expect(whenText(new Date(2026, 10, 3, 18, 40).toISOString(), now)).toBe('3 Nov 18:40')
    expect(whenText(new Date(2025, 10, 3, 18, 40).toISOString(), now)).toBe('3 Nov 2025 18:40')
    expect(whenText('not a date', now)).toBe('not a date')
  })
})
