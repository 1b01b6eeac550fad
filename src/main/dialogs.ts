/**
 * The message boxes the app shows: what happened, in words a user can act on, and buttons that
 * say what they do. Each prompt names the action behind each button, so a choice is a value.
 */
import type { MessageBoxOptions, RenderProcessGoneDetails } from 'electron'

/** A message box and the action of each of its buttons (`actions[i]` is button i). */
export interface Prompt<A extends string> {
  options: MessageBoxOptions
  actions: readonly A[]
}

/** The action of the button pressed; the cancel action when the box was closed some other way. */
export function chosen<A extends string>(prompt: Prompt<A>, response: number): A {
  const cancel = prompt.options.cancelId ?? 0
  return prompt.actions[response] ?? (prompt.actions[cancel] as A)
}

function prompt<A extends string>(options: Omit<MessageBoxOptions, 'buttons'>, buttons: ReadonlyArray<readonly [string, A]>): Prompt<A> {
  return { options: { ...options, buttons: buttons.map(([label]) => label), noLink: true }, actions: buttons.map(([, action]) => action) }
}

/** Something the user asked for failed: `message` says what, `detail` why. */
export function errorPrompt(message: string, detail: string): Prompt<'ok'> {
  return prompt({ type: 'error', message, detail, defaultId: 0, cancelId: 0 }, [['OK', 'ok']])
}

/** The running runtime's thread ended by itself. */
export function runtimeStoppedPrompt(name: string, error: string): Prompt<'reload-runtime' | 'close'> {
  return prompt(
    {
      type: 'warning',
      message: `The runtime ${name} stopped`,
      detail: `${error}\n\nWhat it recorded is kept. Reload it to run the module again from the start.`,
      defaultId: 0,
      cancelId: 1
    },
    [
      ['Reload Runtime', 'reload-runtime'],
      ['Close', 'close']
    ]
  )
}

/**
 * Reload, when the runtime's run since its load had inputs: replay that run against the module as
 * it is on disk now (what the edit moved) before the reload starts a new run.
 */
export function reloadReplayPrompt(name: string, inputs: number): Prompt<'replay' | 'reload' | 'cancel'> {
  return prompt(
    {
      type: 'question',
      message: `Replay ${name}’s run against the module on disk?`,
      detail:
        `Since it was loaded, ${inputs === 1 ? '1 action was' : `${inputs} actions were`} dispatched to it. Replaying sends ${inputs === 1 ? 'it' : 'them'} ` +
        'again to a fresh copy of the module as it is on disk now, with the recorded clock, randomness and responses, and shows ' +
        'entry by entry what your edit moved (in the Replay view). The runtime is then reloaded; what it recorded is kept.',
      defaultId: 0,
      cancelId: 2
    },
    [
      ['Replay and Reload', 'replay'],
      ['Reload Only', 'reload'],
      ['Cancel', 'cancel']
    ]
  )
}

/** The running runtime has not answered for a while (the host and the window still work). */
export function runtimeUnresponsivePrompt(name: string): Prompt<'wait' | 'reload-runtime'> {
  return prompt(
    {
      type: 'warning',
      message: `The runtime ${name} is not responding`,
      detail:
        'It has not answered for a few seconds: a loop, or an action that never returns. What it recorded is kept.\n\n' +
        'Wait for it, or reload it: its thread is ended and the module is imported afresh.',
      defaultId: 0,
      cancelId: 0
    },
    [
      ['Wait', 'wait'],
      ['Reload Runtime', 'reload-runtime']
    ]
  )
}

const GONE: Record<RenderProcessGoneDetails['reason'], string> = {
  'clean-exit': 'It closed.',
  'abnormal-exit': 'It exited unexpectedly.',
  killed: 'It was ended by the system or another program.',
  crashed: 'It crashed.',
  oom: 'It ran out of memory (a very large state or history shown at once can do that).',
  'launch-failed': 'It could not be started.',
  'integrity-failure': 'Its code failed an integrity check.',
  'memory-eviction': 'The system reclaimed its memory.'
}

/** The window's page process is gone; the host and the runtime are not (they run in the main process). */
export function windowGonePrompt(details: Pick<RenderProcessGoneDetails, 'reason' | 'exitCode'>): Prompt<'reload-window' | 'quit'> {
  return prompt(
    {
      type: 'error',
      message: 'The Patchscope window stopped',
      detail: `${GONE[details.reason]} (exit code ${details.exitCode})\n\nThe runtime and its history are still there: reloading the window reconnects to them.`,
      defaultId: 0,
      cancelId: 1
    },
    [
      ['Reload Window', 'reload-window'],
      ['Quit', 'quit']
    ]
  )
}

/** The window's page has not answered for a while. */
export function windowUnresponsivePrompt(): Prompt<'wait' | 'reload-window'> {
  return prompt(
    {
      type: 'warning',
      message: 'The Patchscope window is not responding',
      detail: 'Wait for it, or reload it: the runtime and its history are kept, and the window reconnects to them.',
      defaultId: 0,
      cancelId: 0
    },
    [
      ['Wait', 'wait'],
      ['Reload Window', 'reload-window']
    ]
  )
}
