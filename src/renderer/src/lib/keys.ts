/**
 * The window's keyboard: every action reachable without a mouse. Plain data, so the help panel
 * and the handler read the same table.
 */

export type KeyAction =
  'prev' | 'next' | 'first' | 'last' | 'search' | 'tab' | 'pin-diff' | 'dispatch' | 'replay' | 'clear' | 'help' | 'continue' | 'step'

export interface Binding {
  keys: string
  does: string
}

/** Shown in the help panel. */
export const BINDINGS: readonly Binding[] = [
  { keys: '← ↑ / → ↓', does: 'previous / next entry' },
  { keys: 'Home / End', does: 'first entry / newest entry (and follow it)' },
  { keys: 'Enter', does: 'grouped by action: expand the selected action into its entries, or fold it' },
  { keys: 'g', does: 'group the timeline by action / show every entry (flat)' },
  { keys: '/', does: 'search' },
  { keys: '1 – 6', does: 'Entry, State, Path history, Diff, Executions, Watches' },
  { keys: 'd', does: 'diff from the selected entry' },
  { keys: 'a', does: 'dispatch an action (the dispatcher)' },
  { keys: 'Ctrl/⌘ + Enter', does: 'in the dispatcher: send the action' },
  { keys: 'Ctrl + Space', does: 'in the dispatcher: the action types seen' },
  { keys: 'r', does: 'the Replay view: run the session again against the module on disk' },
  { keys: '↑ ↓ / n', does: 'in the Replay view’s rows: previous / next row, the next row that differs' },
  { keys: 'Esc', does: 'clear the search; close the dispatcher' },
  { keys: 'F8', does: 'paused: continue the runtime' },
  { keys: 'F10', does: 'paused: step to the next recorded entry' },
  { keys: '?', does: 'this help' }
]

/** Inputs that take no typed text: keys pressed there are the window's (a scrubber used with the mouse keeps the focus). */
const KEYLESS_INPUTS = new Set(['range', 'checkbox', 'radio', 'button', 'submit', 'reset', 'file', 'color'])

/** What `takesKeys` reads of an element (written out, so that this table is typechecked without a DOM too). */
interface KeyTarget {
  tagName: string
  type?: string
  isContentEditable?: boolean
}

/** What `actionFor` reads of a key press. */
export interface KeyPress {
  key: string
  ctrlKey: boolean
  metaKey: boolean
  altKey: boolean
}

/** True when keys pressed in `target` are typed into it (a text box, a text area, a select, an editable element). */
export function takesKeys(target: object | null): boolean {
  if (target === null || !('tagName' in target)) return false
  const el = target as KeyTarget
  if (el.tagName === 'INPUT') return !KEYLESS_INPUTS.has(el.type ?? 'text')
  return el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable === true
}

/** The action for a key press, or undefined (keys typed into a field are the field's). */
export function actionFor(e: KeyPress, inField: boolean): { action: KeyAction; tab?: number } | undefined {
  if (e.ctrlKey || e.metaKey || e.altKey) return undefined
  // Function keys type nothing: the debugger's keys work in a field too.
  if (e.key === 'F8') return { action: 'continue' }
  if (e.key === 'F10') return { action: 'step' }
  if (inField) return e.key === 'Escape' ? { action: 'clear' } : undefined
  switch (e.key) {
    case 'ArrowLeft':
    case 'ArrowUp':
      return { action: 'prev' }
    case 'ArrowRight':
    case 'ArrowDown':
      return { action: 'next' }
    case 'Home':
      return { action: 'first' }
    case 'End':
      return { action: 'last' }
    case '/':
      return { action: 'search' }
    case 'd':
      return { action: 'pin-diff' }
    case 'a':
      return { action: 'dispatch' }
    case 'r':
      return { action: 'replay' }
    case 'Escape':
      return { action: 'clear' }
    case '?':
      return { action: 'help' }
  }
  if (/^[1-6]$/.test(e.key)) return { action: 'tab', tab: Number(e.key) - 1 }
  return undefined
}

/** Keys of the timeline's rows, answered by the timeline (see `timelineActionFor`). */
export type TimelineKeyAction = 'toggle-unit' | 'grouping'

/**
 * The timeline's action for a key press, or undefined: Enter expands or folds the selected action
 * when nothing else takes it (the focus is on one of `free`, the list or the page itself, or
 * nowhere: a focused button's Enter is the button's), `g` switches between grouped and flat rows
 * anywhere but in a field.
 */
export function timelineActionFor(e: KeyPress, target: object | null, free: readonly (object | null)[]): TimelineKeyAction | undefined {
  if (e.ctrlKey || e.metaKey || e.altKey || takesKeys(target)) return undefined
  if (e.key === 'g') return 'grouping'
  if (e.key === 'Enter' && (target === null || free.includes(target))) return 'toggle-unit'
  return undefined
}
