/**
 * Where an entry's actions can work: "Dispatch again…" (and the header's "Dispatch…") sends to the
 * live runtime (`POST /actions`), and "Resume from here" brings a fresh copy of the loaded module
 * to an entry (`POST /resume`, the live session's or a document's). Each answers why it cannot be used now, in words for the
 * button's tooltip, or undefined when it can — said before the host would refuse it.
 */
import type { RuntimeInfo } from '../../../../shared/protocol'

/**
 * Why "Dispatch again…" cannot be used, or undefined when it can (see `dispatchRefused`).
 * @example dispatchAgainRefused({ status: 'attached' }, false)
 */
export function dispatchAgainRefused(runtime: Pick<RuntimeInfo, 'status'>, showingDocument: boolean): string | undefined {
  return refusal(runtime, showingDocument, 'to dispatch this one again')
}

/**
 * Why the header's "Dispatch…" (the dispatcher) cannot be used, or undefined when it can: the same
 * reasons as "Dispatch again…", said of any action.
 * @example dispatchRefused({ status: 'none' }, false)
 */
export function dispatchRefused(runtime: Pick<RuntimeInfo, 'status'>, showingDocument: boolean): string | undefined {
  return refusal(runtime, showingDocument, 'to dispatch one')
}

/**
 * The one source of both: the host has no runtime to dispatch to while a stream is attached, none
 * is loaded, a recording is open offline, or the one loaded failed or stopped (`POST /actions`
 * answers 409 "no runtime is loaded" / "no runtime is running"); a document's actions go to the
 * live runtime, so they are dispatched from the live session. `toDispatch` ends the document's
 * reason ("to dispatch this one again").
 */
function refusal(runtime: Pick<RuntimeInfo, 'status'>, showingDocument: boolean, toDispatch: string): string | undefined {
  if (runtime.status === 'attached') return 'A remote stream is attached, not a runtime: there is no runtime here to dispatch to'
  if (runtime.status === 'none' || runtime.status === 'session')
    return 'No runtime is loaded to dispatch to: open one (Open… in the header), then dispatch from the live session'
  if (runtime.status === 'failed')
    return 'The runtime is not running (it failed to load, or stopped): reload it (Reload in the header), then dispatch'
  if (showingDocument) return `Actions go to the live runtime: show Live (in the header) ${toDispatch}`
  return undefined
}

/**
 * Why "Resume from here" cannot be used, or undefined when it can: it needs a runtime module to
 * load afresh (the host answers 400 "no runtime module is loaded" without one, and an attached
 * stream is not one). A document's entry resumes too: its file is sent, and the branch goes on live.
 * @example resumeRefused({ status: 'none', path: null, name: null })
 */
export function resumeRefused(runtime: Pick<RuntimeInfo, 'status' | 'path'>): string | undefined {
  if (runtime.status === 'attached')
    return 'A remote stream is attached, not a runtime module: resuming needs a module to bring to this entry — open one (Open… in the header)'
  if (runtime.path === null)
    return 'No runtime module is loaded: resuming needs one to bring to this entry — open one (Open… in the header)'
  return undefined
}
