/**
 * The window's state, in one place, reached by components through `useApp()`.
 */
import { getContext, setContext } from 'svelte'
import type { PatchscopeApi } from '../../../shared/api'
import type { JournalStatus } from '../../../shared/journal'
import { Connection } from './connection.svelte'
import { Dispatcher } from './dispatcher.svelte'
import { Documents, LIVE, documentFile, type DocumentView } from './documents.svelte'
import { Inspector } from './inspector.svelte'
import { HistoryStore } from './model/store'
import { RuntimeChecks } from './runtime-checks.svelte'
import { Sessions } from './sessions.svelte'
import { Timeline } from './timeline.svelte'
import { PauseBar } from './pause.svelte'
import { Replay } from './replay.svelte'
import { Resume } from './resume.svelte'
import { ReloadOffer } from './reload.svelte'
import { Watches } from './watches.svelte'

const KEY = Symbol('patchscope')

/** One session as the views see it: its history, the timeline's and the inspector's state over it, its watches. */
export class SessionView implements DocumentView {
  readonly timeline: Timeline
  readonly inspector: Inspector
  readonly watches: Watches

  constructor(
    readonly store: HistoryStore,
    request: (path: string, init?: RequestInit) => Promise<Response>
  ) {
    this.timeline = new Timeline(store)
    this.inspector = new Inspector(store, this.timeline)
    this.watches = new Watches({
      request,
      store,
      rows: this.timeline,
      showChange: (seq, pointer) => this.inspector.showChange(seq, pointer)
    })
  }

  filled(): void {
    this.timeline.changed()
  }
}

/** A document's watches ask nothing of the host: the host's watches are the live session's. */
async function noWatches(): Promise<Response> {
  return Response.json(
    {
      error: { message: 'watches are the live session’s: show Live in the header to add one (a document opened from a file is read only)' }
    },
    { status: 409 }
  )
}

export class App {
  readonly connection: Connection
  readonly documents: Documents<SessionView>
  readonly checks: RuntimeChecks
  readonly sessions: Sessions
  readonly dispatcher: Dispatcher
  readonly pause: PauseBar
  readonly replay: Replay
  /** Resume from here: one at a time, whichever entry view asked. */
  readonly resume: Resume
  /** Reload, offering first to replay the run it ends. */
  readonly reload: ReloadOffer

  constructor(origin: string, token: string, api: PatchscopeApi | undefined) {
    const live = new SessionView(new HistoryStore(), (path, init) => this.connection.request(path, init))
    const connection = new Connection(
      origin,
      token,
      live.store,
      () => {
        live.timeline.changed()
        this.pause.entriesChanged()
        this.replay.entriesChanged()
      },
      api
    )
    this.connection = connection
    const request = (path: string, init?: RequestInit): Promise<Response> => connection.request(path, init)
    this.documents = new Documents({ request, live, makeView: (store) => new SessionView(store, noWatches) })
    this.checks = new RuntimeChecks(connection)
    this.sessions = new Sessions({ request, openDocument: (file, name) => this.documents.open(file, name).then((d) => d !== undefined) })
    // The dispatcher and the pause bar act on the live session only: what they show is shown there.
    this.dispatcher = new Dispatcher({
      connection,
      store: live.store,
      showEntry: (seq) => {
        this.documents.show(LIVE)
        live.inspector.showEntry(seq)
      }
    })
    this.pause = new PauseBar({ connection, store: live.store, timeline: live.timeline, showState: () => (live.inspector.tab = 'state') })
    const liveSource = { store: live.store, name: 'the live session' }
    this.replay = new Replay({
      request,
      live: () => liveSource,
      source: () => {
        const doc = this.documents.document
        return doc === undefined ? liveSource : { store: doc.view.store, name: doc.name, file: () => documentFile(doc) }
      },
      runtimeModule: () => (connection.runtime.status === 'attached' ? null : connection.runtime.path)
    })
    this.reload = new ReloadOffer({ store: live.store, replay: this.replay, reload: () => connection.reloadRuntime() })
    this.resume = new Resume({
      request,
      document: () => {
        const doc = this.documents.document
        return doc === undefined ? undefined : { name: doc.name, file: () => documentFile(doc) }
      },
      showLive: () => this.documents.show(LIVE)
    })
    connection.onNotice = (type, data) => {
      if (type === 'journal') this.sessions.journalChanged(data as JournalStatus)
      else if (type === 'watches') live.watches.changed(data)
      else if (type === 'runtime') this.pause.runtimeChanged()
      else if (type === 'replay') this.replay.noticed(data)
      else if (type === 'resume') this.resume.noticed(data)
    }
  }

  /** The shown session's history: the live one's, or an opened document's. */
  get store(): HistoryStore {
    return this.documents.shown.store
  }

  /** The shown session's timeline. */
  get timeline(): Timeline {
    return this.documents.shown.timeline
  }

  /** The shown session's inspector. */
  get inspector(): Inspector {
    return this.documents.shown.inspector
  }

  /** The shown session's watches (a document's has none, and adds none). */
  get watches(): Watches {
    return this.documents.shown.watches
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
