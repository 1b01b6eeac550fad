/**
 * The pause bar's state: whether the runtime is paused (`RuntimeInfo.paused`, pushed with the
 * stream's `runtime` event, so every window sees the same pause), what it says, and the commands
 * (continue, step, remove the watch and continue). Each new pause selects its entry and shows the
 * state there; a continue goes back to following the newest entry if the timeline was.
 */
import type { RuntimeInfo, RuntimePause } from '../../../shared/protocol'
import { runCommand } from './model/host-errors'
import { pauseText } from './model/watches'
import type { HistoryStore } from './model/store'

export interface PauseDeps {
  /** The host: the runtime's info as last pushed, and requests with the token. */
  connection: { readonly runtime: RuntimeInfo; request(path: string, init?: RequestInit): Promise<Response> }
  store: HistoryStore
  timeline: { readonly following: boolean; select(index: number): void; last(): void }
  /** Shows the state after the selected entry. */
  showState: () => void
}

export class PauseBar {
  readonly #deps: PauseDeps
  busy = $state(false)
  /** The host's answer to the last command that it refused. */
  error = $state<string | undefined>()
  readonly paused: RuntimePause | undefined = $derived.by(() => this.#deps.connection.runtime.paused)
  readonly text: string | undefined = $derived(this.paused === undefined ? undefined : pauseText(this.paused))
  /** The pause's entry, until the store holds it (the `runtime` event can come before the entry). */
  #pending: number | undefined
  /** The entry of the pause shown last (undefined while running). */
  #shown: number | undefined
  #wasFollowing = false

  constructor(deps: PauseDeps) {
    this.#deps = deps
  }

  /** The runtime's info changed: a new pause selects its entry; the end of one follows again. */
  runtimeChanged(): void {
    const p = this.paused
    if (p === undefined) {
      if (this.#shown !== undefined && this.#wasFollowing) this.#deps.timeline.last()
      this.#shown = undefined
      this.#pending = undefined
      return
    }
    if (p.seq === this.#shown || p.seq === this.#pending) return
    if (this.#shown === undefined && this.#pending === undefined) this.#wasFollowing = this.#deps.timeline.following
    this.#pending = p.seq
    this.entriesChanged()
  }

  /** New entries reached the store: the pause's entry may be among them. */
  entriesChanged(): void {
    if (this.#pending === undefined) return
    const i = this.#deps.store.indexOf(this.#pending)
    if (i < 0) return
    this.#shown = this.#pending
    this.#pending = undefined
    this.#deps.timeline.select(i)
    this.#deps.showState()
  }

  /** Selects the paused entry again. */
  show(): void {
    const p = this.paused
    if (p === undefined) return
    const i = this.#deps.store.indexOf(p.seq)
    if (i < 0) return
    this.#deps.timeline.select(i)
    this.#deps.showState()
  }

  continue(): Promise<boolean> {
    return this.#post('/runtime/continue')
  }

  /** Runs to the next recorded entry and pauses again. */
  step(): Promise<boolean> {
    return this.#post('/runtime/step')
  }

  /** Removes the watch that paused the runtime, then continues. */
  async removeAndContinue(): Promise<boolean> {
    const by = this.paused?.by
    if (by?.kind !== 'watch') return this.continue()
    const removed = await this.#post(`/watches/${encodeURIComponent(by.id)}`, 'DELETE')
    return removed && (await this.continue())
  }

  async #post(path: string, method = 'POST'): Promise<boolean> {
    return (await runCommand(this, () => this.#deps.connection.request(path, { method }))) !== undefined
  }
}
