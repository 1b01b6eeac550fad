/**
 * The Replay view's state (issue 14): which session and module to replay, which inputs to leave
 * out, the host's replay as the `replay` events tell it (`POST /replay`, `GET /replay`,
 * `DELETE /replay`), and its result as rows side by side — the recorded entry, the replayed one
 * it was matched with, and the paths that differ — with both states at the selected row.
 */
import type { HistoryEvent, Slices } from '../../../shared/protocol'
import { inputType, noteOf } from '../../../shared/notes'
import { readReplayNotice, type ReplayNotice, type ReplayResultBody, type ReplayStep } from '../../../shared/replay'
import { diffStates, type Change } from './model/diff'
import { errorOf, unreachable } from './model/host-errors'
import { HistoryStore } from './model/store'

/** The session a replay runs: the live history (the host's own), or a document sent as a file. */
export interface ReplaySource {
  store: HistoryStore
  /** What the view calls it ('the live session', a file's name). */
  name: string
  /** A document's session file; absent for the live session, which the host holds. */
  file?: () => Blob
}

export interface ReplayDeps {
  request(path: string, init?: RequestInit): Promise<Response>
  /** The session shown now. */
  source(): ReplaySource
  /** The live session (the host's history). */
  live(): ReplaySource
  /** The live runtime's module, the default to replay against. */
  runtimeModule(): string | null
}

/** One side of a row: the entry's seq in its history and what it is, in words. */
export interface RowEntry {
  seq: number
  text: string
}

export interface ReplayRow {
  input: number
  recorded?: RowEntry
  replayed?: RowEntry
  kind: 'same' | 'changed' | 'vanished' | 'appeared'
  paths: string[]
  more: number
}

/** An input of the session, to leave out or keep. */
export interface InputChoice {
  seq: number
  type: string
}

/** Both states at the selected row, and what differs between them. */
export interface RowDetail {
  recorded: Slices | undefined
  replayed: Slices | undefined
  changes: Change[]
  truncated: boolean
}

export class Replay {
  open = $state(false)
  /** The module typed in; empty means the runtime's own. */
  module = $state('')
  /** Seqs of the inputs to leave out. */
  without = $state.raw<readonly number[]>([])
  /** The inputs of the session shown, as last listed. */
  inputs = $state.raw<readonly InputChoice[]>([])
  /** The host's replay, as last told. */
  notice = $state.raw<ReplayNotice | undefined>()
  result = $state.raw<ReplayResultBody | undefined>()
  error = $state<string | undefined>()
  busy = $state(false)
  /** The row selected, or -1. */
  selected = $state(-1)
  /** Only the rows that differ. */
  onlyChanged = $state(false)
  /** The session this window started the shown replay on, and the replayed history read into a store. */
  #recorded = $state.raw<ReplaySource | undefined>()
  #replayed = $state.raw<HistoryStore | undefined>()
  /** The replay this window started (another window's is shown as running, not as ours). */
  #mine: number | undefined
  /** The history the inputs were listed from, and how far. */
  #listed: { store: HistoryStore; upTo: number; generation: number } | undefined

  constructor(private readonly deps: ReplayDeps) {}

  /** Whether the replay told is one this window started or was handed (its result is shown). */
  get mine(): boolean {
    return this.notice !== undefined && this.notice.id === this.#mine
  }

  /** The live session, which Reload's offer replays. */
  live(): ReplaySource {
    return this.deps.live()
  }

  /** True while the host replays. */
  get running(): boolean {
    return this.notice?.phase === 'running'
  }

  /** The session the rows' recorded side is read from. */
  get recordedName(): string | undefined {
    return this.#recorded?.name
  }

  show(): void {
    this.open = true
    this.listInputs()
  }

  close(): void {
    this.open = false
  }

  /** Lists the inputs of the session shown, or of `source` (its last run's `input` notes), keeping the choices that are still there. */
  listInputs(source = this.deps.source()): void {
    const { store } = source
    this.#listed = { store, upTo: store.length, generation: store.generation }
    this.#setInputs(lastRun(store).inputs)
  }

  /** New entries in the live session: the inputs listed follow its last run (a reload starts a new one), reading only what is new. */
  entriesChanged(): void {
    const listed = this.#listed
    if (!this.open || listed === undefined) return
    const { store } = listed
    if (store.generation !== listed.generation || store.length < listed.upTo) return this.listInputs({ store, name: '' })
    let out: InputChoice[] | undefined
    for (let i = listed.upTo; i < store.length; i++) {
      if (store.type(i) === 'state.initial') out = []
      else {
        const input = inputAt(store, i)
        if (input !== undefined) (out ??= [...this.inputs]).push(input)
      }
    }
    listed.upTo = store.length
    if (out !== undefined) this.#setInputs(out)
  }

  #setInputs(inputs: InputChoice[]): void {
    this.inputs = inputs
    const held = inputs.map((x) => x.seq)
    this.without = this.without.filter((seq) => held.includes(seq))
  }

  /** Leaves an input out of the next replay, or puts it back. */
  toggleInput(seq: number): void {
    this.without = this.without.includes(seq) ? this.without.filter((s) => s !== seq) : [...this.without, seq].sort((a, b) => a - b)
  }

  /**
   * Starts a replay of the session shown (or of `source`: Reload's offer replays the live one
   * against the runtime's own module, whatever the view shows). True when it started; else
   * `error` says why, and the last result is no longer shown under it.
   */
  async start(source = this.deps.source(), module = this.module.trim()): Promise<boolean> {
    if (this.running || this.busy) return false
    // The inputs the replay would leave out must still be inputs of the run it plays.
    if (this.#listed?.store === source.store) this.entriesChanged()
    if (module === '' && this.deps.runtimeModule() === null) {
      this.#refused('No runtime module is loaded: type the path of the module to replay against.')
      return false
    }
    this.busy = true
    this.error = undefined
    try {
      let res: Response
      try {
        res = await this.deps.request(...this.#post(source, module))
      } catch (e) {
        this.#refused(unreachable(e))
        return false
      }
      if (!res.ok) {
        this.#refused(`The replay did not start: ${await errorOf(res)}`)
        return false
      }
      const notice = readReplayNotice(await res.json())
      if (notice === undefined) {
        this.#refused('The replay did not start: the host answered something that is not a replay')
        return false
      }
      await this.#adopt(notice, source)
      return true
    } finally {
      this.busy = false
    }
  }

  /**
   * Shows replay `id` of the live session, which the desktop shell started (Reload's offer):
   * the view opens on it, and its result is read when it ends.
   */
  async adopt(id: number): Promise<void> {
    this.open = true
    this.error = undefined
    this.#take(id, this.deps.live())
    // Unless the stream told it running already, the host says where it is (it may have ended).
    if (this.notice?.id !== id || this.notice.phase !== 'running') await this.#fetchResult()
  }

  /** The replay shown is now `notice`'s, started by this window on `source`. */
  async #adopt(notice: ReplayNotice, source: ReplaySource): Promise<void> {
    this.#take(notice.id, source)
    // A notice for this replay may have come first, over the stream.
    if (this.notice === undefined || this.notice.id < notice.id) this.notice = notice
    if (this.notice.phase !== 'running') await this.#fetchResult()
  }

  #take(id: number, source: ReplaySource): void {
    this.#mine = id
    this.#recorded = source
    this.#replayed = undefined
    this.result = undefined
    this.selected = -1
  }

  /** A replay did not start: `message` says why, and the result shown before (another replay's) is put away. */
  #refused(message: string): void {
    this.error = message
    this.result = undefined
    this.#replayed = undefined
    this.selected = -1
  }

  #post(source: ReplaySource, module: string): [string, RequestInit] {
    if (source.file === undefined) {
      const body = JSON.stringify({ ...(module !== '' ? { module } : {}), without: this.without })
      return ['/replay', { method: 'POST', headers: { 'content-type': 'application/json' }, body }]
    }
    const q = [
      ...(module !== '' ? [`module=${encodeURIComponent(module)}`] : []),
      ...(this.without.length > 0 ? [`without=${this.without.join(',')}`] : [])
    ].join('&')
    return [`/replay${q ? `?${q}` : ''}`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: source.file() }]
  }

  async cancel(): Promise<void> {
    try {
      const res = await this.deps.request('/replay', { method: 'DELETE' })
      // 409: it ended meanwhile; its end is on its way.
      if (!res.ok && res.status !== 409) this.error = `The replay was not cancelled: ${await errorOf(res)}`
    } catch (e) {
      this.error = unreachable(e)
    }
  }

  /** A `replay` event from the stream. */
  noticed(data: unknown): void {
    const notice = readReplayNotice(data)
    if (notice === undefined || (this.notice !== undefined && notice.id < this.notice.id)) return
    this.notice = notice
    if (notice.phase !== 'running' && notice.id === this.#mine && this.result?.id !== notice.id) void this.#fetchResult()
  }

  async #fetchResult(): Promise<void> {
    let body: ReplayResultBody
    try {
      const res = await this.deps.request('/replay')
      if (!res.ok) {
        this.error = `The replay’s result could not be read: ${await errorOf(res)}`
        return
      }
      body = (await res.json()) as ReplayResultBody
    } catch (e) {
      this.error = unreachable(e)
      return
    }
    if (body.id !== this.#mine) return
    const notice = readReplayNotice(body)
    const shown = this.notice
    // Never back: a notice of this replay's end may have come over the stream meanwhile.
    if (notice !== undefined && (shown === undefined || shown.id < notice.id || (shown.id === notice.id && shown.phase === 'running')))
      this.notice = notice
    // Still running (a replay the shell started, read before its end): its end is on its way over the stream.
    if (body.phase === 'running') return
    this.#replayed = storeOf(body.history)
    this.result = body
    // Where it diverged first is what the user came for: selected, both states shown.
    this.selected = -1
    this.nextChange()
  }

  /** The rows side by side: every aligned pair, or only those that differ. */
  readonly rows: readonly ReplayRow[] = $derived.by(() =>
    this.onlyChanged ? this.#allRows.filter((r) => r.kind !== 'same') : this.#allRows
  )

  /** Every aligned pair, those that are the same too: a side's state at a row is read from them. */
  readonly #allRows: readonly ReplayRow[] = $derived.by(() => {
    const recorded = this.#recorded?.store
    const replayed = this.#replayed
    return (this.result?.steps ?? []).map((step) => rowOf(step, recorded, replayed))
  })

  /** How many rows differ. */
  readonly changedRows = $derived((this.result?.steps ?? []).filter((s) => s.paths.length > 0).length)

  /** Both states at the selected row: each side's state after its entry, or after the last entry it had before. */
  readonly detail: RowDetail | undefined = $derived.by(() => {
    if (this.selected < 0 || this.selected >= this.rows.length) return undefined
    // Looked for among every row, those hidden by "Only differences" too (the initial states are a row that is the same).
    const rows = this.#allRows
    let at = this.selected
    if (this.onlyChanged)
      for (let i = 0, shown = -1; i < rows.length; i++) {
        if (rows[i]?.kind !== 'same') shown++
        if (shown === this.selected) {
          at = i
          break
        }
      }
    const seqOf = (side: 'recorded' | 'replayed'): number | undefined => {
      for (let i = at; i >= 0; i--) {
        const e = rows[i]?.[side]
        if (e !== undefined) return e.seq
      }
      return undefined
    }
    const recorded = stateOf(this.#recorded?.store, seqOf('recorded'))
    const replayed = stateOf(this.#replayed, seqOf('replayed'))
    const { changes, truncated } =
      recorded !== undefined && replayed !== undefined ? diffStates(recorded, replayed) : { changes: [], truncated: false }
    return { recorded, replayed, changes, truncated }
  })

  /** Moves the selection by `delta` rows (keyboard). */
  step(delta: number): void {
    const n = this.rows.length
    if (n === 0) return
    this.selected = Math.min(n - 1, Math.max(0, (this.selected < 0 ? (delta > 0 ? -1 : n) : this.selected) + delta))
  }

  /** Selects the next row that differs after the selected one (or the first). */
  nextChange(): void {
    const rows = this.rows
    for (let i = this.selected + 1; i < rows.length; i++) {
      if (rows[i]?.kind !== 'same') {
        this.selected = i
        return
      }
    }
  }
}

/** The inputs of the last run in `store` (from its last `state.initial`), and whether that run was resumed rather than loaded. */
export function lastRun(store: HistoryStore): { inputs: InputChoice[]; resumed: boolean } {
  const inputs: InputChoice[] = []
  let start = store.length - 1
  while (start > 0 && store.type(start) !== 'state.initial') start--
  for (let i = start + 1; i < store.length; i++) {
    const input = inputAt(store, i)
    if (input !== undefined) inputs.push(input)
  }
  // A resumed run begins with a reset and the resume note (a replay plays it through the run it branched from).
  const resumed = [start + 1, start + 2].some(
    (i) => i < store.length && store.type(i) === 'custom-event' && noteOf(store.event(i))?.note === 'resume'
  )
  return { inputs, resumed }
}

/** The input at index `i` of `store` (an action sent from outside the runtime), if that is one. */
function inputAt(store: HistoryStore, i: number): InputChoice | undefined {
  // Only a custom event can be a note; its text is read only when it names one.
  if (store.type(i) !== 'custom-event' || !store.raw(i).includes('"input"')) return undefined
  const note = noteOf(store.event(i))
  if (note?.note !== 'input') return undefined
  return { seq: store.seqAt(i), type: inputType(note) ?? '(an action without a type)' }
}

function storeOf(events: readonly HistoryEvent[]): HistoryStore | undefined {
  const first = events[0]
  if (first?.type !== 'state.initial') return undefined
  const store = new HistoryStore()
  store.reset(first)
  for (let i = 1; i < events.length; i++) {
    const e = events[i] as HistoryEvent
    store.ingest(e, JSON.stringify(e))
  }
  return store
}

function stateOf(store: HistoryStore | undefined, seq: number | undefined): Slices | undefined {
  if (store === undefined || seq === undefined) return undefined
  const index = store.indexOf(seq)
  return index < 0 ? undefined : store.stateAt(index)
}

function rowOf(step: ReplayStep, recorded: HistoryStore | undefined, replayed: HistoryStore | undefined): ReplayRow {
  const kind =
    step.recorded === undefined ? 'appeared' : step.replayed === undefined ? 'vanished' : step.paths.length > 0 ? 'changed' : 'same'
  return {
    input: step.input,
    ...(step.recorded !== undefined ? { recorded: { seq: step.recorded, text: textOf(recorded, step.recorded) } } : {}),
    ...(step.replayed !== undefined ? { replayed: { seq: step.replayed, text: textOf(replayed, step.replayed) } } : {}),
    kind,
    paths: step.paths.filter((p) => p !== ''),
    more: step.more ?? 0
  }
}

/** What an entry is, in a few words: its slice and action, a status, a note. */
export function textOf(store: HistoryStore | undefined, seq: number): string {
  const index = store?.indexOf(seq) ?? -1
  if (store === undefined || index < 0) return '(not held by this window)'
  const e = store.event(index)
  switch (e.type) {
    case 'state.initial':
      return 'the initial state'
    case 'state.update':
      return `${e.slice} · ${e.cause.type}`
    case 'execution.status':
      return `${e.status} ${e.executionId}${e.turnId !== undefined ? ` / ${e.turnId}` : ''}${e.error !== undefined ? `: ${e.error}` : ''}`
    default: {
      const note = noteOf(e)
      if (note === undefined) return 'custom event'
      if (note.note === 'dispatch') return `${note.cause.type}: ${note.outcome}${note.error !== undefined ? ` (${note.error})` : ''}`
      if (note.note === 'runtime-error') return `runtime error: ${note.message}`
      return note.note
    }
  }
}
