/**
 * Resume (issue 14): a runtime's thread that replays a recorded script and then goes live. Until
 * `goLive`, every effect is the recorded one (an `EffectPlayer`); from then on the real one,
 * logged (an `EffectLog`). The timers the replay left pending become real timers, and requests
 * still waiting for their recorded response are sent for real, in the order the runtime made them.
 * The recording keeps the replay's numbering: a timer or request handed over keeps its number, and
 * new ones are numbered after those the replay made, so a replay of the branch through the run it
 * branched from (src/host/replay/script.ts) names them the same.
 */
import type { EffectSource, TimerCallback, TimerKind } from './globals'
import { real } from './real'
import type { EffectLog, Numbering } from './record'
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

  /** The timers and requests the replay made: the recording numbers on from there (`EffectLog`'s `after`). */
  get numbering(): Numbering {
    return { timers: this.player.timers.created, fetches: this.player.fetches }
  }

  /**
   * From now on the runtime reads and records through `log` (made with `numbering`); what the
   * replay left waiting is handed to it, each timer and request under its number.
   */
  goLive(log: EffectLog): HandedOver {
    this.#source = log
    const timers = this.player.timers.handOver((t) => {
      const handle = log.timer(t.kind, t.callback, t.ms, t.args, t.id)
      return () => {
        if (t.kind === 'immediate') real.clearImmediate(handle as NodeJS.Immediate)
        else real.clearTimeout(handle as NodeJS.Timeout)
      }
    })
    const fetches = this.player.handOverFetches((input, init, id) => log.fetch(input, init, id))
    return { timers, fetches }
  }
}
