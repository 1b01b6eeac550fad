/**
 * The dispatcher's JSON editor: CodeMirror 6 with the JSON grammar, completion of the action types
 * already seen (choosing one fills in its last action), syntax errors marked where they are, and
 * the app's colours.
 *
 * It lives in a shadow root: CodeMirror mounts its styles with `style-mod`, which in a document
 * writes a `<style>` element (refused by the window's Content Security Policy, `style-src 'self'`)
 * but in a shadow root adopts a constructed stylesheet, which the policy does not govern. So the
 * policy stays as strict as it is, with no nonce to hand out. The theme reads the app's custom
 * properties, which pass into the shadow root. Text typed over a selection is put in by CodeMirror,
 * not by the browser (see `typeOverSelection`), for the same policy.
 */
import {
  autocompletion,
  closeBrackets,
  closeBracketsKeymap,
  completionKeymap,
  type Completion,
  type CompletionContext,
  type CompletionResult
} from '@codemirror/autocomplete'
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands'
import { json } from '@codemirror/lang-json'
import { bracketMatching, HighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language'
import { linter, type Diagnostic } from '@codemirror/lint'
import { EditorState, Prec, type Transaction } from '@codemirror/state'
import { EditorView, keymap, placeholder } from '@codemirror/view'
import { tags } from '@lezer/highlight'
import { untrack } from 'svelte'
import type { Dispatcher } from './dispatcher.svelte'
import { parseAction, type ActionChoice } from './model/dispatch'
import { typeSlot } from './model/type-slot'

export interface ActionEditorOptions {
  doc: string
  /** The types completion offers, asked for each time it opens (the history grows meanwhile). */
  choices: () => readonly ActionChoice[]
  onchange: (text: string) => void
  /** Ctrl/Cmd+Enter. */
  onsend: () => void
  /** Esc, when completion is not open. */
  onclose: () => void
}

/** Opens the editor in `host` (in a shadow root of its own); destroy the view to close it. */
export function createActionEditor(host: HTMLElement, options: ActionEditorOptions): EditorView {
  const root = host.shadowRoot ?? host.attachShadow({ mode: 'open' })
  const state = EditorState.create({
    doc: options.doc,
    extensions: [
      history(),
      json(),
      indentOnInput(),
      bracketMatching(),
      closeBrackets(),
      syntaxHighlighting(highlight),
      autocompletion({ override: [(context) => completeType(context, options.choices())], activateOnTyping: true, icons: false }),
      linter(syntaxErrors, { delay: 250 }),
      placeholder('{"type": "…", "payload": …}   — type a few letters of an action type, or Ctrl+Space'),
      EditorView.lineWrapping,
      EditorView.contentAttributes.of({ 'aria-label': 'Action (JSON)' }),
      // Before completion's own keys, after nothing: Ctrl+Enter sends even with the list open.
      Prec.highest(keymap.of([{ key: 'Mod-Enter', run: () => (options.onsend(), true) }])),
      keymap.of([
        ...closeBracketsKeymap,
        // Esc closes the list of completions when it is open, else the dispatcher (before the
        // default keymap's Esc, which would only collapse a selection).
        ...completionKeymap,
        { key: 'Escape', run: () => (options.onclose(), true) },
        ...historyKeymap,
        ...defaultKeymap,
        indentWithTab
      ]),
      typeOverSelection,
      EditorView.updateListener.of((u) => {
        if (u.docChanged) options.onchange(u.state.doc.toString())
      }),
      theme
    ]
  })
  return new EditorView({ state, parent: root, root })
}

/**
 * A character typed over a selection, put in by CodeMirror instead of the browser. Chromium,
 * replacing a selection that spans the highlighter's spans itself, keeps the colours of the text it
 * deletes as its "typing style" and writes them on the new text as a style attribute: the window's
 * policy (`style-src 'self'`) refuses it, and Chromium logs the refusal (CodeMirror redraws the line
 * from its own state either way). Selecting a line from its end and typing over it does it, and
 * select-all too. So the browser's insertion is cancelled and the text goes in as CodeMirror puts
 * typed text in: through the input handlers (closing brackets wrap a selection), else replacing each
 * selected range, as `input.type` (which opens completion). A character typed at a cursor, and
 * composition (IME), are left to the browser: they delete nothing.
 */
const typeOverSelection = EditorView.domEventHandlers({
  beforeinput(event, view) {
    if (event.inputType !== 'insertText' || event.data === null || event.data === '' || view.composing) return false
    const { state } = view
    if (state.readOnly || state.selection.ranges.every((r) => r.empty)) return false
    const text = event.data
    const { from, to } = state.selection.main
    let typed: Transaction | undefined
    const insert = (): Transaction =>
      (typed ??= state.update(state.replaceSelection(text), { userEvent: 'input.type', scrollIntoView: true }))
    if (!state.facet(EditorView.inputHandler).some((handle) => handle(view, from, to, text, insert))) view.dispatch(insert())
    // Returning true cancels the browser's own insertion.
    return true
  }
})

/**
 * The dispatcher's editor as an attachment: made when its element is in the page, destroyed when
 * it goes. Untracked, so that typing (which changes the dispatcher's text) does not make a new one.
 */
export function dispatcherEditor(dispatcher: Dispatcher): (host: HTMLElement) => () => void {
  return (host) =>
    untrack(() => {
      const view = createActionEditor(host, {
        doc: dispatcher.text,
        choices: () => dispatcher.choices(),
        onchange: (text) => dispatcher.typed(text),
        onsend: () => void dispatcher.send(),
        onclose: () => dispatcher.close()
      })
      dispatcher.connect({
        setText: (text) => {
          if (view.state.doc.toString() !== text) setText(view, text)
        },
        select: (at) => view.dispatch({ selection: { anchor: Math.min(at, view.state.doc.length) } }),
        focus: () => view.focus()
      })
      view.focus()
      return () => {
        dispatcher.connect(undefined)
        view.destroy()
      }
    })
}

/** Replaces the whole text (a template, an action from the history), as one undoable change. */
export function setText(view: EditorView, text: string): void {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text }, selection: { anchor: text.length } })
}

/**
 * Completion of an action type where one is typed (see `typeSlot`), or anywhere on Ctrl+Space.
 * Choosing a type replaces the whole text with its last action, a template to edit.
 */
function completeType(context: CompletionContext, choices: readonly ActionChoice[]): CompletionResult | null {
  const slot = typeSlot(context.state, context.pos)
  if (slot === undefined && !context.explicit) return null
  if (choices.length === 0) return null
  const from = slot?.from ?? context.pos
  const options: Completion[] = choices.map((c) => ({
    label: c.type,
    detail: c.seen === 'sent' ? 'sent from here' : `last ${c.seen}`,
    info: c.text,
    apply: (view) => setText(view, c.text)
  }))
  return { from, to: slot?.to ?? context.pos, options, validFor: /^[^"\s{}[\],:]*$/ }
}

/** JSON syntax errors marked where `parseAction` puts them (the line under the editor says the same). */
function syntaxErrors(view: EditorView): Diagnostic[] {
  const text = view.state.doc.toString()
  const parsed = parseAction(text)
  if (parsed.ok || parsed.at === undefined) return []
  const from = Math.min(parsed.at, text.length)
  return [{ from, to: Math.min(from + 1, text.length), severity: 'error', message: parsed.message }]
}

/** The JSON tree's colours: strings green, numbers blue, booleans and null purple. */
const highlight = HighlightStyle.define([
  { tag: tags.propertyName, color: 'var(--fg)' },
  { tag: tags.string, color: 'var(--ok)' },
  { tag: tags.number, color: 'var(--accent)' },
  { tag: [tags.bool, tags.null], color: 'var(--custom)' },
  { tag: [tags.separator, tags.brace, tags.squareBracket, tags.punctuation], color: 'var(--fg-3)' },
  { tag: tags.invalid, color: 'var(--err)' }
])

/** The app's custom properties (light and dark follow the system through them). */
const theme = EditorView.theme({
  '&': {
    height: '100%',
    color: 'var(--fg)',
    backgroundColor: 'var(--bg)',
    fontSize: 'var(--size-small)'
  },
  '&.cm-focused': { outline: 'none' },
  '.cm-scroller': { fontFamily: 'var(--mono)', lineHeight: '1.5' },
  '.cm-content': { caretColor: 'var(--fg)', padding: 'var(--s2) 0' },
  '.cm-line': { padding: '0 var(--s2)' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--fg)' },
  '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, ::selection': {
    backgroundColor: 'var(--accent-bg)'
  },
  '.cm-placeholder': { color: 'var(--fg-3)' },
  '&.cm-focused .cm-matchingBracket': { backgroundColor: 'var(--bg-3)', outline: '1px solid var(--line)' },
  '.cm-tooltip': {
    backgroundColor: 'var(--bg)',
    color: 'var(--fg)',
    border: '1px solid var(--line)',
    borderRadius: 'var(--radius)',
    boxShadow: '0 6px 20px rgb(0 0 0 / 0.2)',
    fontFamily: 'var(--mono)'
  },
  '.cm-tooltip.cm-tooltip-autocomplete > ul': { fontFamily: 'var(--mono)', maxHeight: '14em' },
  '.cm-tooltip.cm-tooltip-autocomplete > ul > li': { padding: '2px var(--s2)' },
  '.cm-tooltip-autocomplete ul li[aria-selected]': { backgroundColor: 'var(--accent)', color: '#fff' },
  '.cm-completionDetail': { marginLeft: 'var(--s3)', color: 'inherit', opacity: '0.7', fontStyle: 'normal' },
  '.cm-completionMatchedText': { textDecoration: 'none', fontWeight: '700' },
  // The template as it will be written: indented (the base theme's pre-line would drop the indents).
  '.cm-tooltip.cm-completionInfo': { whiteSpace: 'pre', maxHeight: '16em', overflow: 'auto', padding: 'var(--s2)' },
  '.cm-diagnostic-error': { borderLeftColor: 'var(--err)' },
  '.cm-lintRange-error': { backgroundImage: 'none', textDecoration: 'underline wavy var(--err)', backgroundColor: 'var(--err-bg)' }
})
