/**
 * Where the headless host keeps its journals when not told (`--session-dir`): the per-user data
 * folder of the platform, as applications there keep theirs.
 */
import { homedir } from 'node:os'
import { join } from 'node:path'

/**
 * The per-user folder of Patchscope's sessions: `$XDG_DATA_HOME/patchscope/sessions` (by default
 * `~/.local/share/patchscope/sessions`) on Linux, `~/Library/Application Support/Patchscope/sessions`
 * on macOS, `%LOCALAPPDATA%\Patchscope\sessions` on Windows.
 */
export function defaultSessionDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir()
): string {
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Patchscope', 'sessions')
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'), 'Patchscope', 'sessions')
  const data = env.XDG_DATA_HOME !== undefined && env.XDG_DATA_HOME.startsWith('/') ? env.XDG_DATA_HOME : join(home, '.local', 'share')
  return join(data, 'patchscope', 'sessions')
}
