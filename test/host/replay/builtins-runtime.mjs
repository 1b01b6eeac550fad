// A bus runtime for the replay tests of Node's own clock, randomness and promise timers: each
// `draw` keeps what `node:crypto` (ESM and CJS), `process.hrtime` and `node:timers/promises`
// gave it; `race` lets promise timers and global ones of random delays finish in whatever order
// they do; `ticks` counts an interval of `node:timers/promises` by the high-resolution clock.
import { EventEmitter } from 'node:events'
import { getRandomValues, randomBytes, randomFill, randomFillSync, randomInt, randomUUID, webcrypto } from 'node:crypto'
import { createRequire } from 'node:module'
import { scheduler, setImmediate as nextTurn, setInterval as every, setTimeout as sleep } from 'node:timers/promises'
import { promisify } from 'node:util'

const require = createRequire(import.meta.url)
const hex = (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')
const DELAY = 5

export default function createRuntime() {
  const bus = new EventEmitter()
  let state = { draws: [], order: [], ticks: [] }
  const set = (slice, after, action) => {
    const before = state[slice]
    state = { ...state, [slice]: after }
    bus.emit('state-changed', { slice, before, after, causingAction: action })
  }

  async function draw(action) {
    const started = process.hrtime()
    const startedNs = process.hrtime.bigint()
    const d = {
      uuid: randomUUID(),
      cjsUuid: require('node:crypto').randomUUID(),
      bytes: randomBytes(6).toString('hex'),
      int: randomInt(1_000_000),
      range: randomInt(10, 20),
      values: hex(getRandomValues(new Uint8Array(4))),
      web: hex(webcrypto.getRandomValues(new Uint32Array(2))),
      filled: hex(randomFillSync(new Uint16Array(4), 1, 2)),
      later: await new Promise((resolve, reject) => randomBytes(3, (e, b) => (e ? reject(e) : resolve(b.toString('hex'))))),
      laterInt: await new Promise((resolve, reject) => randomInt(7, (e, n) => (e ? reject(e) : resolve(n)))),
      laterFill: await new Promise((resolve, reject) => randomFill(new Uint8Array(3), (e, b) => (e ? reject(e) : resolve(hex(b)))))
    }
    d.slept = await sleep(DELAY, 'slept')
    d.next = await nextTurn('next')
    await scheduler.wait(DELAY)
    await scheduler.yield()
    await promisify(setTimeout)(DELAY)
    d.elapsed = process.hrtime(started)
    d.elapsedNs = String(process.hrtime.bigint() - startedNs)
    set('draws', [...state.draws, d], action)
  }

  async function race(action) {
    const finish = (who) => set('order', [...state.order, who], action)
    const runs = []
    for (let i = 0; i < 4; i++) {
      runs.push(sleep(randomInt(1, 15)).then(() => finish(`promise ${i}`)))
      runs.push(new Promise((resolve) => setTimeout(resolve, randomInt(1, 15))).then(() => finish(`global ${i}`)))
    }
    await Promise.all(runs)
  }

  async function ticks(action) {
    const from = process.hrtime.bigint()
    const seen = []
    for await (const tick of every(DELAY, 'tick')) {
      seen.push(`${tick} at ${process.hrtime.bigint() - from}`)
      if (seen.length === 3) break
    }
    set('ticks', [...state.ticks, seen], action)
  }

  return {
    bus,
    getState: () => state,
    dispatch(action) {
      switch (action.type) {
        case 'draw':
          return draw(action)
        case 'race':
          return race(action)
        case 'ticks':
          return ticks(action)
        default:
          throw new Error(`unknown action ${action.type}: try draw, race or ticks`)
      }
    }
  }
}
