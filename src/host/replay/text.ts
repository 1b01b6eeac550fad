/**
 * The report as text for a terminal: the verdict first, then the first divergence, the paths
 * that differ, entries and errors that appeared or vanished, the final state, and the issues.
 */
import type { Json } from '../../shared/protocol'
import type { ReplayEntryRef, ReplayReport, ReplayValueDiff } from '../../shared/replay'

/** Lines of each list shown; the rest are counted (`--json` has them all). */
const SHOWN = 20

export function formatReport(r: ReplayReport): string {
  const out: string[] = []
  const where = `${r.module} (${r.session.inputs} input${r.session.inputs === 1 ? '' : 's'}; ${r.session.entries} entries recorded, ${r.replayed.entries} replayed)`
  out.push(r.identical ? `IDENTICAL: the replay of ${where} recorded the same history.` : `DIVERGED: the replay of ${where} differs.`)
  if (r.branch !== undefined) out.push(branchLine(r.branch))
  if (r.first) {
    const f = r.first
    out.push('', `First divergence, ${inputName(f.input)}:`)
    if (f.recorded) out.push(`  recorded #${f.recorded.seq} ${entryName(f.recorded)}`)
    else out.push('  recorded (no entry: this one appeared in the replay)')
    if (f.replayed) out.push(`  replayed #${f.replayed.seq} ${entryName(f.replayed)}`)
    else out.push('  replayed (no entry: this one vanished in the replay)')
    out.push(...diffLines(f.diff, '  '))
  }
  if (r.paths.length > 0) {
    out.push('', `Paths that differ (${r.paths.length}), after how many entries:`)
    for (const p of r.paths.slice(0, SHOWN)) out.push(`  ${p.path}  ×${p.count} (from ${inputName(p.firstInput)})`)
    more(out, r.paths.length)
  }
  list(out, 'Entries that appeared', r.appeared)
  list(out, 'Entries that vanished', r.vanished)
  list(out, 'Errors that appeared', r.errors.appeared)
  list(out, 'Errors that vanished', r.errors.vanished)
  const fin = r.finalState
  if (fin.diffs.length > 0) {
    out.push('', `Final state: ${fin.diffs.length + fin.more} difference${fin.diffs.length + fin.more === 1 ? '' : 's'}`)
    for (const d of fin.diffs.slice(0, SHOWN)) out.push(...diffLines(d, '  '))
    more(out, fin.diffs.length + fin.more)
  } else out.push('', 'Final state: the same.')
  if (r.issues.length > 0) {
    out.push('', `What the replay could not do as recorded (${r.issues.length}):`)
    for (const i of r.issues.slice(0, SHOWN)) out.push(`  ${inputName(i.input)}: ${i.message}`)
    more(out, r.issues.length)
  }
  return out.join('\n') + '\n'
}

/** Where a branch's replay is compared from, and how it got there. */
function branchLine(b: NonNullable<ReplayReport['branch']>): string {
  const way = `${b.inputs} input${b.inputs === 1 ? '' : 's'} of the run it branched from replayed to get there, not compared`
  return `Compared from the branch's reset at entry ${b.seq} (resumed from entry ${b.from}; ${way}).`
}

function inputName(input: number): string {
  return input === 0 ? 'before the first input' : `after input ${input}`
}

function entryName(e: ReplayEntryRef): string {
  return `${e.type}${e.slice !== undefined ? ` ${e.slice}` : ''} — ${e.label}`
}

function diffLines(d: ReplayValueDiff, indent: string): string[] {
  return [
    `${indent}at ${d.path === '' ? '(the whole entry)' : d.path}`,
    `${indent}  recorded: ${value(d.recorded)}`,
    `${indent}  replayed: ${value(d.replayed)}`
  ]
}

function value(v: Json | undefined): string {
  if (v === undefined) return '(absent)'
  const text = JSON.stringify(v)
  return text.length > 200 ? `${text.slice(0, 200)}… (${text.length} characters)` : text
}

function list(out: string[], title: string, refs: ReplayEntryRef[]): void {
  if (refs.length === 0) return
  out.push('', `${title} (${refs.length}):`)
  for (const e of refs.slice(0, SHOWN)) out.push(`  #${e.seq} ${inputName(e.input)}: ${entryName(e)}`)
  more(out, refs.length)
}

function more(out: string[], total: number): void {
  if (total > SHOWN) out.push(`  … and ${total - SHOWN} more (--json lists them)`)
}
