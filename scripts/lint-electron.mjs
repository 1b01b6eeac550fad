#!/usr/bin/env node
// Runs electronegativity (Doyensec's checks for Electron misconfigurations) over the desktop shell
// and the window (SARIF output), and fails on any finding that is not in electronegativity-reviewed.json with the
// reason it is safe. electronegativity itself never fails a run, and it reports "review this"
// findings for options it cannot see (ours are built by a function, and tested there).
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const reviewed = JSON.parse(readFileSync(new URL('electronegativity-reviewed.json', import.meta.url), 'utf8'))
const electron = JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')).version
const out = mkdtempSync(join(tmpdir(), 'electronegativity-'))
const sarif = join(out, 'report.sarif')

try {
  const run = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules/@doyensec/electronegativity/dist/index.js'),
      '-i',
      join(root, 'src'),
      '-e',
      electron,
      '-o',
      sarif,
      '-v',
      'false'
    ],
    // It looks for newer Electron releases and translations online; offline it says so and goes on.
    { cwd: root, encoding: 'utf8' }
  )
  let report
  try {
    report = JSON.parse(readFileSync(sarif, 'utf8'))
  } catch {
    process.stderr.write(`electronegativity did not run:\n${run.stdout}\n${run.stderr}\n`)
    process.exit(1)
  }
  const findings = report.runs.flatMap((r) =>
    r.results.map((result) => {
      const where = result.locations?.[0]?.physicalLocation
      return {
        check: result.ruleId,
        severity: result.level,
        file: where ? relative(root, where.artifactLocation.uri) : 'N/A',
        location: where ? `${where.region?.startLine}:${where.region?.startColumn}` : ''
      }
    })
  )
  const open = findings.filter((f) => !reviewed.some((r) => r.check === f.check && r.file === f.file))
  for (const f of findings) {
    const ok = !open.includes(f)
    process.stdout.write(
      `${ok ? 'reviewed' : 'OPEN    '}  ${f.severity.padEnd(13)} ${f.check}  ${f.file}${f.file === 'N/A' ? '' : `:${f.location}`}\n`
    )
  }
  const stale = reviewed.filter((r) => !findings.some((f) => f.check === r.check && f.file === r.file))
  for (const r of stale)
    process.stdout.write(`stale     ${r.check}  ${r.file}: no longer reported; remove it from electronegativity-reviewed.json\n`)
  if (open.length > 0 || stale.length > 0) {
    process.stderr.write(`\nelectronegativity: ${open.length} finding(s) not reviewed, ${stale.length} stale review(s)\n`)
    process.exit(1)
  }
  process.stdout.write(`electronegativity: ${findings.length} finding(s), all reviewed\n`)
} finally {
  rmSync(out, { recursive: true, force: true })
}
