import { describe, expect, test } from 'vitest'
import { TAGS, tagOf } from '../../src/shared/tags'

describe('tagOf', () => {
  test('names the tag of every one-key tagged value', () => {
    for (const tag of TAGS) expect(tagOf({ [tag]: null })).toBe(tag)
  })

  test('gives undefined for plain data', () => {
    expect(tagOf(null)).toBeUndefined()
    expect(tagOf(1)).toBeUndefined()
    expect(tagOf('$bigint')).toBeUndefined()
    expect(tagOf([{ $bigint: '1' }])).toBeUndefined()
    expect(tagOf({})).toBeUndefined()
    expect(tagOf({ $bigint: '1', other: 1 })).toBeUndefined()
    expect(tagOf({ $unknown: 1 })).toBeUndefined()
  })
})
