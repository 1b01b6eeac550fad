import { describe, expect, test } from 'vitest'
import { CSP } from '../../src/host/server/app'
import {
  isOwnOrigin,
  isTrustedSender,
  loggableUrl,
  mayNavigate,
  mayRequest,
  mayUsePermission,
  redactingLog,
  withContentSecurityPolicy,
  type Sender
} from '../../src/main/security'

const origin = 'http://127.0.0.1:5173'

describe('origins', () => {
  test('the host itself, any path, is its own origin', () => {
    expect(isOwnOrigin(`${origin}/`, origin)).toBe(true)
    expect(isOwnOrigin(`${origin}/events?token=x`, origin)).toBe(true)
  })

  test.each([
    'http://127.0.0.1:5174/',
    'http://localhost:5173/',
    'https://127.0.0.1:5173/',
    'http://127.0.0.1:5173.evil.example/',
    'file:///etc/passwd',
    'about:blank',
    'data:text/html,hi',
    'not a url'
  ])('%s is not', (url) => {
    expect(isOwnOrigin(url, origin)).toBe(false)
  })
})

describe('navigation', () => {
  test("the page may move within the host's origin", () => {
    expect(mayNavigate(`${origin}/?view=diff`, origin)).toBe(true)
  })

  test.each(['https://example.com/', 'file:///home/ada/agent.mjs', 'javascript:alert(1)', 'http://127.0.0.1:9/'])(
    'the page may not go to %s',
    (url) => {
      expect(mayNavigate(url, origin)).toBe(false)
    }
  )
})

describe('requests', () => {
  test("the window may fetch from the host and the browser's own schemes", () => {
    for (const url of [
      `${origin}/state`,
      'devtools://devtools/bundled/inspector.html',
      'data:image/png;base64,AAAA',
      'blob:http://127.0.0.1:5173/1'
    ])
      expect(mayRequest(url, origin)).toBe(true)
  })

  test('the window may fetch nothing else: no other site, port, local file or socket', () => {
    for (const url of ['https://example.com/x.js', 'http://127.0.0.1:8080/', 'file:///etc/hosts', 'ws://127.0.0.1:5173/', 'nonsense'])
      expect(mayRequest(url, origin)).toBe(false)
  })
})

describe('permissions', () => {
  test('the page may write to the clipboard', () => {
    expect(mayUsePermission('clipboard-sanitized-write', `${origin}/`, origin)).toBe(true)
    expect(mayUsePermission('clipboard-sanitized-write', origin, origin)).toBe(true)
  })

  test.each(['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen', 'unknown'])(
    'the page may not use %s',
    (permission) => {
      expect(mayUsePermission(permission, `${origin}/`, origin)).toBe(false)
    }
  )

  test('another origin gets nothing, not even the clipboard', () => {
    expect(mayUsePermission('clipboard-sanitized-write', 'https://example.com/', origin)).toBe(false)
  })
})

describe('isTrustedSender', () => {
  const expected = { webContentsId: 7, origin }
  const top = { origin, url: `${origin}/`, parent: null }

  test("answers the app's window, in its top frame, on the host's page", () => {
    expect(isTrustedSender({ webContentsId: 7, frame: top }, expected)).toBe(true)
  })

  test.each<[string, Sender]>([
    ['another window', { webContentsId: 8, frame: top }],
    ['a frame that is gone', { webContentsId: 7, frame: null }],
    ['a frame inside the page', { webContentsId: 7, frame: { ...top, parent: {} } }],
    ['a page of another origin', { webContentsId: 7, frame: { origin: 'https://example.com', url: 'https://example.com/', parent: null } }],
    ['a frame whose URL is elsewhere', { webContentsId: 7, frame: { origin, url: 'https://example.com/', parent: null } }]
  ])('refuses %s', (_, sender) => {
    expect(isTrustedSender(sender, expected)).toBe(false)
  })
})

describe('withContentSecurityPolicy', () => {
  test("adds the window's policy to a page of the host that came without one", () => {
    const { changed, headers } = withContentSecurityPolicy(`${origin}/missing`, { 'content-type': ['application/json'] }, origin)
    expect(changed).toBe(true)
    expect(headers['Content-Security-Policy']).toEqual([CSP])
    expect(headers['content-type']).toEqual(['application/json'])
  })

  test('keeps the policy the host sent, whatever the case of its name', () => {
    const sent = { 'content-security-policy': ["default-src 'self'"] }
    expect(withContentSecurityPolicy(`${origin}/`, sent, origin)).toEqual({ changed: false, headers: sent })
    const upper = { 'Content-Security-Policy': ["default-src 'self'"] }
    expect(withContentSecurityPolicy(`${origin}/`, upper, origin).changed).toBe(false)
  })

  test('leaves responses from elsewhere (the developer tools) alone', () => {
    expect(withContentSecurityPolicy('devtools://devtools/x.html', {}, origin).changed).toBe(false)
  })

  test("the policy allows the host's own origin only", () => {
    expect(CSP).toContain("default-src 'self'")
    expect(CSP).not.toMatch(/\*|https?:|unsafe-inline|unsafe-eval/)
  })
})

describe('logs', () => {
  test('a logged URL keeps its origin and path, never its query or fragment (where the token travels)', () => {
    expect(loggableUrl(`${origin}/events?token=s3cret#t=s3cret`)).toBe(`${origin}/events`)
    expect(loggableUrl('about:blank?token=s3cret')).not.toContain('s3cret')
    expect(loggableUrl('::')).toBe('(a malformed URL)')
  })

  test('the redacting log replaces every occurrence of each secret', () => {
    const out: string[] = []
    const log = redactingLog((text) => out.push(text), ['s3cret-token', ''])
    log('Bearer s3cret-token and again s3cret-token\n')
    log('nothing to hide\n')
    expect(out).toEqual(['Bearer [redacted] and again [redacted]\n', 'nothing to hide\n'])
  })
})
