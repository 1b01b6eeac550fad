/**
 * How the host compares the running runtime's state, and the slices it found changed in place:
 * read by the header (a summary) and the runtime panel (in full), and the switch between
 * comparing every change in full and the default.
 */
import type { CompareMode, InPlaceFinding, RuntimeInfo } from '../../../shared/protocol'

/** What the checks need of the connection (a fake in tests). */
export interface ChecksHost {
  readonly runtime: RuntimeInfo
  /** Answers the host's error, else undefined. */
  setCompare(mode: Exclude<CompareMode, 'trust'>): Promise<string | undefined>
}

export class RuntimeChecks {
  /** True while a change of mode is on its way to the host. */
  pending = $state(false)
  /** Why the last change of mode failed, shown beside the switch. */
  error = $state<string | undefined>()
  /** What the user asked for while it is on its way. */
  #asked = $state(false)

  constructor(private readonly host: ChecksHost) {}

  /** The mode of a loaded runtime; undefined with none (or a host that does not say). */
  readonly mode: CompareMode | undefined = $derived.by(() =>
    this.host.runtime.status === 'loaded' ? this.host.runtime.compare : undefined
  )

  /** The slices verification found changed in place: the bug to look into. */
  readonly found: InPlaceFinding[] = $derived.by(() =>
    this.mode === undefined ? [] : this.#findings().filter((f) => f.how === 'verification')
  )

  /** The slices the runtime itself hands back as the same object when they change (by design, for some runtimes). */
  readonly reported: InPlaceFinding[] = $derived.by(() =>
    this.mode === undefined ? [] : this.#findings().filter((f) => f.how === 'reported')
  )

  /**
   * What the switch shows: what was asked while it is on its way, then what the host says (so a
   * refused change puts the switch back).
   */
  readonly inFull: boolean = $derived.by(() => (this.pending ? this.#asked : this.mode === 'full'))

  /** Compares every change in full (`full`), or goes back to the default. */
  async compareInFull(full: boolean): Promise<void> {
    if (this.mode === undefined || this.pending) return
    this.#asked = full
    this.pending = true
    this.error = undefined
    try {
      this.error = await this.host.setCompare(full ? 'full' : 'verify')
    } finally {
      this.pending = false
    }
  }

  #findings(): InPlaceFinding[] {
    return this.host.runtime.inPlace ?? []
  }
}
