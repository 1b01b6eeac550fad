/**
 * A library's functions, taken from the copy the runtime module itself resolves, never from
 * Patchscope's own: a package may ship an ES module and a CommonJS build with separate state
 * (Valtio's proxies, MobX's globals), and the module may have been given either. So both are
 * loaded, as `import` and as `require` would resolve them from the module's folder, and the
 * adapter keeps the one that recognises the value. A TypeScript module is imported in a namespace
 * of tsx's that loads its packages afresh: its own copy is imported through that namespace.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { AdapterContext } from './shared'

/**
 * The copies of `specifier` the module resolves: the one its own scope imports (TypeScript
 * modules), then as `import` and as `require` resolve it from its folder; none when it resolves none.
 */
export async function librariesFrom(ctx: AdapterContext, specifier: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = []
  if (ctx.importer !== undefined) {
    try {
      out.push((await ctx.importer(specifier)) as Record<string, unknown>)
    } catch {
      // Not importable from the module's scope: the copies resolved from its folder are tried.
    }
  }
  const require = createRequire(resolve(ctx.modulePath))
  let required: string
  try {
    required = require.resolve(specifier)
  } catch {
    return out
  }
  const files = [importTarget(required, specifier), required].filter((f): f is string => f !== undefined)
  for (const file of new Set(files)) {
    try {
      out.push((await import(pathToFileURL(file).href)) as Record<string, unknown>)
    } catch {
      // A build the module could not load either (a condition for another platform): the other copy serves.
    }
  }
  return out
}

/** The first copy of `specifier` in which `test` holds, or undefined. */
export async function libraryWhere(
  ctx: AdapterContext,
  specifier: string,
  test: (library: Record<string, unknown>) => boolean
): Promise<Record<string, unknown> | undefined> {
  for (const library of await librariesFrom(ctx, specifier)) {
    try {
      if (test(library)) return library
    } catch {
      // A copy whose function throws on this value does not recognise it.
    }
  }
  return undefined
}

/**
 * The file `import` would load for `specifier`, read from the `exports` of the package `required`
 * (the file `require` loads) belongs to, with Node's conditions for an import.
 */
function importTarget(required: string, specifier: string): string | undefined {
  const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]
  const subpath = `.${specifier.slice(name?.length ?? 0)}`
  for (let dir = dirname(required); dir !== dirname(dir); dir = dirname(dir)) {
    let pkg: { name?: unknown; exports?: unknown }
    try {
      pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; exports?: unknown }
    } catch {
      continue
    }
    if (pkg.name !== name) continue
    const target = pickCondition(exportEntry(pkg.exports, subpath))
    return target === undefined ? undefined : join(dir, target)
  }
  return undefined
}

/** The `exports` entry of a subpath: its own key, else a pattern (`./*`) with the match put in its targets. */
function exportEntry(exported: unknown, subpath: string): unknown {
  const isMap =
    typeof exported === 'object' && exported !== null && !Array.isArray(exported) && Object.keys(exported).some((k) => k.startsWith('.'))
  if (!isMap) return subpath === '.' ? exported : undefined
  const map = exported as Record<string, unknown>
  if (Object.hasOwn(map, subpath)) return map[subpath]
  for (const [key, value] of Object.entries(map)) {
    const star = key.indexOf('*')
    if (star < 0) continue
    const [prefix, suffix] = [key.slice(0, star), key.slice(star + 1)]
    if (subpath.length >= key.length - 1 && subpath.startsWith(prefix) && subpath.endsWith(suffix)) {
      const match = subpath.slice(prefix.length, subpath.length - suffix.length)
      return JSON.parse(JSON.stringify(value).replaceAll('*', match)) as unknown
    }
  }
  return undefined
}

const IMPORT_CONDITIONS = ['node', 'import', 'module-sync', 'default']

function pickCondition(entry: unknown): string | undefined {
  if (typeof entry === 'string') return entry
  if (Array.isArray(entry)) return entry.map(pickCondition).find((t) => t !== undefined)
  if (typeof entry !== 'object' || entry === null) return undefined
  for (const [condition, value] of Object.entries(entry)) {
    if (!IMPORT_CONDITIONS.includes(condition)) continue
    const target = pickCondition(value)
    if (target !== undefined) return target
  }
  return undefined
}
