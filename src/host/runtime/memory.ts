/**
 * The runtime's memory, sampled in its own thread. `v8.getHeapStatistics()` there describes the
 * worker's own isolate: its heap, and the memory outside it that its objects hold (`external`,
 * which counts every Buffer and ArrayBuffer), not the process's. (`process.memoryUsage()` gives
 * the same figures in a worker, plus the process's RSS, and costs a system call.)
 */
import { getHeapStatistics } from 'node:v8'
import type { MemorySample } from './messages'

const MB = 1024 * 1024

/** The most JS heap a runtime is given by default, in megabytes (see `defaultMaxHeapMb`). */
export const MAX_HEAP_MB = 2048

/**
 * The default of `--max-heap-mb`: `MAX_HEAP_MB`, or the host's own heap limit where that is lower.
 * V8 sizes a heap by the machine's memory (a quarter of it, up to 4 GB) unless Node is given
 * `--max-old-space-size`; a runtime's thread would inherit that, and in the desktop app all of it
 * would come out of the memory the window's host needs too. So a runtime never gets more heap than
 * the host itself, nor more than half of V8's largest default.
 */
export function defaultMaxHeapMb(): number {
  return Math.min(MAX_HEAP_MB, Math.floor(getHeapStatistics().heap_size_limit / MB))
}

/**
 * A worker's `resourceLimits` for a JS heap of `mb` megabytes in all, so that its
 * `heap_size_limit` is exactly `mb`: the young generation is three semi-spaces of a power of two
 * megabytes (V8 rounds it so), 48 MB as V8 has it by default, less in a heap under 384 MB; the old
 * generation, where what a runtime keeps ends up, has the rest.
 */
export function heapLimits(mb: number): { maxOldGenerationSizeMb: number; maxYoungGenerationSizeMb: number } {
  let semi = 16
  while (semi > 1 && semi * 24 > mb) semi /= 2
  return { maxYoungGenerationSizeMb: 3 * semi, maxOldGenerationSizeMb: mb - 3 * semi }
}

/** A change smaller than this, in heap or outside it, is not worth a message. */
export const MEMORY_STEP = 1024 * 1024
/** How often the thread samples its memory besides after each command. @default 1 s */
export const MEMORY_SAMPLE_MS = 1000

/** The isolate's memory now (about 0.3 µs). */
export function sampleMemory(): MemorySample {
  const s = getHeapStatistics()
  return { heapUsed: s.used_heap_size, heapTotal: s.total_heap_size, heapLimit: s.heap_size_limit, external: s.external_memory }
}

/** Sends the runtime's memory to the host when it has changed by `MEMORY_STEP` or more since last sent. */
export class MemoryReporter {
  #last: MemorySample

  constructor(
    private readonly send: (memory: MemorySample) => void,
    private readonly sample: () => MemorySample = sampleMemory
  ) {
    this.#last = sample()
  }

  /** Samples now, and takes it as sent (for a message of its own: `ready`). */
  reset(): MemorySample {
    this.#last = this.sample()
    return this.#last
  }

  /** Samples, and sends if it changed enough. */
  check(): void {
    const now = this.sample()
    if (Math.abs(now.external - this.#last.external) < MEMORY_STEP && Math.abs(now.heapUsed - this.#last.heapUsed) < MEMORY_STEP) return
    this.#last = now
    this.send(now)
  }

  /** Checks every `ms` while the thread runs (the timer alone never keeps it alive). */
  start(ms = MEMORY_SAMPLE_MS): void {
    setInterval(() => this.check(), ms).unref()
  }
}
