/**
 * Whether a wrapped global was called by Node's own code. Node's `fetch` (undici) calls the global
 * `setTimeout`, `setImmediate` and `performance.now` while it talks to the network; those calls are
 * the transport's, not the runtime's: they are neither recorded nor replayed (a replay makes no
 * request at all).
 */
interface CallSiteLike {
  getFileName(): string | null | undefined
  getFunctionName(): string | null | undefined
}

/** The call site of the function that called `wrapper`, and of its caller when `frames` is 2. */
function callers(wrapper: (...args: never[]) => unknown, frames: 1 | 2): CallSiteLike[] {
  const limit = Error.stackTraceLimit
  const prepare = Error.prepareStackTrace
  Error.stackTraceLimit = frames
  Error.prepareStackTrace = (_e, sites) => sites
  const holder: { stack?: unknown } = {}
  try {
    Error.captureStackTrace(holder, wrapper)
    return (holder.stack as CallSiteLike[] | undefined) ?? []
  } finally {
    Error.stackTraceLimit = limit
    Error.prepareStackTrace = prepare
  }
}

/**
 * True when the function that called `wrapper` is in one of Node's own modules (`node:…`).
 * @param relay a Node module that calls `wrapper` on behalf of its own caller (`node:crypto`'s
 *   `getRandomValues` calls the global one): its caller is the one asked about
 */
export function calledByNode(wrapper: (...args: never[]) => unknown, relay?: string): boolean {
  const sites = callers(wrapper, relay === undefined ? 1 : 2)
  let file = sites[0]?.getFileName()
  if (relay !== undefined && file === relay) file = sites[1]?.getFileName()
  return typeof file === 'string' && file.startsWith('node:')
}
