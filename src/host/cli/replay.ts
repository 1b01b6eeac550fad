/**
 * `npm run replay -- SESSION MODULE [--json]`: replays a session file against a runtime module
 * (a fresh copy from disk) and prints the divergence report — as text, or the report's JSON with
 * `--json`. What the runtime prints goes to stderr.
 * Exit codes: 0 the replay recorded the same history, 1 it diverged, 2 the session or the module
 * cannot be loaded (or the arguments are wrong).
 */
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { SessionError, importSession } from '../recorder/session-file'
import { formatReport, NotReplayable, replaySession, ReplayFailed, sessionFileEvents } from '../replay'

/** How long a replay may take by default (`--timeout`), in seconds. */
export const DEFAULT_TIMEOUT_S = 300

export const REPLAY_USAGE = `Usage: npm run replay -- SESSION MODULE [--json] [--timeout SECONDS]

Replays the inputs recorded in SESSION (a Patchscope session file) against MODULE (a runtime
module, loaded afresh from disk), with the recorded clock, randomness, timers and responses fed
back, and reports where the new history differs from the recorded one.

  --json               print the report as JSON
  --timeout SECONDS    give up when the replay has not ended by then (default ${DEFAULT_TIMEOUT_S}):
                       a runtime that never settles or loops forever
Exit codes: 0 identical, 1 diverged, 2 the session or the module cannot be loaded, or the
replay did not end in time.
`

/** Runs the command; resolves to the exit code. */
export async function replayCli(
  argv: readonly string[],
  { cwd = process.cwd(), out = (s: string) => void process.stdout.write(s), err = (s: string) => void process.stderr.write(s) } = {}
): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { json: { type: 'boolean' }, timeout: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true
    })
  } catch (e) {
    err(`patchscope replay: ${(e as Error).message}\n\n${REPLAY_USAGE}`)
    return 2
  }
  if (parsed.values.help === true) {
    out(REPLAY_USAGE)
    return 0
  }
  if (parsed.positionals.length !== 2) {
    err(
      `patchscope replay: expected a session file and a module, got ${parsed.positionals.length} argument${parsed.positionals.length === 1 ? '' : 's'}\n\n${REPLAY_USAGE}`
    )
    return 2
  }
  const rawTimeout = parsed.values.timeout
  const seconds = rawTimeout === undefined ? DEFAULT_TIMEOUT_S : Number(rawTimeout)
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 2_000_000) {
    err(`patchscope replay: --timeout must be a number of seconds above 0, got ${JSON.stringify(rawTimeout)}\n\n${REPLAY_USAGE}`)
    return 2
  }
  const [sessionArg, moduleArg] = parsed.positionals as [string, string]
  const sessionPath = resolve(cwd, sessionArg)
  const modulePath = resolve(cwd, moduleArg)
  try {
    if (!(await stat(sessionPath)).isFile()) throw new Error('it is not a file')
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? 'the file does not exist' : e instanceof Error ? e.message : String(e)
    err(`patchscope replay: cannot read the session ${sessionPath}: ${why}\n`)
    return 2
  }
  let session
  try {
    session = await importSession(createReadStream(sessionPath), { baseSeq: 0 })
  } catch (e) {
    const why = e instanceof SessionError || e instanceof RangeError ? e.message : String(e)
    err(`patchscope replay: ${sessionPath} is not a session file that can be read: ${why}\n`)
    return 2
  }
  // A file cut short replays its inputs, but what the runtime did after the cut is not in it: said, so that "appeared" is read right.
  if (!session.integrity.complete)
    err(
      `patchscope replay: warning: ${sessionPath} is ${session.integrity.statement}. What the runtime recorded after that is not in ` +
        'the file, so entries the replay makes past that point are reported as appeared.\n'
    )
  const timeout = AbortSignal.timeout(seconds * 1000)
  try {
    const { report } = await replaySession({
      signal: timeout,
      // The file's own seqs: a resumed branch's note names entries by them.
      events: sessionFileEvents(session).events,
      module: modulePath,
      version: session.header.version,
      runtime: session.header.runtime.path,
      log: err
    })
    out(parsed.values.json === true ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report))
    return report.identical ? 0 : 1
  } catch (e) {
    if (timeout.aborted)
      err(
        `patchscope replay: the replay did not end within ${seconds} s (--timeout): the runtime never settled — a timer or a promise ` +
          `it waits for that the recording never fired, or a loop. Its thread was ended.\n`
      )
    else if (e instanceof NotReplayable) err(`patchscope replay: ${sessionPath}: ${e.message}\n`)
    else if (e instanceof ReplayFailed) err(`patchscope replay: ${e.message}\n`)
    else throw e
    return 2
  }
}

// npm runs scripts from the project; the user meant paths relative to where they typed.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await replayCli(process.argv.slice(2), { cwd: process.env.INIT_CWD ?? process.cwd() })
}
