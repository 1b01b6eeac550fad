/**
 * What the desktop shell gives the window through its preload (`window.patchscope`), declared
 * once: the preload implements it, the window uses it when it is there (in a browser it is not).
 */

/** Where the host is, and the token it wants. */
export interface Connection {
  origin: string
  token: string
}

/** The result of something the shell did that can fail: what was done, or why not, in words a user can act on. */
export type Outcome<T extends object> = ({ ok: true } & T) | { ok: false; error: string }

/**
 * What the shell did or saw on its own (a menu item, a dropped file, a second launch, a runtime
 * that stopped), for the window to reflect. Errors among them have already been shown in a dialog.
 */
export type ShellEvent =
  /** A load began (loads can take seconds: a factory may await). */
  | { type: 'runtime-loading'; path: string }
  | { type: 'runtime-loaded'; path: string }
  /** A load failed; a runtime that was running before keeps running. */
  | { type: 'runtime-failed'; path: string; error: string }
  /** The running runtime's thread ended by itself (it threw outside an action, or exited). */
  | { type: 'runtime-stopped'; path: string; error: string }
  /** The running runtime stopped answering (a loop, a dispatch that never returns), or answers again. */
  | { type: 'runtime-responsive'; path: string; responsive: boolean }
  /** A session file the shell read (a menu item, a drop, a recent file), for the window to open as a document. */
  | ({ type: 'session-file' } & SessionFile)
  | { type: 'session-exported'; path: string }
  /** Reload's offer to replay was taken: replay `id` (the host's `replay` events tell it) plays the live session's run before the reload. */
  | { type: 'replay-started'; id: number }

/** A session file the shell read from disk: where it was, its name, and its bytes. */
export interface SessionFile {
  path: string
  name: string
  bytes: Uint8Array<ArrayBuffer>
}

export interface PatchscopeApi {
  /** The host the window talks to. */
  readonly connection: Connection
  /** Asks for a runtime module with the system's file dialog; the path, or null if cancelled. The window loads it. */
  chooseRuntime(): Promise<string | null>
  /** Saves the session through a save dialog; the path written, or null if cancelled. */
  exportSession(): Promise<Outcome<{ path: string }> | null>
  /**
   * Reads a session file chosen in an open dialog, for the window to open as a document (it posts
   * the bytes to `POST /documents`); null if cancelled. The host's history is not touched.
   */
  importSession(): Promise<Outcome<SessionFile> | null>
  /** Calls `listener` for each event from the shell; returns the unsubscribe function. */
  onShellEvent(listener: (event: ShellEvent) => void): () => void
}

/** The IPC channels between the preload and the main process. The window never uses them: it has `PatchscopeApi`. */
export const CHANNELS = {
  /** sync, preload → main: the `Connection`, or null for a page that is not the host's */
  connection: 'patchscope:connection',
  chooseRuntime: 'patchscope:choose-runtime',
  exportSession: 'patchscope:export-session',
  importSession: 'patchscope:import-session',
  /** preload → main: the paths of files dropped on the window */
  dropFiles: 'patchscope:drop-files',
  /** main → preload: a `ShellEvent` */
  shellEvent: 'patchscope:shell-event'
} as const
