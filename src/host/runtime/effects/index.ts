/**
 * Effects in the runtime's thread: recorded while a runtime runs, fed back while it replays.
 * The worker installs them before the runtime's module loads (`installEffects`).
 */
import type { ReplayScript } from '../../../shared/effects'
import type { Json } from '../../../shared/protocol'
import type { ReplayIssue } from '../../../shared/replay'
import { installGlobals, outside } from './globals'
import { real } from './real'
import { EffectLog } from './record'
import { EffectPlayer } from './replay'
import { Handover, type HandedOver } from './handover'

export { outside, real, EffectLog, EffectPlayer, type HandedOver }

/** What the host's code in the thread uses instead of the globals, and what a replay runs. */
export interface InstalledEffects {
  /** The recorder's clocks and scheduler: the real ones. */
  recorderClocks: { clock: () => number; now: () => number; schedule: (task: () => void, ms: number) => () => void }
  /** Runs the host's code with the real globals. */
  outside: <T>(task: () => T) => T
  /** Replays the script (a replay only): see `EffectPlayer.drive`. */
  drive?: (dispatch: (action: Json, input: number) => void, progress: (done: number, total: number) => void) => Promise<void>
  /** A resume only, once the script has run: from now on the thread records, as a loaded runtime's does (see `Handover`). */
  goLive?: () => HandedOver
}

export interface EffectsOptions {
  /** Replay this script; without one, record. */
  script?: ReplayScript
  /** A resume: after the script, `goLive` switches to recording. */
  live?: boolean
  /** Recording: receives the log, which it writes before each entry (`Outbox.effects`). */
  outbox: { effects: EffectLog | undefined; flush(): void }
  /** Replay: hears of each issue. */
  issue: (issue: ReplayIssue) => void
}

const schedule = (task: () => void, ms: number): (() => void) => {
  if (ms <= 0) {
    const t = real.setImmediate(task)
    return () => real.clearImmediate(t)
  }
  const t = real.setTimeout(task, ms)
  return () => real.clearTimeout(t)
}

/**
 * Installs recording (or, given a script, replay) in place of the thread's globals, for the rest
 * of its life. Call it before the runtime's module is imported.
 */
export function installEffects({ script, live = false, outbox, issue }: EffectsOptions): InstalledEffects {
  const recorderClocks = { clock: real.dateNow, now: real.perfNow, schedule }
  if (script === undefined) {
    const log = new EffectLog(() => outbox.flush())
    outbox.effects = log
    installGlobals(log)
    return { recorderClocks, outside }
  }
  const player = new EffectPlayer(script, issue, live)
  const drive: InstalledEffects['drive'] = (dispatch, progress) => player.drive(dispatch, progress)
  if (!live) {
    installGlobals(player)
    return { recorderClocks, outside, drive }
  }
  const handover = new Handover(player)
  installGlobals(handover)
  const goLive = (): HandedOver => {
    const log = new EffectLog(() => outbox.flush(), handover.numbering)
    outbox.effects = log
    return handover.goLive(log)
  }
  return { recorderClocks, outside, drive, goLive }
}
