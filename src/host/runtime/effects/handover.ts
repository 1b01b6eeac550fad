/**
 * Resume (issue 14): a runtime's thread that replays a recorded script and then goes live. Until
 * `goLive`, every effect is the recorded one (an `EffectPlayer`); from then on the real one,
 * logged (an `EffectLog`). The timers the replay left pending become real timers, and requests
 * still waiting for their recorded response are sent for real, in the order the runtime made them.
 */
import type { EffectSource, TimerCallback, TimerKind } from './globals'
import { real } from './real'
import type { EffectLog } from './record'
import type { EffectPlayer } from './replay'
import { VirtualTimer } from './virtual-time'

/** What `goLive` handed over. */
export interface HandedOver {
  timers: number
  fetches: number
}

export class Handover implements EffectSource {
  #source: EffectSource

  constructor(private readonly player: EffectPlayer) {
    this.#source = player
  }

  get checkCallers(): boolean {
    return this.#source.checkCallers
  }

  now(): number {
    return this.#source.now()
  }
  perf(): number {
    return this.#source.perf()
  }
  hrtime(): readonly [number, number] {
    return this.#source.hrtime()
  }
  random(): number {
    return this.#source.random()
  }
  int(drawn: number, min: number, max: number): number {
    return this.#source.int(drawn, min, max)
  }
  uuid(): string {
    return this.#source.uuid()
  }
  bytes(bytes: Uint8Array): void {
    this.#source.bytes(bytes)
  }
  timer(kind: TimerKind, callback: TimerCallback, ms: number, args: unknown[]): unknown {
    return this.#source.timer(kind, callback, ms, args)
  }
  clear(handle: unknown): boolean {
    if (this.#source === this.player) return this.player.clear(handle)
    // Live: a virtual timer made before (handed over or not) is still the player's to clear; a number is a real timer's.
    return handle instanceof VirtualTimer ? this.player.clear(handle) : this.#source.clear(handle)
  }
  fetch(input: unknown, init: unknown): Promise<Response> {
    return this.#source.fetch(input, init)
  }

  /** From now on the runtime reads and records through `log`; what the replay left waiting is handed to it. */
  goLive(log: EffectLog): HandedOver {
    this.#source = log
    const timers = this.player.timers.handOver((t) => {
      const handle = log.timer(t.kind, t.callback, t.ms, t.args)
      return () => {
        if (t.kind === 'immediate') real.clearImmediate(handle as NodeJS.Immediate)
        else real.clearTimeout(handle as NodeJS.Timeout)
      }
    })
    const fetches = this.player.handOverFetches((input, init) => log.fetch(input, init))
    return { timers, fetches }
  }
}
