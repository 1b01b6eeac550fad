/**
 * What the desktop shell gives the window through its preload (`window.patchscope`), declared
 * once: the preload implements it, the window uses it when it is there (in a browser it is not).
 */

/** Where the host is, and the token it wants. */
export interface Connection {
  origin: string
  token: string
}

/** Menu items whose work is done in the window. */
export type MenuCommand = 'reload-runtime' | 'export-session' | 'import-session' | 'open-runtime'

export interface PatchscopeApi {
  /** The host the window talks to. */
  readonly connection: Connection
  /** Asks for a runtime module with the system's file dialog; the path, or null if cancelled. */
  chooseRuntime(): Promise<string | null>
  /** Saves the session through a save dialog; the path written, or null if cancelled. */
  exportSession(): Promise<string | null>
  /** Imports a session chosen in an open dialog; the number of events, or null if cancelled. */
  importSession(): Promise<{ events: number } | null>
  /** Calls `listener` for each menu command meant for the window; returns the unsubscribe function. */
  onMenu(listener: (command: MenuCommand) => void): () => void
}
