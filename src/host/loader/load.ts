/**
 * Loading a runtime module from disk: import it (TypeScript transpiled on the way), find its
 * export, call the factory, check the handle, adapt a store. Every failure is a `LoadError` whose
 * message names the file and the cause; the host turns it into a 422, a CLI exit or a panel.
 */
import { readFile, stat } from 'node:fs/promises'
import { extname } from 'node:path'
import { pathToFileURL } from 'node:url'
import { tsImport } from 'tsx/esm/api'
import { describe, isBusRuntime, isStore, whyNotHandle, type BusRuntime, type Factory } from './contract'
import { adaptStore } from './store-adapter'

/** Extensions a runtime module may have. */
export const MODULE_EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts'] as const

const TS_EXTENSIONS = new Set(['.ts', '.mts', '.cts'])

/** A runtime module that could not be loaded. `message` names the file and the cause. */
export class LoadError extends Error {
  override name = 'LoadError'
}

/** Checks the file before a worker is spent on it. */
export async function checkModuleFile(path: string): Promise<void> {
  const ext = extname(path)
  if (!(MODULE_EXTENSIONS as readonly string[]).includes(ext)) {
    throw new LoadError(`Cannot load ${path}: a runtime module must be a ${MODULE_EXTENSIONS.join(', ')} file`)
  }
  let info
  try {
    info = await stat(path)
  } catch {
    throw new LoadError(`Cannot load ${path}: the file does not exist`)
  }
  if (!info.isFile()) throw new LoadError(`Cannot load ${path}: it is not a file`)
}

/** Imports the module, calls its factory if it has one, and gives a bus runtime. */
export async function loadRuntime(path: string, signal: AbortSignal): Promise<BusRuntime> {
  await checkModuleFile(path)
  let ns: unknown
  try {
    ns = TS_EXTENSIONS.has(extname(path))
      ? await tsImport(pathToFileURL(path).href, import.meta.url)
      : await import(pathToFileURL(path).href)
  } catch (e) {
    throw new LoadError(`Cannot load ${path}: ${await describeImportError(e, path)}`, { cause: e })
  }
  const exported = pickExport(ns)
  if (exported === undefined) {
    throw new LoadError(
      `Cannot load ${path}: it exports no runtime. Export a factory or a handle as the default export, or as \`createRuntime\` (found: ${Object.keys(ns as object).join(', ') || 'no exports'})`
    )
  }
  let handle: unknown = exported
  if (typeof exported === 'function' && !isBusRuntime(exported) && !isStore(exported)) {
    try {
      handle = await (exported as Factory)({ signal })
    } catch (e) {
      throw new LoadError(`Cannot load ${path}: the factory threw ${errorText(e)}`, { cause: e })
    }
  }
  const why = whyNotHandle(handle)
  if (why !== undefined) {
    const what = handle === exported ? 'its export' : 'its factory returned a value that'
    throw new LoadError(
      `Cannot load ${path}: ${what} is not a runtime handle: ${why}. A handle is { getState, dispatch, bus } or a store { getState, dispatch, subscribe }`
    )
  }
  return isBusRuntime(handle) ? handle : adaptStore(handle as Parameters<typeof adaptStore>[0])
}

/**
 * The default export, else `createRuntime`. A CommonJS module (or TypeScript compiled to one)
 * arrives with its exports object as `default`, so that object is looked into as well.
 */
export function pickExport(ns: unknown): unknown {
  if (typeof ns !== 'object' || ns === null) return undefined
  const mod = ns as Record<string, unknown>
  const inner = mod.default
  if (
    typeof inner === 'object' &&
    inner !== null &&
    !isBusRuntime(inner) &&
    !isStore(inner) &&
    ('default' in inner || 'createRuntime' in inner)
  ) {
    return pickExport(inner)
  }
  return inner ?? mod.createRuntime
}

/** An error as `Name: message`. */
export function errorText(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`
  return describe(e) === 'a string' ? String(e) : `a non-Error value (${describe(e)})`
}

/** The cause of a failed import; for a syntax error, where it is. */
async function describeImportError(e: unknown, path: string): Promise<string> {
  if (!(e instanceof Error)) return `it threw while loading ${errorText(e)}`
  const isSyntax = e instanceof SyntaxError || /Transform failed/.test(e.message)
  if (!isSyntax) return `it threw while loading: ${errorText(e)}`
  const where = await locateSyntaxError(path)
  if (where === undefined) return `SyntaxError: ${e.message}`
  return `SyntaxError: ${where.text} (line ${where.line}, column ${where.column + 1}: ${where.lineText.trim()})`
}

/**
 * Node does not say where a syntax error in an imported ES module is, so the file is parsed
 * again with esbuild, which does.
 */
async function locateSyntaxError(path: string): Promise<{ text: string; line: number; column: number; lineText: string } | undefined> {
  const { transform } = await import('esbuild')
  const source = await readFile(path, 'utf8')
  const loader = TS_EXTENSIONS.has(extname(path)) ? 'ts' : 'js'
  try {
    await transform(source, { loader, format: 'esm', sourcefile: path, logLevel: 'silent' })
  } catch (e) {
    const first = (e as { errors?: { text: string; location: { line: number; column: number; lineText: string } | null }[] }).errors?.[0]
    if (first?.location) return { text: first.text, ...first.location }
  }
  return undefined
}
