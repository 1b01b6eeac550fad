/**
 * Resume from here (issue 14), the window's side: asks before it acts (saying what happens to the
 * history), sends `POST /resume` — the live session's entry as JSON, a document's as its file —,
 * and says what came of it: the entry reached, whether the state equals the recorded one there,
 * and what differs; or the host's refusal.
 */
import { readResumeNotice, type ResumeOutcome } from '../../../shared/replay'
import { errorOf, unreachable } from './model/host-errors'

export interface ResumeDeps {
  request(path: string, init?: RequestInit): Promise<Response>
  /** The document shown (its name and file), or undefined for the live session. */
  document(): { name: string; file: () => Blob } | undefined
  /** Shows the live session (where the branch goes on, once resumed). */
  showLive(): void
}

export type ResumePhase = 'idle' | 'confirming' | 'running' | 'done' | 'failed'

export class Resume {
  phase = $state<ResumePhase>('idle')
  /** The entry asked about, or resumed at. */
  seq = $state(0)
  outcome = $state<ResumeOutcome | undefined>(undefined)
  error = $state('')
  /** Where the entry comes from, for the confirmation. */
  from = $state('the live session')
  /** Inputs replayed so far, of all, while it runs (from the host's `resume` events). */
  done = $state(0)
  total = $state(0)

  constructor(private readonly deps: ResumeDeps) {}

  /** Asks to resume at `seq` (of the session shown). */
  ask(seq: number): void {
    this.seq = seq
    this.from = this.deps.document()?.name ?? 'the live session'
    this.phase = 'confirming'
    this.error = ''
  }

  /** A `resume` event of the stream: its progress while this window's resume runs. */
  noticed(data: unknown): void {
    const n = readResumeNotice(data)
    if (n === undefined || this.phase !== 'running' || n.phase !== 'running') return
    this.done = n.done
    this.total = n.total
  }

  cancel(): void {
    if (this.phase !== 'running') this.phase = 'idle'
  }

  /** What the confirmation says happens. */
  get consequence(): string {
    return (
      `A fresh copy of the runtime's module is loaded and brought to entry #${this.seq} of ${this.from} by replaying the inputs ` +
      `before it with their recorded effects; it then replaces the running runtime. The live history is kept whole: the new branch ` +
      `continues it after a reset, with a note naming #${this.seq}.`
    )
  }

  /** What came of it, in words. */
  get result(): string {
    const o = this.outcome
    if (this.phase === 'failed') return `Not resumed: ${this.error}`
    if (this.phase === 'running')
      return `Resuming at #${this.seq}: replaying the inputs before it${this.total > 0 ? ` (${this.done} of ${this.total})` : ''}…`
    if (o === undefined) return ''
    const where = o.reached === o.from ? `#${o.from}` : `#${o.reached} (the end of the turn of #${o.from})`
    const state = o.identical
      ? 'its state equals the recorded one'
      : `its state differs from the recorded one at ${o.differences.map((d) => d.path || '/').join(', ')}`
    const issues =
      o.issues.length > 0 ? `; ${o.issues.length} thing${o.issues.length === 1 ? '' : 's'} could not be replayed as recorded` : ''
    return `Resumed at ${where} after ${o.inputs} input${o.inputs === 1 ? '' : 's'}: ${state}${issues}. The live runtime goes on from #${o.seq}.`
  }

  async confirm(): Promise<void> {
    if (this.phase !== 'confirming') return
    this.phase = 'running'
    this.done = 0
    this.total = 0
    const doc = this.deps.document()
    try {
      const res =
        doc === undefined
          ? await this.deps.request('/resume', {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ seq: this.seq })
            })
          : await this.deps.request(`/resume?seq=${this.seq}&name=${encodeURIComponent(doc.name)}`, {
              method: 'POST',
              headers: { 'content-type': 'application/x-ndjson' },
              body: doc.file()
            })
      if (!res.ok) {
        this.error = await errorOf(res)
        this.phase = 'failed'
        return
      }
      this.outcome = (await res.json()) as ResumeOutcome
      this.phase = 'done'
      this.deps.showLive()
    } catch (e) {
      this.error = unreachable(e)
      this.phase = 'failed'
    }
  }
}
