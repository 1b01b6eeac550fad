/** How the window words the sessions of earlier runs. */

/** "189,115 events" */
export function eventCount(n: number): string {
  return n === 1 ? '1 event' : `${n.toLocaleString('en-US')} events`
}

/** When a session began, as a person says it: "today 14:02", "yesterday 09:10", "3 Nov 18:40". */
export function whenText(iso: string, now = new Date()): string {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  const time = d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' })
  const day = (x: Date): number => new Date(x.getFullYear(), x.getMonth(), x.getDate()).getTime()
  const days = Math.round((day(now) - day(d)) / 86_400_000)
  if (days === 0) return `today ${time}`
  if (days === 1) return `yesterday ${time}`
  const date = d.toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    ...(d.getFullYear() !== now.getFullYear() ? { year: 'numeric' } : {})
  })
  return `${date} ${time}`
}
