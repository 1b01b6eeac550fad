/**
 * Puts text on the clipboard. The Clipboard API needs a secure context and the page's focus; where
 * it refuses, a selected, hidden text area and the copy command do the same.
 */
export async function copyToClipboard(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text)
    return true
  } catch {
    // Refused (no permission, no focus, an insecure origin): the older way below still works there.
  }
  const area = document.createElement('textarea')
  area.value = text
  area.setAttribute('readonly', '')
  area.style.position = 'fixed'
  area.style.opacity = '0'
  document.body.append(area)
  area.select()
  try {
    return document.execCommand('copy')
  } finally {
    area.remove()
  }
}
