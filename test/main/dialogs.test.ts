import { describe, expect, test } from 'vitest'
import {
  chosen,
  errorPrompt,
  runtimeStoppedPrompt,
  runtimeUnresponsivePrompt,
  windowGonePrompt,
  windowUnresponsivePrompt,
  type Prompt
} from '../../src/main/dialogs'

const prompts: Array<[string, Prompt<string>]> = [
  ['error', errorPrompt('Cannot load agent.mjs', 'SyntaxError: Unexpected token (3:4)')],
  ['runtime stopped', runtimeStoppedPrompt('agent.mjs', 'the runtime stopped: boom')],
  ['runtime not responding', runtimeUnresponsivePrompt('agent.mjs')],
  ['window gone', windowGonePrompt({ reason: 'crashed', exitCode: 11 })],
  ['window not responding', windowUnresponsivePrompt()]
]

describe.each(prompts)('the %s prompt', (_, prompt) => {
  test('has one action for each button, and buttons that are not links', () => {
    expect(prompt.options.buttons).toHaveLength(prompt.actions.length)
    expect(prompt.options.noLink).toBe(true)
  })

  test('has its default and cancel buttons among its buttons', () => {
    expect(prompt.actions[prompt.options.defaultId ?? -1]).toBeDefined()
    expect(prompt.actions[prompt.options.cancelId ?? -1]).toBeDefined()
  })
})

describe('chosen', () => {
  const prompt = runtimeStoppedPrompt('agent.mjs', 'boom')

  test('is the action of the button pressed', () => {
    expect(chosen(prompt, 0)).toBe('reload-runtime')
    expect(chosen(prompt, 1)).toBe('close')
  })

  test('is the cancel action for a box closed some other way', () => {
    expect(chosen(prompt, 5)).toBe('close')
    expect(chosen(prompt, -1)).toBe('close')
  })
})

test('an error shows what failed and why', () => {
  const { options } = errorPrompt('Cannot load agent.mjs', 'SyntaxError')
  expect(options).toMatchObject({ type: 'error', message: 'Cannot load agent.mjs', detail: 'SyntaxError', buttons: ['OK'] })
})

test('a stopped runtime names itself and its error, and offers a reload first', () => {
  const { options, actions } = runtimeStoppedPrompt('agent.mjs', 'the runtime stopped: boom')
  expect(options.message).toContain('agent.mjs')
  expect(options.detail).toContain('the runtime stopped: boom')
  expect(options.buttons?.[0]).toBe('Reload Runtime')
  expect(actions[options.defaultId ?? -1]).toBe('reload-runtime')
})

test('a runtime that does not answer defaults to waiting, so Enter reloads nothing by accident', () => {
  const { options, actions } = runtimeUnresponsivePrompt('agent.mjs')
  expect(options.message).toContain('agent.mjs')
  expect(actions[options.defaultId ?? -1]).toBe('wait')
  expect(actions).toContain('reload-runtime')
})

const REASONS = [
  'clean-exit',
  'abnormal-exit',
  'killed',
  'crashed',
  'oom',
  'launch-failed',
  'integrity-failure',
  'memory-eviction'
] as const

test.each(REASONS)('a window gone because of %s says so, with the exit code, and offers a reload', (reason) => {
  const { options, actions } = windowGonePrompt({ reason, exitCode: 1 })
  expect(options.detail).toMatch(/^[A-Z][^\n]*\. \(exit code 1\)/)
  expect(actions[0]).toBe('reload-window')
})

test('each reason a window is gone is told apart', () => {
  const why = new Set(REASONS.map((reason) => windowGonePrompt({ reason, exitCode: 1 }).options.detail?.split(' (exit')[0]))
  expect(why.size).toBe(REASONS.length)
})
