/**
 * Run in a worker thread by builtins.test.ts (installing effects replaces the thread's globals):
 * reads `node:crypto`, `process.hrtime` and `node:timers/promises` as a runtime would, and what
 * they refuse, with the real ones first, then recording (`workerData.effects` absent) or
 * replaying the effects given. Posts what it read and, recording, the effects logged.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { installGlobals, outside } from '../../../../src/host/runtime/effects/globals'
import { EffectLog } from '../../../../src/host/runtime/effects/record'
import { EffectPlayer } from '../../../../src/host/runtime/effects/replay'
import type { Effect } from '../../../../src/shared/effects'
import type { ReplayIssue } from '../../../../src/shared/replay'

// Keeps the thread alive while an unreferenced timer is all it waits for; the test ends it.
parentPort?.on('message', () => undefined)

// Namespaces, read at each call: a runtime's named imports are live bindings, synced when effects are installed.
const crypto = await import('node:crypto')
const timers = await import('node:timers/promises')
const sleep: typeof timers.setTimeout = (...a) => timers.setTimeout(...a)
const turn: typeof timers.setImmediate = (...a) => timers.setImmediate(...a)
const every: typeof timers.setInterval = (...a) => timers.setInterval(...a)
const scheduler = timers.scheduler

/** What a call threw or rejected with, as a runtime could tell it apart. */
async function failure(call: () => unknown): Promise<unknown> {
  try {
    await call()
    return 'did not fail'
  } catch (e) {
    const { name, code, message, cause } = e as { name: string; code?: string; message: string; cause?: unknown }
    return { name, code, message, cause }
  }
}

/** The first step of an async iterable. */
const first = <T>(iterable: AsyncIterable<T>): Promise<IteratorResult<T>> => iterable[Symbol.asyncIterator]().next()

/** What Node refuses, called through whatever is installed: the same as Node's own refusals. */
async function refusals(): Promise<Record<string, unknown>> {
  const aborted = AbortSignal.abort('stopped before')
  const entries = {
    hrtime: () => process.hrtime([1] as unknown as [number, number]),
    intRange: () => crypto.randomInt(5, 2),
    intCallback: () => (crypto.randomInt as (a: number, b: unknown) => number)(5, 'no'),
    bytesSize: () => crypto.randomBytes(-1),
    bytesCallback: () => (crypto.randomBytes as (a: number, b: unknown) => void)(2, 'no'),
    fillType: () => crypto.randomFillSync('no' as unknown as Uint8Array),
    fillRange: () => crypto.randomFillSync(new Uint8Array(4), 2, 3),
    // Node takes an ArrayBuffer too (its types say views only).
    fillBufferSize: () => crypto.randomFill(new ArrayBuffer(8) as unknown as Uint8Array, 0, () => undefined),
    fillCallback: () => (crypto.randomFill as (a: Uint8Array, b: unknown) => void)(new Uint8Array(2), 'no'),
    sleepDelay: () => sleep('1' as unknown as number),
    sleepOptions: () => sleep(1, null, 'no' as never),
    sleepRef: () => sleep(1, null, { ref: 'no' as never }),
    sleepAborted: () => sleep(1, null, { signal: aborted }),
    turnAborted: () => turn(null, { signal: aborted }),
    everyAborted: () => first(every(1, null, { signal: aborted })),
    everyDelay: () => first(every('1' as unknown as number)),
    waitThis: () => (scheduler.wait as (this: unknown, d: number) => Promise<void>).call({}, 1),
    yieldThis: () => (scheduler.yield as (this: unknown) => Promise<void>).call({})
  }
  const out: Record<string, unknown> = {}
  for (const [name, call] of Object.entries(entries)) out[name] = await failure(call)
  return out
}

/** Reads a runtime's clock, randomness and promise timers; `outside` ones are the host's. */
async function reads(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {}
  const started = process.hrtime()
  out.started = started
  out.startedNs = String(process.hrtime.bigint())
  out.host = outside(() => [crypto.randomUUID(), crypto.randomBytes(4).toString('hex'), process.hrtime(), crypto.randomInt(9)])
  out.uuid = crypto.randomUUID()
  // After a fetch, a recording tells Node's own calls (its FormData boundary's randomInt) from the runtime's.
  const form = new FormData()
  form.append('field', 'value')
  out.fetched = await (await fetch('data:text/plain,fetched', { method: 'POST', body: form })).text()
  out.values = [...crypto.getRandomValues(new Uint8Array(3))]
  out.web = [...crypto.webcrypto.getRandomValues(new Uint16Array(2))]
  out.fillAll = await new Promise((resolve) =>
    crypto.randomFill(new ArrayBuffer(4) as unknown as Uint8Array, (_e, b) => resolve([...new Uint8Array(b)]))
  )
  out.afterFetchUuid = crypto.randomUUID()
  out.afterFetchInt = crypto.randomInt(1000)
  out.fillTail = await new Promise((resolve) => crypto.randomFill(new Uint32Array(3), 1, (_e, b) => resolve([...b])))
  let sync = false
  crypto.randomFill(new Uint8Array(2), 2, 0, () => (sync = true))
  out.emptyFillCalledBackAtOnce = sync
  const ac = new AbortController()
  const cancelled = sleep(60_000, 'late', { signal: ac.signal })
  ac.abort('changed my mind')
  out.cancelled = await failure(() => cancelled)
  out.unref = await sleep(1, 'unref', { ref: false })
  const stop = new AbortController()
  const ticks: number[] = []
  out.interval = await failure(async () => {
    for await (const t of every(2, 7, { signal: stop.signal })) {
      ticks.push(t)
      if (ticks.length === 2) stop.abort('two are enough')
    }
  })
  out.ticks = ticks
  await scheduler.wait(1)
  await scheduler.yield()
  out.elapsed = process.hrtime(started)
  out.elapsedNs = String(process.hrtime.bigint() - BigInt(out.startedNs as string))
  return out
}

const expected = await refusals()
const given = (workerData as { effects?: Effect[] }).effects
if (given === undefined) {
  const log = new EffectLog()
  installGlobals(log)
  const read = await reads()
  const refused = await refusals()
  parentPort?.postMessage({ expected, refused, read, effects: log.take() ?? [] })
} else {
  const issues: ReplayIssue[] = []
  const player = new EffectPlayer({ segments: [{ effects: given }] }, (i) => issues.push(i))
  installGlobals(player)
  const reading = reads()
  await player.drive(
    () => undefined,
    () => undefined
  )
  const read = await reading
  const refused = await refusals()
  parentPort?.postMessage({ expected, refused, read, issues })
}
