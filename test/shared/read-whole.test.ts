import { describe, expect, test } from 'vitest'
import { readWhole, ReadStalledError, ReadTooLargeError } from '../../src/shared/read-whole'

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)

/** A source that gives `parts` and then waits for nothing, and tells whether it was cancelled. */
function hanging(parts: string[]): { source: AsyncIterable<Uint8Array>; cancelled: () => boolean } {
  let cancelled = false
  const source: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]() {
      let i = 0
      return {
        next: () =>
          i < parts.length ? Promise.resolve({ done: false, value: bytes(parts[i++] as string) }) : new Promise(() => undefined),
        return: () => {
          cancelled = true
          return Promise.resolve({ done: true, value: undefined })
        }
      }
    }
  }
  return { source, cancelled: () => cancelled }
}

describe('readWhole', () => {
  test('gives every chunk once the source ends', async () => {
    async function* source(): AsyncGenerator<Uint8Array> {
      yield bytes('ab')
      await new Promise((resolve) => setTimeout(resolve, 20))
      yield bytes('c')
    }
    const chunks = await readWhole(source(), { idleMs: 1000 })
    expect(Buffer.concat(chunks).toString()).toBe('abc')
    expect(await readWhole([bytes('x')])).toEqual([bytes('x')])
  })

  test('gives up on a source that sends nothing for the idle time, and cancels it', async () => {
    const { source, cancelled } = hanging(['abc', 'de'])
    const started = Date.now()
    const e = await readWhole(source, { idleMs: 200 }).catch((e: unknown) => e)
    expect(e).toBeInstanceOf(ReadStalledError)
    expect((e as ReadStalledError).message).toBe('nothing arrived for 0.2 s after 5 bytes: the upload stalled and was cut')
    expect(Date.now() - started).toBeGreaterThanOrEqual(190)
    expect(cancelled()).toBe(true)
  })

  test('gives up past the size limit, and cancels the source', async () => {
    const { source, cancelled } = hanging(['abc', 'defg'])
    const e = await readWhole(source, { maxBytes: 5 }).catch((e: unknown) => e)
    expect(e).toBeInstanceOf(ReadTooLargeError)
    expect((e as Error).message).toBe('the file is larger than 5 bytes, the most an import reads')
    expect(cancelled()).toBe(true)
  })
})
