/**
 * The dispatcher's state: whether it is open, the action being written, what came of the last
 * send, and what was sent from here (per runtime, kept in the browser's storage). The action is
 * read with `JSON.parse` only: text that is not a JSON action is never sent.
 */
import type { Cause } from '../../../shared/protocol'
import type { Connection } from './connection.svelte'
import { actionOf, actionText, choices, isDispatchable, parseAction, recordedChoices, type ActionChoice } from './model/dispatch'
import { outcomeOf, type Outcome } from './model/outcome'
import { addSent, readSent, removeSent, sentKey, writeSent, type KeyValue, type Sent } from './model/sent'
import type { HistoryStore } from './model/store'

/** What the dispatcher asks of its editor (CodeMirror in the window, see `editor.ts`). */
export interface EditorPort {
  /** Replaces the whole text, as one undoable change. */
  setText(text: string): void
  /** Puts the cursor at an offset of the text. */
  select(at: number): void
  focus(): void
}

export interface DispatcherDeps {
  /** The host: where actions go, and which runtime they go to (its path keys what was sent). */
  connection: Pick<Connection, 'runtime' | 'dispatch'>
  store: HistoryStore
  /** Shows an entry of the timeline (the first one an action recorded). */
  showEntry: (seq: number) => void
  /** Where the sent actions are kept. @default globalThis.localStorage */
  storage?: KeyValue
}

export class Dispatcher {
  open = $state(false)
  /** The editor's text. */
  text = $state('')
  sending = $state(false)
  /** What came of the last send the host answered (or that could not reach it). */
  outcome = $state<Outcome | undefined>()
  /** True once a send was refused for the text as it is (not JSON, not an action); typing clears it. */
  refused = $state(false)
  readonly parsed = $derived(parseAction(this.text))
  /** What is wrong with the text, said as it is typed (and as the reason it was not sent). */
  readonly problem: string | undefined = $derived(
    !this.parsed.ok && (this.text.trim() !== '' || this.refused) ? this.parsed.message : undefined
  )
  #editor: EditorPort | undefined
  #sent = $state<{ key: string; list: Sent[] }>({ key: '', list: [] })
  readonly #deps: DispatcherDeps

  constructor(deps: DispatcherDeps) {
    this.#deps = deps
  }

  /** What was sent from here to this runtime, newest first. */
  get sent(): readonly Sent[] {
    const key = sentKey(this.#deps.connection.runtime.path)
    return this.#sent.key === key ? this.#sent.list : readSent(this.#storage, key)
  }

  get #storage(): KeyValue | undefined {
    // The window's storage (typed here without the DOM, so that the model's tests typecheck under Node).
    return this.#deps.storage ?? (globalThis as { localStorage?: KeyValue }).localStorage
  }

  /** Opens the dispatcher (with `text` in the editor, when given) and puts the cursor in it. */
  show(text?: string): void {
    if (text !== undefined) this.#setText(text)
    this.open = true
    this.#editor?.focus()
  }

  close(): void {
    this.open = false
  }

  toggle(): void {
    if (this.open) this.close()
    else this.show()
  }

  /** "Dispatch again": the recorded action (its type, payload, meta and error; a new id) ready to send. */
  again(cause: Cause): void {
    this.outcome = undefined
    this.show(actionText(actionOf(cause)))
  }

  /** Whether a recorded cause can be dispatched again (not a change found by verification, a thunk…). */
  canDispatchAgain(cause: Cause): boolean {
    return isDispatchable(cause.type)
  }

  /** The types completion offers, newest first: the history's, then those only sent from here. */
  choices(): ActionChoice[] {
    return choices(recordedChoices(this.#deps.store), this.sent)
  }

  /** Loads an action sent before into the editor, to edit. */
  pick(index: number): void {
    const s = this.sent[index]
    if (s !== undefined) this.show(s.text)
  }

  forget(index: number): void {
    this.#keep(removeSent(this.sent, index))
  }

  /**
   * Sends the editor's text (or `text`, an action sent before, which the editor then shows). Text
   * that is not a JSON action is not sent: `refused` says so, `problem` why, and the cursor goes
   * where it is wrong.
   */
  async send(text: string = this.text): Promise<void> {
    if (this.sending) return
    if (text !== this.text) this.#setText(text)
    const parsed = parseAction(text)
    if (!parsed.ok) {
      this.refused = true
      if (parsed.at !== undefined) this.#editor?.select(parsed.at)
      this.#editor?.focus()
      return
    }
    this.sending = true
    // The outcome shown is always that of the last send: none while this one is on its way.
    this.outcome = undefined
    try {
      const answer = await this.#deps.connection.dispatch(text)
      this.outcome = outcomeOf(answer)
      // What reached the host was sent, refused or not; a host out of reach got nothing.
      if (answer.status !== 0) this.#keep(addSent(this.sent, text, parsed.action.type, Date.now()))
    } finally {
      this.sending = false
    }
  }

  /** Shows the first entry the last send recorded. */
  showOutcome(): void {
    if (this.outcome?.first !== undefined) this.#deps.showEntry(this.outcome.first)
  }

  /** The editor, once it is in the page (undefined once it is gone). */
  connect(editor: EditorPort | undefined): void {
    this.#editor = editor
  }

  /** The text, as typed in the editor. */
  typed(text: string): void {
    this.text = text
    this.refused = false
  }

  #setText(text: string): void {
    this.text = text
    this.refused = false
    this.#editor?.setText(text)
  }

  #keep(list: Sent[]): void {
    const key = sentKey(this.#deps.connection.runtime.path)
    this.#sent = { key, list }
    writeSent(this.#storage, key, list)
  }
}
