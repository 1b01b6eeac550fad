/** Calls that come faster than a given pace, folded into one at its end. */

/**
 * `fn`, called at most once every `ms`: a call sooner is put off to the end of the interval, and
 * calls meanwhile are folded into it. `cancel` drops one put off.
 * @example const tell = throttled(() => hub.broadcast('watches', registry.info()), 100)
 */
export function throttled(fn: () => void, ms: number): { (): void; cancel(): void } {
  let last = -Infinity
  let timer: NodeJS.Timeout | undefined
  const run = (): void => {
    timer = undefined
    last = Date.now()
    fn()
  }
  const call = (): void => {
    if (timer !== undefined) return
    const wait = last + ms - Date.now()
    if (wait <= 0) run()
    else timer = setTimeout(run, wait)
  }
  call.cancel = (): void => {
    clearTimeout(timer)
    timer = undefined
  }
  return call
}
