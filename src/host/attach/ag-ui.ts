/**
 * An attached AG-UI stream: each message's data read as an AG-UI event (checked against the
 * protocol's schemas) and handed to the one AG-UI translation, the same an imported AG-UI log goes
 * through (src/host/ag-ui), so a log saved from this stream imports as the history recorded here.
 * AG-UI cannot resume: after a reconnect the state is out of step until the next `STATE_SNAPSHOT`.
 */
import { AgUiTranslation, readEvent } from '../ag-ui'
import type { AttachSink, StreamMessage, Translator } from './translator'

export { AG_UI_TYPES } from '../ag-ui'

export class AgUiTranslator implements Translator {
  readonly protocol = 'ag-ui'
  readonly resumable = false
  readonly #translation: AgUiTranslation

  constructor(private readonly sink: AttachSink) {
    this.#translation = new AgUiTranslation(sink)
  }

  reconnected(): void {
    this.#translation.missed('events were missed while the connection was lost')
    this.sink.note(
      'reset',
      'AG-UI cannot resume: what the source sent while disconnected is missing; the state is kept as it was until the next STATE_SNAPSHOT'
    )
  }

  message({ data }: StreamMessage): void {
    // Not JSON: the attachment skips such a message for either protocol.
    if (data === undefined) return
    const read = readEvent(data)
    if ('problem' in read) {
      const type = typeof data === 'object' && data !== null && 'type' in data && typeof data.type === 'string' ? data.type : undefined
      this.sink.note('delta-not-applied', `${type === undefined ? 'a message' : `a ${type} event`} was not recorded: ${read.problem}`)
      return
    }
    this.#translation.event(read)
  }
}
