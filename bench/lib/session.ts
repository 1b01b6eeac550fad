/**
 * One measured run: a host in a child process (Patchscope or a baseline) with the workload, real
 * SSE clients that mirror the state in this process, the workload driven through `POST /actions`
 * in bursts, and at the end every mirror checked against `GET /state`.
 */
import { performance } from 'node:perf_hooks'
import { isDeepStrictEqual } from 'node:util'
import { GC_ACTION, STEP_ACTION, stateAtStep, type Mutation } from '../workloads/agent.mjs'
import type { Usage } from '../hosts/protocol'
import { Child } from './child'
import { json, type Endpoint } from './http'
import { Mirror } from './mirror'

export type System = 'patchscope' | 'seed' | 'full-state'

export interface WorkloadOptions {
  /** Freeze what the workload creates, as Immer does. */
  freeze: boolean
  /** Declare `immutable: true` on the handle (see `lib/shapes.ts`). */
  immutable: boolean
  /** Change the state in place (see `workloads/agent.mjs`); absent: immutable updates. */
  mutate?: Mutation
  /** The step the workload starts at (its state is the one that many steps produce). */
  startStep: number
}

export interface SessionOptions extends WorkloadOptions {
  system: System
  /** Clients that mirror the state. */
  clients: number
  /** History limits for Patchscope's host. */
  limits?: { maxEntries?: number; maxBytes?: number }
  /** `false`: Patchscope's host keeps no journal (`--no-save`); absent: it journals, as by default. */
  journal?: boolean
}

/** Changes every step makes: the conversation, the usage counter and the step counter. */
export const CHANGES_PER_STEP = 3

/** A host with its clients, ready to be driven. */
export class Session {
  readonly mirrors: Mirror[]
  /** Each mirror's update count when the current drive started. */
  #startUpdates: number[]
  /** The workload's step: where it started, and every step driven since. */
  #step: number

  private constructor(
    readonly options: SessionOptions,
    readonly child: Child,
    mirrors: Mirror[]
  ) {
    this.mirrors = mirrors
    this.#startUpdates = mirrors.map((m) => m.updates)
    this.#step = options.startStep
  }

  /** The step the workload is at (its state is `stateAtStep(step)`, whatever its shape). */
  get step(): number {
    return this.#step
  }

  get endpoint(): Endpoint {
    return { origin: this.child.origin, token: this.child.token }
  }

  static async open(options: SessionOptions): Promise<Session> {
    const env: Record<string, string> = {
      PATCHSCOPE_BENCH_WORKLOAD: JSON.stringify({
        freeze: options.freeze,
        immutable: options.immutable,
        ...(options.mutate !== undefined ? { mutate: options.mutate } : {}),
        startStep: options.startStep
      })
    }
    if (options.limits !== undefined) env.PATCHSCOPE_BENCH_LIMITS = JSON.stringify(options.limits)
    if (options.journal === false) env.PATCHSCOPE_BENCH_JOURNAL = 'off'
    if (options.system !== 'patchscope') env.PATCHSCOPE_BENCH_BASELINE = options.system
    const child = await Child.start(options.system === 'patchscope' ? 'patchscope' : 'baseline', env)
    try {
      const endpoint = { origin: child.origin, token: child.token }
      const mirrors: Mirror[] = []
      for (let i = 0; i < options.clients; i++) mirrors.push(await Mirror.connect(endpoint))
      return new Session(options, child, mirrors)
    } catch (e) {
      await child.close()
      throw e
    }
  }

  /**
   * Runs `steps` steps in bursts of `burst`, stopping early after `timeLimitMs`, and waits until
   * every mirror has every change. Host CPU is the child's, from before the first action to the
   * moment the last mirror caught up.
   *
   * A mirror has caught up when it holds an update for every change and the last entry the host
   * answered. A runtime that changes its state in place may make changes the recorder sees only
   * later, when it verifies its copy (one entry for several changes): for it, only the last entry counts.
   */
  async drive({ steps, burst, timeLimitMs, onBurst }: DriveOptions): Promise<Drive> {
    const before = await this.child.usage()
    const clientCpu = process.cpuUsage()
    const t0 = performance.now()
    let done = 0
    let lastSeq = -1
    while (done < steps && performance.now() - t0 < timeLimitMs) {
      const n = Math.min(burst, steps - done)
      const answer = await json<{ seq?: number }>(this.endpoint, 'POST', '/actions', { type: STEP_ACTION, payload: { steps: n } })
      done += n
      this.#step += n
      if (typeof answer.seq === 'number') lastSeq = answer.seq
      await onBurst?.(done)
    }
    const sent = performance.now()
    const changes = done * CHANGES_PER_STEP
    const startUpdates = this.#startUpdates
    const everyChange = this.options.mutate === undefined || lastSeq < 0
    await Promise.all(
      this.mirrors.map((m, i) =>
        m.until(
          (x) => (!everyChange || x.updates - (startUpdates[i] ?? 0) >= changes) && x.lastSeq >= lastSeq,
          Math.max(60_000, timeLimitMs)
        )
      )
    )
    const end = performance.now()
    const client = process.cpuUsage(clientCpu)
    const after = await this.child.usage()
    this.#startUpdates = this.mirrors.map((m) => m.updates)
    return {
      steps: done,
      changes,
      wallMs: end - t0,
      catchUpMs: end - sent,
      hostCpuUs: after.cpuUs - before.cpuUs,
      clientCpuUs: client.user + client.system,
      before,
      after
    }
  }

  /**
   * The host's usage after a full GC of every thread: the runtime's (through an action the workload
   * answers by collecting its thread's garbage: Patchscope runs it in a worker of its own), then the
   * host process's main thread.
   */
  async usageAfterGc(): Promise<Usage> {
    await json(this.endpoint, 'POST', '/actions', { type: GC_ACTION })
    return this.child.usageAfterGc()
  }

  /** Compares every mirror with `GET /state`; returns how many differ. */
  async verify(mirrors: readonly Mirror[] = this.mirrors): Promise<number> {
    const state = await json<Record<string, unknown>>(this.endpoint, 'GET', '/state')
    return mirrors.filter((m) => !isDeepStrictEqual(m.slices, state)).length
  }

  /**
   * Waits (at most `timeoutMs`, nothing being driven) until every mirror equals `GET /state`: a
   * change made in place reaches the mirrors when the recorder has verified its copy and recorded
   * what it found. Returns how many mirrors still differ, and how long the wait took.
   */
  async settle(timeoutMs: number): Promise<{ mismatches: number; ms: number }> {
    const t0 = performance.now()
    const state = await json<Record<string, unknown>>(this.endpoint, 'GET', '/state')
    const equal = await Promise.all(
      this.mirrors.map((m) =>
        m
          .until((x) => isDeepStrictEqual(x.slices, state), timeoutMs)
          .then(
            () => true,
            () => false
          )
      )
    )
    return { mismatches: equal.filter((e) => !e).length, ms: performance.now() - t0 }
  }

  /**
   * Whether `GET /state`, the runtime's state, is the one the workload's step number gives
   * (`stateAtStep`): the runtime made every step, in whatever shape. With the mirrors equal to
   * `GET /state`, the recorded history then ends exact.
   */
  async stateIsStep(): Promise<boolean> {
    const state = await json<Record<string, unknown>>(this.endpoint, 'GET', '/state')
    return isDeepStrictEqual(state, stateAtStep(this.#step))
  }

  async close(): Promise<void> {
    for (const m of this.mirrors) m.close()
    await this.child.close()
  }
}

export interface DriveOptions {
  steps: number
  burst: number
  timeLimitMs: number
  /** Called after each burst's answer, with the steps done so far. */
  onBurst?: (done: number) => Promise<void> | void
}

export interface Drive {
  steps: number
  changes: number
  /** From the first action to the last mirror having every change. */
  wallMs: number
  /** From the last action's answer to the last mirror having every change. */
  catchUpMs: number
  hostCpuUs: number
  /** CPU of this process (the clients parsing and applying) over the same time. */
  clientCpuUs: number
  before: Usage
  after: Usage
}

/** What the workload alone costs for the same run (after the same warm-up), in a child process of its own. */
export async function workloadCpu(options: WorkloadOptions, warmup: number, steps: number, burst: number): Promise<number> {
  const child = await Child.start('workload', {})
  try {
    const r = (await child.request({ t: 'workload', options, warmup, steps, burst }, 600_000)) as { cpuUs: number }
    return r.cpuUs
  } finally {
    await child.close()
  }
}
