/**
 * The clock, randomness, timers and `fetch` as they were before effects were installed: the
 * host's own code in the runtime's thread (the outbox, the recorder, the memory sampler) uses
 * these, so that nothing it does is recorded as the runtime's, or made virtual in a replay.
 * Imported before anything is installed (the worker imports this module at its start).
 */
import nodeCrypto from 'node:crypto'
import { performance } from 'node:perf_hooks'
import timersPromises from 'node:timers/promises'

const g = globalThis

export const real = {
  Date: g.Date,
  dateNow: g.Date.now.bind(g.Date),
  perfNow: performance.now.bind(performance),
  hrtime: process.hrtime.bind(process),
  hrtimeBigint: process.hrtime.bigint.bind(process.hrtime),
  random: g.Math.random.bind(g.Math),
  randomUUID: g.crypto.randomUUID.bind(g.crypto),
  getRandomValues: g.crypto.getRandomValues.bind(g.crypto),
  /** `node:crypto`'s own: they are not the globals above. */
  node: {
    randomBytes: nodeCrypto.randomBytes,
    randomInt: nodeCrypto.randomInt,
    randomFillSync: nodeCrypto.randomFillSync,
    randomFill: nodeCrypto.randomFill
  },
  setTimeout: g.setTimeout,
  setInterval: g.setInterval,
  setImmediate: g.setImmediate,
  clearTimeout: g.clearTimeout,
  clearInterval: g.clearInterval,
  clearImmediate: g.clearImmediate,
  /** `node:timers/promises`. */
  promises: {
    setTimeout: timersPromises.setTimeout,
    setImmediate: timersPromises.setImmediate,
    setInterval: timersPromises.setInterval
  },
  fetch: g.fetch
}

/** Runs `task` once everything queued now, microtasks included, has run: the thread's next idle moment. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => real.setImmediate(resolve))
}
