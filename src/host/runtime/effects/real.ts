/**
 * The clock, randomness, timers and `fetch` as they were before effects were installed: the
 * host's own code in the runtime's thread (the outbox, the recorder, the memory sampler) uses
 * these, so that nothing it does is recorded as the runtime's, or made virtual in a replay.
 * Imported before anything is installed (the worker imports this module at its start).
 */
import { performance } from 'node:perf_hooks'

const g = globalThis

export const real = {
  Date: g.Date,
  dateNow: g.Date.now.bind(g.Date),
  perfNow: performance.now.bind(performance),
  random: g.Math.random.bind(g.Math),
  randomUUID: g.crypto.randomUUID.bind(g.crypto),
  getRandomValues: g.crypto.getRandomValues.bind(g.crypto),
  setTimeout: g.setTimeout,
  setInterval: g.setInterval,
  setImmediate: g.setImmediate,
  clearTimeout: g.clearTimeout,
  clearInterval: g.clearInterval,
  clearImmediate: g.clearImmediate,
  fetch: g.fetch
}

/** Runs `task` once everything queued now, microtasks included, has run: the thread's next idle moment. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => real.setImmediate(resolve))
}
