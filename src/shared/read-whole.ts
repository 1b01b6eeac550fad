/**
 * Reading a body to its end before anything waits on it, with a limit on its size and on how
 * long it may stall: an upload that stops sending is cut instead of holding what depends on it.
 */

/** A body that sent nothing for `idleMs`. */
export class ReadStalledError extends Error {
  override name = 'ReadStalledError'
  constructor(
    readonly idleMs: number,
    readonly received: number
  ) {
    super(`nothing arrived for ${idleMs / 1000} s after ${received.toLocaleString('en-US')} bytes: the upload stalled and was cut`)
  }
}

/** A body larger than `maxBytes`. */
export class ReadTooLargeError extends Error {
  override name = 'ReadTooLargeError'
  constructor(readonly maxBytes: number) {
    super(`the file is larger than ${formatBytes(maxBytes)}, the most an import reads`)
  }
}

export interface ReadWholeOptions {
  /** Give up when no chunk arrives for this long. @default 10_000 */
  idleMs?: number
  /** Give up past this many bytes. @default Infinity */
  maxBytes?: number
}

/**
 * Every chunk of `source`, in order, once it has ended. The chunks are kept as they came (a
 * source that fills one buffer again for its next chunk must not be given).
 * @throws {ReadStalledError} when nothing arrives for `idleMs`; the source is then cancelled
 * @throws {ReadTooLargeError} past `maxBytes`; the source is then cancelled
 * @example const chunks = await readWhole(request.body, { idleMs: 10_000 })
 */
export async function readWhole(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  { idleMs = 10_000, maxBytes = Infinity }: ReadWholeOptions = {}
): Promise<Uint8Array[]> {
  if (Symbol.iterator in source) return [...source]
  const chunks: Uint8Array[] = []
  let received = 0
  const it = source[Symbol.asyncIterator]()
  const cancel = (): void => {
    // The reason was thrown to the caller; a source that fails to cancel has nothing to add.
    void Promise.resolve(it.return?.()).catch(() => undefined)
  }
  for (;;) {
    let timer: ReturnType<typeof setTimeout> | undefined
    const stalled = new Promise<'stalled'>((resolve) => (timer = setTimeout(() => resolve('stalled'), idleMs)))
    let next: IteratorResult<Uint8Array> | 'stalled'
    try {
      next = await Promise.race([it.next(), stalled])
    } finally {
      clearTimeout(timer)
    }
    if (next === 'stalled') {
      cancel()
      throw new ReadStalledError(idleMs, received)
    }
    if (next.done === true) return chunks
    received += next.value.byteLength
    if (received > maxBytes) {
      cancel()
      throw new ReadTooLargeError(maxBytes)
    }
    chunks.push(next.value)
  }
}

function formatBytes(n: number): string {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toLocaleString('en-US')} MiB` : `${n.toLocaleString('en-US')} bytes`
}
