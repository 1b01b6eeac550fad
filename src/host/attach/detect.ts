/** Which protocol a stream speaks, told from one of its first messages. */
import type { AttachProtocol } from '../../shared/protocol'
import { AG_UI_TYPES, AgUiTranslator } from './ag-ui'
import { SEED_TYPES, SeedRouteTranslator } from './seed-route'
import type { AttachSink, Translator } from './translator'

/**
 * The protocol of a message: the seed's route names its events (`event: state.initial`) and
 * repeats the name as the data's `type`; AG-UI sends bare `data:` lines whose `type` is one of its
 * upper-case event types. Undefined for a message that says neither (a heartbeat, a comment).
 */
export function detectProtocol(event: string | undefined, data: unknown): AttachProtocol | undefined {
  const type = typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as { type?: unknown }).type : undefined
  if (typeof type === 'string' && AG_UI_TYPES.has(type)) return 'ag-ui'
  if ((event !== undefined && SEED_TYPES.has(event)) || (typeof type === 'string' && SEED_TYPES.has(type))) return 'seed'
  return undefined
}

/** The translation of a protocol, recording into `sink`. */
export function createTranslator(protocol: AttachProtocol, sink: AttachSink): Translator {
  return protocol === 'seed' ? new SeedRouteTranslator(sink) : new AgUiTranslator(sink)
}
