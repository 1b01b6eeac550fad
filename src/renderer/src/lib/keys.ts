/**
 * The window's keyboard: every action reachable without a mouse. Plain data, so the help panel
 * and the handler read the same table.
 */

export type KeyAction = 'prev' | 'next' | 'first' | 'last' | 'search' | 'tab' | 'pin-diff' | 'clear' | 'help'

export interface Binding {
  keys: string
  does: string
}

/** Shown in the help panel. */
export const BINDINGS: readonly Binding[] = [
  { keys: '← ↑ / → ↓', does: 'previous / next entry' },
  { keys: 'Home / End', does: 'first entry / newest entry (and follow it)' },
  { keys: '/', does: 'search' },
  { keys: '1 – 5', does: 'Entry, State, Path history, Diff, Executions' },
  { keys: 'd', does: 'diff from the selected entry' },
  { keys: 'Esc', does: 'clear the search' },
  { keys: '?', does: 'this help' }
]

/** The action for a key press, or undefined (keys typed into a field are the field's). */
export function actionFor(
  e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey'>,
  inField: boolean
): { action: KeyAction; tab?: number } | undefined {
  if (e.ctrlKey || e.metaKey || e.altKey) return undefined
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
    case 'Escape':
      return { action: 'clear' }
    case '?':
      return { action: 'help' }
  }
  if (/^[1-5]$/.test(e.key)) return { action: 'tab', tab: Number(e.key) - 1 }
  return undefined
}
