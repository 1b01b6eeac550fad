export { AG_UI_TYPES, readEvent, type RawEvent, type ReadEvent } from './events'
export { AgUiTranslation, MESSAGES_SLICE, STATE_SLICE } from './translation'
export type { Message } from './conversation'
