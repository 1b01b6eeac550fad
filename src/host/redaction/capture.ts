/**
 * Redaction at capture: entries redacted on their way from the runtime's batches into the
 * history, so that neither the history, nor the journal, nor the stream ever holds what the
 * policy names. A body that holds none of the policy's words is passed on as it is; the others
 * are parsed, redacted and written again, with where their change now is.
 */
import type { HistoryEvent, HistoryEventType, Json, Slices } from '../../shared/protocol'
import { EventRedactor, type CompiledPolicy } from '../../shared/redaction'
import { CHANGE_PATCHES, CHANGE_VALUE, type BatchReader, type ChangeSpan } from '../recorder/entry'

/** Redacts the entries of a runtime's recording, one after the other (one per loaded runtime and policy). */
export class CaptureRedactor {
  readonly redactor: EventRedactor

  constructor(readonly policy: CompiledPolicy) {
    this.redactor = new EventRedactor(policy)
  }

  /** `inner`, given each entry redacted. */
  reader(inner: BatchReader): BatchReader {
    return {
      entry: (type, slice, body, span, flags) => {
        const out = this.body(type, body)
        inner.entry(type, slice, out?.body ?? body, out === undefined ? span : out.span, flags)
      },
      verified: () => inner.verified()
    }
  }

  /** An entry's body redacted, or undefined when nothing in it is. */
  body(type: HistoryEventType, body: string): { body: string; span: ChangeSpan | undefined } | undefined {
    if (!this.policy.mayTouch(body)) return undefined
    const event = JSON.parse(`{"type":${JSON.stringify(type)},"seq":0,${body}`) as HistoryEvent
    const redacted = this.redactor.event(event)
    return redacted === event ? undefined : bodyOf(redacted)
  }

  /** A state's JSON (`{"<slice>": value}`) redacted; the same text when nothing in it is. */
  slicesJson(json: string): string {
    if (!this.policy.mayTouch(json)) return json
    const slices = JSON.parse(json) as Slices
    const event = this.redactor.event({ type: 'state.initial', seq: 0, slices, timestamp: 0 })
    return event === undefined || event.type !== 'state.initial' || event.slices === slices ? json : JSON.stringify(event.slices)
  }
}

/** An event's body (its JSON after `type` and `seq`) and where a `state.update`'s change is in it. */
export function bodyOf(event: HistoryEvent): { body: string; span: ChangeSpan | undefined } {
  let body = ''
  let span: ChangeSpan | undefined
  for (const [key, value] of Object.entries(event)) {
    if (key === 'type' || key === 'seq' || value === undefined) continue
    const head = `${body === '' ? '' : ','}${JSON.stringify(key)}:`
    const json = JSON.stringify(value as Json)
    if (event.type === 'state.update' && (key === 'patches' || key === 'value')) {
      const from = body.length + head.length
      span = { kind: key === 'patches' ? CHANGE_PATCHES : CHANGE_VALUE, from, to: from + json.length }
    }
    body += head + json
  }
  return { body: `${body}}`, span }
}
