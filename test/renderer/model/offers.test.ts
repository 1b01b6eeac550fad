import { describe, expect, test } from 'vitest'
import { dispatchAgainRefused, resumeRefused } from '../../../src/renderer/src/lib/model/offers'
import type { RuntimeInfo, RuntimeStatus } from '../../../src/shared/protocol'

const runtime = (status: RuntimeStatus, path: string | null = '/app/runtime.mjs'): RuntimeInfo => ({ path, name: 'runtime.mjs', status })
const attached = runtime('attached', 'http://127.0.0.1:4000/events')

describe('Dispatch again… is offered where the action can be sent', () => {
  test('on the live session of a loaded (or failed, reloadable) runtime it is enabled', () => {
    expect(dispatchAgainRefused(runtime('loaded'), false)).toBeUndefined()
    expect(dispatchAgainRefused(runtime('failed'), false)).toBeUndefined()
  })

  test('on a document it says actions go to the live runtime, and to show Live', () => {
    expect(dispatchAgainRefused(runtime('loaded'), true)).toBe(
      'Actions go to the live runtime: show Live (in the header) to dispatch this one again'
    )
  })

  test('with a remote stream attached, live or document, it says there is no runtime to dispatch to', () => {
    for (const doc of [false, true])
      expect(dispatchAgainRefused(attached, doc)).toMatch(/^A remote stream is attached, not a runtime: there is no runtime here/)
  })

  test('with no runtime running (none loaded, or a recording loaded offline) it says to open one', () => {
    for (const info of [runtime('none', null), runtime('session')])
      for (const doc of [false, true]) expect(dispatchAgainRefused(info, doc)).toMatch(/^No runtime is loaded to dispatch to: open one/)
  })
})

describe('Resume from here is offered where a module can be brought to the entry', () => {
  test('with a module loaded it is enabled — the live session’s entries and a document’s alike (the host is told which)', () => {
    expect(resumeRefused(runtime('loaded'))).toBeUndefined()
    // The host resumes with the path it knows (a failed load's, an offline recording's runtime).
    expect(resumeRefused(runtime('failed'))).toBeUndefined()
    expect(resumeRefused(runtime('session'))).toBeUndefined()
  })

  test('with a stream attached, or no module at all, it says resuming needs a module', () => {
    expect(resumeRefused(attached)).toMatch(/^A remote stream is attached, not a runtime module: resuming needs a module/)
    expect(resumeRefused(runtime('none', null))).toMatch(/^No runtime module is loaded: resuming needs one/)
  })
})
