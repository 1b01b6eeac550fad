/**
 * A foreign file (another tool's export or log) that was recognised but cannot be converted: the
 * message names the format and what is wrong, with the line where the file has lines.
 */
export class ForeignFileError extends Error {
  override name = 'ForeignFileError'
  constructor(
    /** The format, as users know it: `Redux DevTools export`, `AG-UI event log`. */
    readonly format: string,
    why: string,
    /** The 1-based line, for formats read line by line. */
    readonly line?: number
  ) {
    super(`${format}: ${line === undefined ? '' : `line ${line}: `}${why}`)
  }
}
