/**
 * Whether a wrapped global was called by Node's own code. Node's `fetch` (undici) calls the global
 * `setTimeout`, `setImmediate` and `performance.now` while it talks to the network; those calls are
 * the transport's, not the runtime's: they are neither recorded nor replayed (a replay makes no
 * request at all).
 */
interface CallSiteLike {
  getFileName(): string | null | undefined
}

/** True when the function that called `wrapper` is in one of Node's own modules (`node:…`). */
export function calledByNode(wrapper: (...args: never[]) => unknown): boolean {
  const limit = Error.stackTraceLimit
  const prepare = Error.prepareStackTrace
  Error.stackTraceLimit = 1
  Error.prepareStackTrace = (_e, sites) => sites
  const holder: { stack?: unknown } = {}
  try {
    Error.captureStackTrace(holder, wrapper)
    const sites = holder.stack as CallSiteLike[] | undefined
    const file = sites?.[0]?.getFileName()
    return typeof file === 'string' && file.startsWith('node:')
  } finally {
    Error.stackTraceLimit = limit
    Error.prepareStackTrace = prepare
  }
}
