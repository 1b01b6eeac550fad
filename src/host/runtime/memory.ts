/**
 * The runtime's memory, sampled in its own thread. `v8.getHeapStatistics()` there describes the
 * worker's own isolate: its heap, and the memory outside it that its objects hold (`external`,
 * which counts every Buffer and ArrayBuffer), not the process's. (`process.memoryUsage()` gives
 * the same figures in a worker, plus the process's RSS, and costs a system call.)
 */
import { getHeapStatistics } from 'node:v8'
import type { MemorySample } from './messages'

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
