import { describe, expect, test } from 'vitest'
import { dispatchAgainRefused, dispatchRefused, resumeRefused } from '../../../src/renderer/src/lib/model/offers'
import type { RuntimeInfo, RuntimeStatus } from '../../../src/shared/protocol'

const runtime = (status: RuntimeStatus, path: string | null = '/app/runtime.mjs'): RuntimeInfo => ({ path, name: 'runtime.mjs', status })
const attached = runtime('attached', 'http://127.0.0.1:4000/events')

describe('Dispatch again… (and the header’s Dispatch…) is offered where the action can be sent', () => {
  test('on the live session of a loaded runtime both are enabled', () => {
    expect(dispatchAgainRefused(runtime('loaded'), false)).toBeUndefined()
    expect(dispatchRefused(runtime('loaded'), false)).toBeUndefined()
  })

  test('on a document they say actions go to the live runtime, and to show Live', () => {
    expect(dispatchAgainRefused(runtime('loaded'), true)).toBe(
      'Actions go to the live runtime: show Live (in the header) to dispatch this one again'
    )
    expect(dispatchRefused(runtime('loaded'), true)).toBe('Actions go to the live runtime: show Live (in the header) to dispatch one')
  })

  test('with a remote stream attached, live or document, they say there is no runtime to dispatch to', () => {
    for (const doc of [false, true])
      for (const refused of [dispatchAgainRefused, dispatchRefused])
        expect(refused(attached, doc)).toBe('A remote stream is attached, not a runtime: there is no runtime here to dispatch to')
  })

  test('with no runtime loaded (none, or a recording opened offline) they say to open one', () => {
    for (const info of [runtime('none', null), runtime('session')])
      for (const doc of [false, true])
        for (const refused of [dispatchAgainRefused, dispatchRefused])
          expect(refused(info, doc)).toMatch(/^No runtime is loaded to dispatch to: open one/)
  })

  test('with a runtime that failed to load or stopped (the host answers 409, none is running) they say to reload it', () => {
    for (const doc of [false, true])
      for (const refused of [dispatchAgainRefused, dispatchRefused])
        expect(refused(runtime('failed'), doc)).toMatch(/^The runtime is not running \(it failed to load, or stopped\): reload it/)
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
