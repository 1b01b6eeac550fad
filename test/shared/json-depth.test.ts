import { describe, expect, test } from 'vitest'
import { deeperThan, jsonDepthBound } from '../../src/shared/json-depth'

const nested = (levels: number): string => `${'{"a":['.repeat(levels)}1${']}'.repeat(levels)}`

describe('jsonDepthBound', () => {
  test('bounds the nesting of a shallow line by the objects it opens, without scanning it', () => {
    expect(jsonDepthBound('1', 10)).toBe(0)
    expect(jsonDepthBound('{"a":[1],"b":{}}', 10)).toBe(3)
    expect(jsonDepthBound('{"a":[1],"b":{}}', 10)).toBeGreaterThanOrEqual(2)
  })

  test('scans a line that opens more than the cap, and gives its depth, or cap + 1 past it', () => {
    const wide = `[${'{},'.repeat(100)}{}]`
    expect(jsonDepthBound(wide, 10)).toBe(2)
    expect(jsonDepthBound(nested(20), 10)).toBe(11)
    expect(jsonDepthBound(nested(20), 40)).toBe(40)
    expect(jsonDepthBound(nested(5_000), 516)).toBe(517)
  })

  test('does not count brackets inside strings, escaped quotes included', () => {
    const text = `[${'"[[{\\"{[",'.repeat(50)}{}]`
    expect(JSON.parse(text)).toHaveLength(51)
    expect(jsonDepthBound(text, 10)).toBe(2)
  })
})

describe('deeperThan', () => {
  test('measures a parsed value without recursion', () => {
    expect(deeperThan(1, 0)).toBe(false)
    expect(deeperThan({}, 0)).toBe(true)
    expect(deeperThan({}, 1)).toBe(false)
    expect(deeperThan({ a: [1, { b: null }] }, 3)).toBe(false)
    expect(deeperThan({ a: [1, { b: {} }] }, 3)).toBe(true)
    const deep = JSON.parse(nested(50_000)) as unknown
    expect(deeperThan(deep, 100_000)).toBe(false)
    expect(deeperThan(deep, 99_999)).toBe(true)
  })
})
