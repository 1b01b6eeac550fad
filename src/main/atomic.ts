/**
 * Writes that never leave half a file behind: the bytes go to a temporary file beside the target,
 * which is renamed over it once complete (a rename within a folder is atomic).
 */
import { createWriteStream } from 'node:fs'
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { Readable } from 'node:stream'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import { pipeline } from 'node:stream/promises'

let counter = 0
const temporary = (file: string): string => `${file}.${process.pid}-${++counter}.tmp`

/** Replaces `file` with `data` (creating its folder), or leaves it as it was. */
export async function writeFileAtomic(file: string, data: string, { mode = 0o600 }: { mode?: number } = {}): Promise<void> {
  await mkdir(dirname(file), { recursive: true })
  const tmp = temporary(file)
  try {
    await writeFile(tmp, data, { mode })
    await rename(tmp, file)
  } catch (e) {
    await rm(tmp, { force: true })
    throw e
  }
}

/** Replaces `file` with the bytes of `stream`, or, if the stream or the disk fails, leaves it as it was. */
export async function writeStreamAtomic(file: string, stream: ReadableStream<Uint8Array>): Promise<void> {
  const tmp = temporary(file)
  try {
    // The DOM and Node declare the same web stream twice; Node's `fromWeb` wants its own.
    await pipeline(Readable.fromWeb(stream as WebReadableStream<Uint8Array>), createWriteStream(tmp))
    await rename(tmp, file)
  } catch (e) {
    await rm(tmp, { force: true })
    throw e
  }
}
