export { Host, NOTE_TAG, type HostOptions } from './host'
export { startServer, newToken, type ServerOptions, type RunningServer } from './server/serve'
export { DEFAULT_HISTORY_LIMITS, type HistoryLimits } from './recorder/history'
export { startJournal, defaultSessionDir, Journal } from './journal'
