/**
 * `patchscope [module]` (and `npm start -- [module]`): what the user asked the app to open, from
 * its own command line or from a second launch that handed it over.
 */
import { isAbsolute, resolve } from 'node:path'

/** What a launch asks for: a file to open (absolute), or nothing. */
export interface LaunchRequest {
  file: string | null
}

/**
 * The arguments the user typed: without the executable and, when Electron runs the app from a
 * folder (`electron .`, as `npm start` does: `process.defaultApp`), without that folder.
 */
export function userArgs(argv: readonly string[], { defaultApp }: { defaultApp: boolean }): string[] {
  return argv.slice(defaultApp ? 2 : 1)
}

/**
 * The file a launch asks for: the first argument that is not a switch, resolved against `cwd`.
 * Switches are Electron's and Chromium's (`--inspect`, `--no-sandbox`, the ones Chromium adds
 * to a second launch); the app has none of its own, so all of them are skipped.
 */
export function parseLaunch(args: readonly string[], cwd: string): LaunchRequest {
  const file = args.find((a) => a !== '' && !a.startsWith('-'))
  return { file: file === undefined ? null : resolve(cwd, file) }
}

/**
 * Where relative paths on the command line are meant from: npm runs `npm start` in the project,
 * but the user typed the path where they were (`INIT_CWD`). A packaged app is not run by npm.
 */
export function launchCwd(
  env: Readonly<Record<string, string | undefined>>,
  { packaged, cwd }: { packaged: boolean; cwd: string }
): string {
  const init = env.INIT_CWD
  return !packaged && init !== undefined && isAbsolute(init) ? init : cwd
}

/** What a second launch hands the first (`requestSingleInstanceLock`'s additional data): exact, unlike its argv. */
export type HandOver = {
  patchscope: 1
  file: string | null
}

/** The hand-over a launch gives the first instance when it is the second. */
export function handOver(request: LaunchRequest): HandOver {
  return { patchscope: 1, file: request.file }
}

/**
 * What a second launch asks for: its hand-over when it sent a valid one, else its argv (reordered
 * by Chromium, switches first, so the first positional after the executable is the app folder
 * when `defaultApp`), resolved against its working directory.
 */
export function secondLaunch(
  data: unknown,
  argv: readonly string[],
  workingDirectory: string,
  { defaultApp }: { defaultApp: boolean }
): LaunchRequest {
  if (isHandOver(data)) return { file: data.file }
  const positionals = argv.slice(1).filter((a) => a !== '' && !a.startsWith('-'))
  return parseLaunch(positionals.slice(defaultApp ? 1 : 0), workingDirectory)
}

function isHandOver(data: unknown): data is HandOver {
  if (typeof data !== 'object' || data === null) return false
  const { patchscope, file } = data as Record<string, unknown>
  return patchscope === 1 && (file === null || (typeof file === 'string' && isAbsolute(file)))
}
