/**
 * Reload, with the offer to replay (issue 14): replay plays the runtime's last run, which a reload
 * ends, so when actions were dispatched since the load, Reload first asks whether to replay that
 * run against the module as it is on disk (what the edit moved), then reloads.
 */
import type { HistoryStore } from './model/store'
import { lastRun, type Replay } from './replay.svelte'

export interface ReloadDeps {
  /** The live session's history. */
  store: HistoryStore
  replay: Replay
  /** Reloads the runtime; true when it reloaded. */
  reload(): Promise<boolean>
}

export type ReloadChoice = 'replay' | 'reload' | 'cancel'

export class ReloadOffer {
  /** How many inputs the run to replay has, while the offer is shown; 0 when it is not. */
  inputs = $state(0)
  /** Whether that run was resumed rather than loaded (the offer says "since it was resumed"). */
  resumed = $state(false)

  constructor(private readonly deps: ReloadDeps) {}

  get open(): boolean {
    return this.inputs > 0
  }

  /** The header's Reload: asks when there is a run to replay (and no replay running), else reloads. */
  async reload(): Promise<void> {
    const run = lastRun(this.deps.store)
    if (run.inputs.length === 0 || this.deps.replay.running || this.deps.replay.busy) {
      await this.deps.reload()
      return
    }
    this.resumed = run.resumed
    this.inputs = run.inputs.length
  }

  /** The user's answer to the offer. A replay that does not start leaves the runtime as it is (the Replay view says why). */
  async choose(choice: ReloadChoice): Promise<void> {
    this.inputs = 0
    if (choice === 'cancel') return
    if (choice === 'replay') {
      const { replay } = this.deps
      // The view lists the inputs replayed (the run the reload ends), all of them.
      replay.open = true
      replay.without = []
      replay.listInputs(replay.live())
      if (!(await replay.start(replay.live(), ''))) return
    }
    await this.deps.reload()
  }
}
