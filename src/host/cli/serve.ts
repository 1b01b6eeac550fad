/**
 * The headless host: `npm run serve -- [module] [--port N] [--token T] [--json]` (see `USAGE`).
 * Exit codes: 0 stopped, 1 wrong arguments or the server could not start, 2 the module failed to load or the --attach
 * source did not answer with an event stream.
 */
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { AttachRefused, shownUrl } from '../attach'
import { Host } from '../host'
import { startServer } from '../server/serve'
import { defaultSessionDir, startJournal } from '../journal'
import { REDACTION_FILE } from '../redaction/settings'
import { parseCliArgs, USAGE, UsageError } from './args'
import { chosenToken } from './token'

/** The built window: `out/renderer`, beside the built CLI in `out/main`, or from the sources. */
function rendererDir(): string {
  const fromSource = import.meta.url.endsWith('.ts')
  return fileURLToPath(new URL(fromSource ? '../../../out/renderer/' : '../renderer/', import.meta.url))
}

async function main(argv: readonly string[]): Promise<number> {
  let args
  try {
    args = parseCliArgs(argv)
  } catch (e) {
    if (!(e instanceof UsageError)) throw e
    process.stderr.write(`patchscope: ${e.message}\n\n${USAGE}`)
    return 1
  }
  if (args.help) {
    process.stdout.write(USAGE)
    return 0
  }
  // npm runs scripts from the project; the user meant paths relative to where they typed.
  const cwd = process.env.INIT_CWD ?? process.cwd()
  let token
  try {
    token = await chosenToken(args, cwd)
  } catch (e) {
    if (!(e instanceof UsageError)) throw e
    process.stderr.write(`patchscope: ${e.message}\n`)
    return 1
  }
  const limits = { ...(args.maxEntries ? { maxEntries: args.maxEntries } : {}), ...(args.maxBytes ? { maxBytes: args.maxBytes } : {}) }
  const dir = args.sessionDir === undefined ? defaultSessionDir() : resolve(cwd, args.sessionDir)
  const { host, error } = await Host.create({
    cwd,
    limits,
    // The redaction policy is kept beside the sessions (with --no-save, it lasts as long as the host).
    ...(args.save ? { redactionFile: join(dir, REDACTION_FILE) } : {}),
    ...(args.fullCompare ? { compare: 'full' as const } : {}),
    ...(args.maxRuntimeMb !== undefined ? { maxRuntimeMb: args.maxRuntimeMb } : {}),
    ...(args.maxHeapMb !== undefined ? { maxHeapMb: args.maxHeapMb } : {}),
    ...(args.module !== undefined ? { runtime: args.module } : {})
  })
  if (error !== undefined) {
    process.stderr.write(`patchscope: ${error}\n`)
    await host.close()
    return 2
  }
  // Attached before the journal starts, so the journal's header names the stream (its URL as shown, never the headers).
  if (args.attach !== undefined) {
    try {
      await host.attach(args.attach)
    } catch (e) {
      if (!(e instanceof AttachRefused)) throw e
      process.stderr.write(`patchscope: ${e.message}\n`)
      await host.close()
      return 2
    }
  }
  const journal = args.save ? await startJournal(host, dir, (text) => process.stderr.write(text)) : undefined
  let server
  try {
    server = await startServer({ host, port: args.port, rendererDir: rendererDir(), journal, ...(token !== undefined ? { token } : {}) })
  } catch (e) {
    process.stderr.write(`patchscope: the server could not start: ${(e as Error).message}\n`)
    await journal?.close()
    await host.close()
    return 1
  }
  // Listened for before the ready line: a supervisor that stops the host as soon as it reads it
  // still gets a clean stop (the journal closed, exit code 0).
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  if (args.json) {
    process.stdout.write(JSON.stringify({ url: server.origin, token: server.token }) + '\n')
  } else {
    const what =
      args.module !== undefined
        ? `on ${given(args.module, host.resolvePath(args.module))}`
        : args.attach !== undefined
          ? `attached to ${shownUrl(args.attach.url)}`
          : 'with no runtime (open one from the window)'
    process.stdout.write(`Patchscope is running ${what}.\nOpen ${server.origin}/?token=${server.token}\nPress Ctrl+C to stop.\n`)
  }
  await stopped
  await server.close()
  await host.close()
  await journal?.close()
  return 0
}

/** A module's path as the user gave it, with the file it names when that reads otherwise (a relative path, `~`). */
function given(path: string, resolved: string): string {
  return path === resolved ? path : `${path} (${resolved})`
}

process.exitCode = await main(process.argv.slice(2))
