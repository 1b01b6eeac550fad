/**
 * Recognises another tool's file from its start and converts it into the lines of an ordinary
 * Patchscope session file, which `readSession`/`importSession` read like any other.
 */
import { AG_UI_LOG, convertAgUiLog, looksLikeAgUiLog } from './ag-ui-log'
import { convertReduxDevTools, looksLikeReduxDevTools, REDUX_DEVTOOLS } from './redux-devtools'

/** A foreign file converted: the session file's lines (without newlines) and the format it was. */
export interface ForeignConversion {
  /** `Redux DevTools export` or `AG-UI event log`. */
  format: string
  lines: string[]
}

export interface ConvertOptions {
  /** The time a file without timestamps is given, and the header's when it has none. @default Date.now() */
  now?: number
}

/** How much of a file's start is looked at to recognise a Redux DevTools export (its first key). */
const START = 4096

/**
 * Converts a Redux DevTools export or an AG-UI event log into the lines of a session file; undefined
 * for any other file (a Patchscope session file included), which is left to the session reader.
 * @param name the file's name, for the session's runtime name
 * @throws {ForeignFileError} for a file of a known format that cannot be converted, naming the format and the fault
 * @example
 * const converted = convertForeign(text, 'state.json')
 * const body = converted === undefined ? text : `${converted.lines.join('\n')}\n`
 */
export function convertForeign(text: string, name?: string, { now = Date.now() }: ConvertOptions = {}): ForeignConversion | undefined {
  // A byte order mark some editors put in front of a file.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  if (looksLikeAgUiLog(body)) return { format: AG_UI_LOG, lines: convertAgUiLog(body, name, now) }
  if (looksLikeReduxDevTools(body.slice(0, START))) return { format: REDUX_DEVTOOLS, lines: convertReduxDevTools(body, name, now) }
  return undefined
}
