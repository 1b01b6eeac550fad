import { describe, expect, test } from 'vitest'
import type { RuntimeInfo } from '../../src/shared/protocol'
import { canReload, runtimeChanges } from '../../src/main/watch'

const none: RuntimeInfo = { path: null, name: null, status: 'none' }
const agent: RuntimeInfo = { path: '/x/agent.mjs', name: 'agent.mjs', status: 'loaded', responsive: true }
const counter: RuntimeInfo = { path: '/x/counter.mjs', name: 'counter.mjs', status: 'loaded', responsive: true }

describe('runtimeChanges', () => {
  test('sees nothing when nothing changed', () => {
    expect(runtimeChanges(agent, { ...agent })).toEqual({ changed: false, changes: [] })
  })

  test('sees a first load', () => {
    expect(runtimeChanges(none, agent)).toEqual({ changed: true, changes: [{ type: 'loaded', path: '/x/agent.mjs', name: 'agent.mjs' }] })
  })

  test('sees a load of another module', () => {
    expect(runtimeChanges(agent, counter).changes).toEqual([{ type: 'loaded', path: '/x/counter.mjs', name: 'counter.mjs' }])
  })

  test('sees a load after a failure or a session', () => {
    expect(runtimeChanges({ ...agent, status: 'failed', error: 'x' }, agent).changes.map((c) => c.type)).toEqual(['loaded'])
    expect(runtimeChanges({ ...agent, status: 'session' }, agent).changes.map((c) => c.type)).toEqual(['loaded'])
  })

  test('sees a running runtime that stopped by itself, with its error', () => {
    const stopped: RuntimeInfo = { ...agent, status: 'failed', error: 'the runtime stopped: boom' }
    expect(runtimeChanges(agent, stopped).changes).toEqual([
      { type: 'stopped', path: '/x/agent.mjs', name: 'agent.mjs', error: 'the runtime stopped: boom' }
    ])
  })

  test('a failed first load is a change to show, not a runtime that stopped', () => {
    expect(runtimeChanges(none, { ...agent, status: 'failed', error: 'SyntaxError' })).toEqual({ changed: true, changes: [] })
  })

  test('sees a runtime stop answering, and answer again', () => {
    const hung = { ...agent, responsive: false }
    expect(runtimeChanges(agent, hung)).toEqual({
      changed: true,
      changes: [{ type: 'unresponsive', path: '/x/agent.mjs', name: 'agent.mjs' }]
    })
    expect(runtimeChanges(hung, agent).changes).toEqual([{ type: 'responsive', path: '/x/agent.mjs', name: 'agent.mjs' }])
  })

  test('a reload of a hung runtime is it answering again, not a new load', () => {
    expect(runtimeChanges({ ...agent, responsive: false }, agent).changes.map((c) => c.type)).toEqual(['responsive'])
  })

  test('an imported session changes what is shown, and nothing else', () => {
    expect(runtimeChanges(agent, { path: '/x/agent.mjs', name: 'agent.mjs', status: 'session' })).toEqual({ changed: true, changes: [] })
  })
})

describe('canReload', () => {
  test('there is something to reload once a module was loaded, or failed to', () => {
    expect(canReload(agent)).toBe(true)
    expect(canReload({ ...agent, status: 'failed' })).toBe(true)
  })

  test('there is nothing to reload with no module, or a session', () => {
    expect(canReload(none)).toBe(false)
    expect(canReload({ ...agent, status: 'session' })).toBe(false)
  })
})
