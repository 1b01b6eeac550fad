/**
 * Loading a runtime module from disk: import it (TypeScript transpiled on the way), find its
 * export, call the factory, check the handle, adapt a store or a state library's object (adapters/). Every failure is a `LoadError` whose
 * message names the file and the cause; the host turns it into a 422, a CLI exit or a panel.
 */
import { readFile, stat } from 'node:fs/promises'
import { extname } from 'node:path'
import { pathToFileURL } from 'node:url'
import { register as registerRequire } from 'tsx/cjs/api'
import { register } from 'tsx/esm/api'
import { describe, isBusRuntime, isStore, whyNotHandle, type BusRuntime, type Factory } from './contract'
import { adaptStore } from './store-adapter'
import { adapt, ADAPTED_KINDS, shapeOf, whyAlmost } from './adapters'
import { real } from '../runtime/effects/real'

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
  const url = pathToFileURL(path).href
  // TypeScript is imported in a namespace of its own (as tsx's `tsImport` does), and so are the
  // packages it imports: adapters take a library from the same namespace to get the module's copy.
  // Both hooks share the namespace: a .ts file that is CommonJS (no "type": "module") is required in it.
  // The host's own draw, never the runtime's: taken from the real generator, so a recording does not log it.
  const namespace = real.randomUUID()
  const scoped = TS_EXTENSIONS.has(extname(path)) ? (registerRequire({ namespace }), register({ namespace })) : undefined
  const importer =
    scoped === undefined ? undefined : (specifier: string): Promise<unknown> => scoped.import(specifier, url) as Promise<unknown>
  try {
    ns = importer !== undefined ? await importer(url) : await import(url)
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
  // A Zustand hook is a function that is also a store: it is adapted, never called as a factory.
  if (typeof exported === 'function' && !isBusRuntime(exported) && !isStore(exported) && shapeOf(exported) === undefined) {
    try {
      handle = await (exported as Factory)({ signal })
    } catch (e) {
      throw new LoadError(`Cannot load ${path}: the factory threw ${errorText(e)}`, { cause: e })
    }
  }
  const what = handle === exported ? 'its export' : 'its factory returned a value that'
  if (isBusRuntime(handle) || isStore(handle)) {
    const why = whyNotHandle(handle)
    if (why !== undefined) throw new LoadError(`Cannot load ${path}: ${what} is not a runtime handle: ${why}`)
    return isBusRuntime(handle) ? handle : adaptStore(handle)
  }
  let adapted: BusRuntime | undefined
  try {
    adapted = await adapt(handle, { modulePath: path, signal, ...(importer !== undefined ? { importer } : {}) })
  } catch (e) {
    throw new LoadError(`Cannot load ${path}: ${e instanceof Error ? e.message : errorText(e)}`, { cause: e })
  }
  if (adapted !== undefined) return adapted
  const why = whyAlmost(handle) ?? whyNotHandle(handle)
  throw new LoadError(
    `Cannot load ${path}: ${what} is not a runtime handle: ${why ?? describe(handle)}. A handle is { getState, dispatch, bus } or a store { getState, dispatch, subscribe }; ${ADAPTED_KINDS} is adapted as it is`
  )
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
  const text = where.lineText.trim()
  // An empty line (the error at the end of the file, or of a statement left open) has no text to show.
  return `SyntaxError: ${where.text} (line ${where.line}, column ${where.column + 1}${text !== '' ? `: ${text}` : ''})`
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
