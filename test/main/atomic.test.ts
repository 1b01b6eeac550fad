import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { writeFileAtomic, writeStreamAtomic } from '../../src/main/atomic'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'patchscope-atomic-'))
})
afterEach(() => rm(dir, { recursive: true, force: true }))

const bytes = (...chunks: string[]): ReadableStream<Uint8Array> =>
  new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk))
      controller.close()
    }
  })

/** A stream that gives one chunk, then fails, as a disk or a history could. */
const failing = (): ReadableStream<Uint8Array> =>
  new ReadableStream({
    pull(controller) {
      controller.enqueue(new TextEncoder().encode('half a file'))
      controller.error(new Error('the stream broke'))
    }
  })

describe('writeFileAtomic', () => {
  test('writes the file, creating its folder, readable by its owner only', async () => {
    const file = join(dir, 'a', 'b', 'settings.json')
    await writeFileAtomic(file, '{}')
    expect(await readFile(file, 'utf8')).toBe('{}')
    if (process.platform !== 'win32') expect((await stat(file)).mode & 0o077).toBe(0)
  })

  test('replaces a file whole, leaving no temporary file', async () => {
    const file = join(dir, 'settings.json')
    await writeFile(file, 'old')
    await writeFileAtomic(file, 'new')
    expect(await readFile(file, 'utf8')).toBe('new')
    expect(await readdir(dir)).toEqual(['settings.json'])
  })

  test('leaves the target as it was, and no temporary file, when the write fails', async () => {
    // A folder cannot be replaced by a file: the rename fails after the temporary file was written.
    const target = join(dir, 'settings.json')
    await mkdir(target)
    await writeFile(join(target, 'kept'), 'kept')
    await expect(writeFileAtomic(target, 'new')).rejects.toThrow()
    expect(await readFile(join(target, 'kept'), 'utf8')).toBe('kept')
    expect(await readdir(dir)).toEqual(['settings.json'])
  })
})

describe('writeStreamAtomic', () => {
  test('writes every chunk of the stream', async () => {
    const file = join(dir, 'out.ndjson')
    await writeStreamAtomic(file, bytes('{"a":1}\n', '{"b":2}\n'))
    expect(await readFile(file, 'utf8')).toBe('{"a":1}\n{"b":2}\n')
  })

  test('keeps the file that was there, and no temporary file, when the stream fails midway', async () => {
    const file = join(dir, 'out.ndjson')
    await writeFile(file, 'the previous export')
    await expect(writeStreamAtomic(file, failing())).rejects.toThrow('the stream broke')
    expect(await readFile(file, 'utf8')).toBe('the previous export')
    expect(await readdir(dir)).toEqual(['out.ndjson'])
  })

  test('fails without a trace when the folder does not exist', async () => {
    await expect(writeStreamAtomic(join(dir, 'missing', 'out.ndjson'), bytes('x'))).rejects.toMatchObject({ code: 'ENOENT' })
    expect(await readdir(dir)).toEqual([])
  })
})
