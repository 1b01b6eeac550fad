/** The host's redaction: its settings (and their file), at capture, and on export (see `src/shared/redaction`). */
export { Redaction, loadRedaction, saveRedaction, REDACTION_FILE, type RedactionChange } from './settings'
export { CaptureRedactor, bodyOf } from './capture'
export { ExportRedactor } from './export'
