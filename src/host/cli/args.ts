/**
 * `npm run serve -- [module] [options]`: the headless host's arguments (see `USAGE`).
 */
import { parseArgs } from 'node:util'
import { AttachTargetError, checkAttachUrl, headersFrom, parseHeaderLine, type AttachTarget } from '../attach'

export interface CliArgs {
  module: string | undefined
  port: number
  token: string | undefined
  json: boolean
  maxEntries: number | undefined
  maxBytes: number | undefined
  /** `--full-compare`: compare every change in full instead of trusting references and verifying. */
  fullCompare: boolean
  /** `--token-file`: a file whose first line is the token. */
  tokenFile: string | undefined
  /** `--session-dir`: where the journal and the sessions of earlier runs are (default: the per-user data folder). */
  sessionDir: string | undefined
  /** False with `--no-save`: no journal. */
  save: boolean
  /** `--max-runtime-mb`: megabytes a runtime may hold outside its JS heap before it is stopped (default `MAX_RUNTIME_MB`). */
  maxRuntimeMb: number | undefined
  /** `--max-heap-mb`: megabytes of JS heap a runtime is given (default `defaultMaxHeapMb()`). */
  maxHeapMb: number | undefined
  /** `--attach URL` with its `--header`s: a remote event stream to record instead of a module. */
  attach: AttachTarget | undefined
  help: boolean
}

/** Wrong arguments; the message says which and how to write them. */
export class UsageError extends Error {
  override name = 'UsageError'
}

export const USAGE = `Usage: npm run serve -- [module] [options]
       npm run serve -- --attach URL [--header 'Name: value']… [options]

Starts the Patchscope host and its window at http://127.0.0.1:PORT/.

  module               a runtime module (.js, .mjs, .ts) to load; relative to where you run npm
  --port N             the port to listen on (default: a free one)
  --token T            the access token (default: 256 random bits, new each launch); other
                       local users can read a command line, so prefer one of the two below
  --token-file FILE    read the token from the first line of FILE
                       (or set PATCHSCOPE_TOKEN in the environment)
  --json               print {"url", "token"} as one line of JSON once the host accepts connections
  --max-entries N      entries of history to keep (default 1000000); older ones fold into the base
  --max-mb N           megabytes of history to keep (default 512)
  --full-compare       compare the whole state on every change, instead of trusting unchanged
                       objects and verifying them when the runtime is idle (the default)
  --max-runtime-mb N   megabytes the runtime may hold outside its JS heap (Buffers, ArrayBuffers)
                       before it is stopped, never the host (default 1024)
  --max-heap-mb N      megabytes of JS heap the runtime is given; one that runs out of it is
                       stopped, never the host (default 2048, or the host's own heap limit
                       where that is lower; at least 64)
  --session-dir DIR    keep the journal of this session, and find earlier ones, in DIR
                       (default: ~/.local/share/patchscope/sessions, or the platform's own)
  --no-save            keep no journal: the session lives in memory only
  --attach URL         record a running app's event stream (the seed's events route, or AG-UI)
                       instead of loading a module; reconnects when the connection is lost
  --header 'N: v'      a header sent with each request to the --attach URL (its auth), repeatable;
                       never stored in the session nor logged
  -h, --help           show this help
`

function whole(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined
  const n = Number(raw)
  if (!/^\d+$/.test(raw) || n < min || n > max) throw new UsageError(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`)
  return n
}

/**
 * Checks a token given by the user; `source` names where it came from.
 * @throws {UsageError} when it is shorter than 16 characters or holds a space
 */
export function checkToken(token: string, source: string): string {
  if (token.length < 16 || /\s/.test(token)) throw new UsageError(`${source} must be at least 16 characters, without spaces`)
  return token
}

export function parseCliArgs(argv: readonly string[]): CliArgs {
  let parsed
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        port: { type: 'string' },
        token: { type: 'string' },
        json: { type: 'boolean', default: false },
        'max-entries': { type: 'string' },
        'max-mb': { type: 'string' },
        'full-compare': { type: 'boolean', default: false },
        'token-file': { type: 'string' },
        'session-dir': { type: 'string' },
        'no-save': { type: 'boolean', default: false },
        'max-runtime-mb': { type: 'string' },
        'max-heap-mb': { type: 'string' },
        attach: { type: 'string' },
        header: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h', default: false }
      }
    })
  } catch (e) {
    throw new UsageError((e as Error).message)
  }
  const { values, positionals } = parsed
  if (positionals.length > 1) throw new UsageError(`give at most one runtime module (got ${positionals.join(', ')})`)
  const token = values.token
  if (token !== undefined) checkToken(token, '--token')
  if (token !== undefined && values['token-file'] !== undefined)
    throw new UsageError('give the token with --token or --token-file, not both')
  if (values['no-save'] && values['session-dir'] !== undefined) {
    throw new UsageError('--no-save keeps no journal, so --session-dir has nothing to do: give one or the other')
  }
  if (values['session-dir'] !== undefined && values['session-dir'].trim() === '') throw new UsageError('--session-dir needs a folder')
  const mb = whole('--max-mb', values['max-mb'], 1, 1_000_000)
  const attach = attachTarget(values.attach, values.header ?? [], positionals[0])
  return {
    module: positionals[0],
    port: whole('--port', values.port, 0, 65535) ?? 0,
    token,
    json: values.json,
    maxEntries: whole('--max-entries', values['max-entries'], 1024, 1_000_000_000),
    maxBytes: mb === undefined ? undefined : mb * 1024 * 1024,
    fullCompare: values['full-compare'],
    tokenFile: values['token-file'],
    sessionDir: values['session-dir'],
    save: !values['no-save'],
    maxRuntimeMb: whole('--max-runtime-mb', values['max-runtime-mb'], 16, 1_048_576),
    maxHeapMb: whole('--max-heap-mb', values['max-heap-mb'], 64, 1_048_576),
    attach,
    help: values.help
  }
}

/** `--attach` and its `--header`s, checked. */
function attachTarget(url: string | undefined, headers: readonly string[], module: string | undefined): AttachTarget | undefined {
  if (url === undefined) {
    if (headers.length > 0) throw new UsageError('--header is sent to the --attach URL: give --attach too')
    return undefined
  }
  if (module !== undefined) throw new UsageError(`give a runtime module or --attach URL, not both (got ${module} and --attach)`)
  try {
    return { url: checkAttachUrl(url), headers: headersFrom(headers.map((line) => parseHeaderLine(line))) }
  } catch (e) {
    if (e instanceof AttachTargetError) throw new UsageError(`--attach: ${e.message}`)
    throw e
  }
}
