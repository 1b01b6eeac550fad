/**
 * Redaction on export: the lines of a session file redacted with a policy, and the header's
 * account of it. The header comes first but lists every place redacted, so an export reads the
 * history twice: once to list the places (`scan`, in slices of time that let the host go on
 * recording), then to write the lines. Either pass parses only the lines that hold one of the
 * policy's words (`CompiledPolicy.mayTouch`); every other line is copied as it is.
 */
import type { HistoryEvent, Json, Slices } from '../../shared/protocol'
import { EventRedactor, RedactionLog, type CompiledPolicy, type RedactionSummary } from '../../shared/redaction'
import type { HistoryView } from '../recorder/history'

/** Lines the scan reads before it lets other work run. */
const SCAN_SLICE = 4096

export class ExportRedactor {
  #writer: EventRedactor
  #summary: RedactionSummary | undefined

  constructor(
    readonly policy: CompiledPolicy,
    private readonly view: HistoryView,
    /** The real state right after an entry, for the rare change the rules cannot follow (undefined when no longer retained). */
    private readonly stateAt: (seq: number) => Slices | undefined
  ) {
    this.#writer = new EventRedactor(policy)
  }

  /** Reads every line of the view (and `initial`, the base written first when there is one) to list what is redacted. */
  async scan(initial: HistoryEvent | undefined): Promise<RedactionSummary> {
    const scanner = new EventRedactor(this.policy, new RedactionLog())
    if (initial !== undefined) scanner.event(initial)
    for (let seq = this.view.baseSeq + 1; seq <= this.view.lastSeq; seq++) {
      this.#redact(scanner, seq, this.view.segment(seq).dataBytes(seq))
      if ((seq - this.view.baseSeq) % SCAN_SLICE === 0) await new Promise((resolve) => setImmediate(resolve))
    }
    this.#summary = { policy: this.policy.policy, ...scanner.log.places() }
    return this.#summary
  }

  /** The base written first, redacted. */
  initial(event: HistoryEvent): HistoryEvent {
    return this.#writer.event(event)
  }

  /** Entry `seq`'s line redacted: the same bytes when nothing in it is. Lines must come in order. */
  line(seq: number, data: Buffer): Buffer {
    return this.#redact(this.#writer, seq, data)
  }

  #redact(redactor: EventRedactor, seq: number, data: Buffer): Buffer {
    if (!this.policy.mayTouch(data.toString('latin1'))) return data
    const event = JSON.parse(data.toString('utf8')) as HistoryEvent
    const out = redactor.event(event, (slice) => this.stateAt(seq)?.[slice] as Json | undefined)
    return out === event ? data : Buffer.from(JSON.stringify(out))
  }
}
