/**
 * Saving what the host answers as a file, through the browser: the request carries the token in a
 * header, so the token never appears in a URL (a history entry, a download list, a log).
 */

/** The file name a response's `Content-Disposition` gives, else `fallback`. */
export function fileNameOf(res: Response, fallback: string): string {
  const header = res.headers.get('content-disposition') ?? ''
  const name = /filename="([^"]+)"/.exec(header)?.[1]
  return name !== undefined && name !== '' ? name : fallback
}

/** Saves a response's body as a file named by the response (or `fallback`). */
export async function saveResponse(res: Response, fallback: string): Promise<void> {
  const url = URL.createObjectURL(await res.blob())
  const a = document.createElement('a')
  a.href = url
  a.download = fileNameOf(res, fallback)
  a.click()
  // The browser has taken the file once the click is handled; the URL is let go a little later.
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
