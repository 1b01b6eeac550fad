/** Formatting the results: Markdown tables, the machine's description, numbers with units. */
import { cpus, freemem, loadavg, release, totalmem, type as osType } from 'node:os'

/** A Markdown table; every row has as many cells as `head`. */
export function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n')
}

export const us = (v: number): string => (Number.isFinite(v) ? `${v < 10 ? v.toFixed(2) : v.toFixed(1)} µs` : 'n/a')
export const ms = (v: number): string => (Number.isFinite(v) ? `${v < 10 ? v.toFixed(2) : v.toFixed(0)} ms` : 'n/a')
export const s = (v: number): string => `${(v / 1000).toFixed(2)} s`
export const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MB`
export const rate = (v: number): string => `${v >= 10_000 ? Math.round(v / 1000) + 'k' : Math.round(v)}/s`
export const ratio = (v: number): string => (Number.isFinite(v) ? `${v >= 10 ? v.toFixed(0) : v.toFixed(1)}×` : 'n/a')
export const count = (v: number): string => Math.round(v).toLocaleString('en-US')

/** The machine, as BENCHMARKS.md describes it. */
export function machine(): string {
  const cpu = cpus()
  return [
    `${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}`,
    `${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM (${(freemem() / 2 ** 30).toFixed(0)} GiB free at the start)`,
    `${osType()} ${release()}`,
    `Node ${process.version} (V8 ${process.versions.v8})`
  ].join(', ')
}

/** The 1, 5 and 15 minute load averages. */
export function load(): string {
  return loadavg()
    .map((v) => v.toFixed(2))
    .join(' / ')
}
