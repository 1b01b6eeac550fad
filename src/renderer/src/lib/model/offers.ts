/**
 * Where an entry's actions can work: "Dispatch again…" sends to the live runtime (`POST /actions`),
 * and "Resume from here" brings a fresh copy of the loaded module to an entry (`POST /resume`,
 * the live session's or a document's). Each answers why it cannot be used now, in words for the
 * button's tooltip, or undefined when it can — said before the host would refuse it.
 */
import type { RuntimeInfo } from '../../../../shared/protocol'

/**
 * Why "Dispatch again…" cannot be used, or undefined when it can. The host has no runtime to
 * dispatch to while a stream is attached or none is loaded (409 "no runtime is loaded"); a
 * document's actions go to the live runtime, so they are dispatched from the live session.
 * @example dispatchAgainRefused({ status: 'attached', path: 'http://…', name: null }, false)
 */
export function dispatchAgainRefused(runtime: Pick<RuntimeInfo, 'status'>, showingDocument: boolean): string | undefined {
  if (runtime.status === 'attached') return 'A remote stream is attached, not a runtime: there is no runtime here to dispatch to'
  if (runtime.status === 'none' || runtime.status === 'session')
    return 'No runtime is loaded to dispatch to: open one (Open… in the header), then dispatch from the live session'
  if (showingDocument) return 'Actions go to the live runtime: show Live (in the header) to dispatch this one again'
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
