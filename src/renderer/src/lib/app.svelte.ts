/**
 * The window's state, in one place, reached by components through `useApp()`.
 */
import { getContext, setContext } from 'svelte'
import type { PatchscopeApi } from '../../../shared/api'
import type { JournalStatus } from '../../../shared/journal'
import { Connection } from './connection.svelte'
import { Dispatcher } from './dispatcher.svelte'
import { Inspector } from './inspector.svelte'
import { HistoryStore } from './model/store'
import { RuntimeChecks } from './runtime-checks.svelte'
import { Sessions } from './sessions.svelte'
import { whenText } from './model/sessions'
import { Timeline } from './timeline.svelte'
import { PauseBar } from './pause.svelte'
import { Watches } from './watches.svelte'

const KEY = Symbol('patchscope')

export class App {
  readonly store = new HistoryStore()
  readonly timeline = new Timeline(this.store)
  readonly inspector = new Inspector(this.store, this.timeline)
  readonly connection: Connection
  readonly checks: RuntimeChecks
  readonly sessions: Sessions
  readonly dispatcher: Dispatcher
  readonly watches: Watches
  readonly pause: PauseBar

  constructor(origin: string, token: string, api: PatchscopeApi | undefined) {
    const connection = new Connection(
      origin,
      token,
      this.store,
      () => {
        this.timeline.changed()
        this.pause.entriesChanged()
      },
      api
    )
    this.connection = connection
    this.checks = new RuntimeChecks(connection)
    this.sessions = new Sessions({
      request: (path, init) => connection.request(path, init),
      opened: (s, statement) => {
        const what = `Opened the session of ${s.runtime.name ?? 'a runtime'} from ${whenText(s.createdAt)}: this is a recording, not a live runtime.`
        connection.notice = statement === undefined ? what : `${what} The file was ${statement}.`
        void connection.refreshRuntime()
      }
    })
    this.dispatcher = new Dispatcher({ connection, store: this.store, showEntry: (seq) => this.inspector.showEntry(seq) })
    this.watches = new Watches({
      request: (path, init) => connection.request(path, init),
      store: this.store,
      rows: this.timeline,
      showChange: (seq, pointer) => this.inspector.showChange(seq, pointer)
    })
    this.pause = new PauseBar({ connection, store: this.store, timeline: this.timeline, showState: () => (this.inspector.tab = 'state') })
    connection.onNotice = (type, data) => {
      if (type === 'journal') this.sessions.journalChanged(data as JournalStatus)
      else if (type === 'watches') this.watches.changed(data)
      else if (type === 'runtime') this.pause.runtimeChanged()
    }
  }
}

/** Where the page keeps the token it was opened with, for a reload (this tab only, never in the URL). */
const TOKEN_KEY = 'patchscope.token'

/**
 * Where the host is and its token: from the desktop shell's preload, else from the page's URL
 * (`/?token=…`, as the headless host prints it), which is then taken out of the address bar (and
 * kept for this tab, so that a reload still connects). Undefined when the page has none.
 */
export function findConnection(): { origin: string; token: string; api: PatchscopeApi | undefined } | undefined {
  const api = window.patchscope
  if (api !== undefined) return { ...api.connection, api }
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- read once at start-up; nothing reacts to it
  const params = new URLSearchParams(window.location.search)
  const fromUrl = params.get('token')
  if (fromUrl) {
    remember(fromUrl)
    params.delete('token')
    const query = params.toString()
    window.history.replaceState(window.history.state, '', `${window.location.pathname}${query ? `?${query}` : ''}${window.location.hash}`)
  }
  const token = fromUrl || recall()
  return token ? { origin: window.location.origin, token, api: undefined } : undefined
}

function remember(token: string): void {
  try {
    sessionStorage.setItem(TOKEN_KEY, token)
  } catch {
    // Storage refused: a reload then needs the URL the host printed again.
  }
}

function recall(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY)
  } catch {
    return null
  }
}

/** Makes the app state available to every component below. */
export function setApp(app: App): App {
  setContext(KEY, app)
  return app
}

/** The app state set by `setApp`. */
export function useApp(): App {
  const app = getContext<App | undefined>(KEY)
  if (app === undefined) throw new Error('useApp() is called outside <App>')
  return app
}
