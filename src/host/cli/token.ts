/**
 * The access token of the headless host, from where the user put it: `--token` (visible to every
 * local user in the process list), `--token-file FILE`, or `PATCHSCOPE_TOKEN`; else a new random one.
 */
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { checkToken, UsageError, type CliArgs } from './args'

/** The environment variable a token may be given in. */
export const TOKEN_ENV = 'PATCHSCOPE_TOKEN'

/**
 * The token the user chose, or undefined to have a new one made.
 * @throws {UsageError} when the file cannot be read or the token is too weak
 */
export async function chosenToken(
  args: Pick<CliArgs, 'token' | 'tokenFile'>,
  cwd: string,
  env: NodeJS.ProcessEnv = process.env
): Promise<string | undefined> {
  if (args.token !== undefined) return args.token
  if (args.tokenFile !== undefined) {
    const path = resolve(cwd, args.tokenFile)
    let text: string
    try {
      text = await readFile(path, 'utf8')
    } catch (e) {
      throw new UsageError(`--token-file ${path} cannot be read: ${(e as Error).message}`)
    }
    return checkToken(text.split(/\r?\n/)[0] ?? '', `the first line of ${path}`)
  }
  const fromEnv = env[TOKEN_ENV]
  return fromEnv === undefined || fromEnv === '' ? undefined : checkToken(fromEnv, TOKEN_ENV)
}
