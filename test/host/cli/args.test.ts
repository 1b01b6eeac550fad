import { describe, expect, test } from 'vitest'
import { parseCliArgs, USAGE, UsageError } from '../../../src/host/cli/args'
import { MAX_HEAP_MB } from '../../../src/host/runtime/memory'

describe('parseCliArgs', () => {
  test('gives defaults for no arguments', () => {
    expect(parseCliArgs([])).toEqual({
      module: undefined,
      port: 0,
      token: undefined,
      json: false,
      maxEntries: undefined,
      maxBytes: undefined,
      fullCompare: false,
      tokenFile: undefined,
      sessionDir: undefined,
      save: true,
      maxRuntimeMb: undefined,
      maxHeapMb: undefined,
      attach: undefined,
      help: false
    })
  })

  test('reads a module and every option', () => {
    expect(
      parseCliArgs([
        'examples/counter.mjs',
        '--port',
        '4000',
        '--token',
        'a-token-of-16-chars',
        '--json',
        '--max-entries',
        '5000',
        '--max-mb',
        '64',
        '--full-compare',
        '--session-dir',
        'journals'
      ])
    ).toEqual({
      module: 'examples/counter.mjs',
      port: 4000,
      token: 'a-token-of-16-chars',
      json: true,
      maxEntries: 5000,
      maxBytes: 64 * 1024 * 1024,
      fullCompare: true,
      tokenFile: undefined,
      sessionDir: 'journals',
      save: true,
      maxRuntimeMb: undefined,
      maxHeapMb: undefined,
      help: false
    })
    expect(parseCliArgs(['--max-runtime-mb', '256'])).toMatchObject({ maxRuntimeMb: 256 })
    expect(parseCliArgs(['--max-heap-mb', '64'])).toMatchObject({ maxHeapMb: 64 })
    expect(parseCliArgs(['--max-heap-mb=4096', '--max-runtime-mb', '512'])).toMatchObject({ maxHeapMb: 4096, maxRuntimeMb: 512 })
    expect(parseCliArgs(['--token-file', 'secret.txt', '--no-save'])).toMatchObject({
      tokenFile: 'secret.txt',
      token: undefined,
      save: false
    })
  })

  test('the usage names --max-heap-mb, its default and its least value', () => {
    const line = USAGE.slice(USAGE.indexOf('--max-heap-mb'), USAGE.indexOf('--session-dir'))
    expect(line).toMatch(/^--max-heap-mb N +megabytes of JS heap the runtime is given/)
    expect(line.replace(/\s+/g, ' ')).toContain(`(default ${MAX_HEAP_MB}, or the host's own heap limit where that is lower; at least 64)`)
  })

  test('takes --opt=value and -h', () => {
    expect(parseCliArgs(['--port=0', '-h'])).toMatchObject({ port: 0, help: true })
  })

  test.each<[string, string[], RegExp]>([
    ['an unknown option', ['--bogus'], /bogus/],
    ['two modules', ['a.mjs', 'b.mjs'], /at most one runtime module/],
    ['a port that is not a number', ['--port', 'abc'], /--port must be a whole number from 0 to 65535/],
    ['a port out of range', ['--port', '70000'], /--port/],
    ['a negative port', ['--port=-1'], /--port/],
    ['a port with a fraction', ['--port', '80.5'], /--port/],
    ['an option without its value', ['--port'], /port/],
    ['a short token', ['--token', 'short'], /at least 16 characters/],
    ['a token with spaces', ['--token', 'sixteen chars or more'], /without spaces/],
    ['too few entries', ['--max-entries', '10'], /--max-entries must be a whole number from 1024/],
    ['zero megabytes', ['--max-mb', '0'], /--max-mb/],
    ['too little memory for a runtime', ['--max-runtime-mb', '8'], /--max-runtime-mb must be a whole number from 16 to 1048576/],
    ['a runtime memory limit that is not a number', ['--max-runtime-mb', '1g'], /--max-runtime-mb/],
    ['too little heap for a runtime', ['--max-heap-mb', '63'], /--max-heap-mb must be a whole number from 64 to 1048576 \(got "63"\)/],
    ['too much heap for a runtime', ['--max-heap-mb', '1048577'], /--max-heap-mb must be a whole number from 64 to 1048576/],
    ['a heap limit that is not a number', ['--max-heap-mb', '2g'], /--max-heap-mb/],
    ['a heap limit without its value', ['--max-heap-mb'], /max-heap-mb/],
    ['a value for a flag', ['--json=yes'], /json/],
    ['a token given twice', ['--token', 'a-token-of-16-chars', '--token-file', 't.txt'], /--token or --token-file, not both/],
    ['a folder for a journal turned off', ['--no-save', '--session-dir', 'x'], /--no-save keeps no journal/],
    ['an empty folder', ['--session-dir', ' '], /--session-dir needs a folder/]
  ])('refuses %s with a UsageError saying which', (_name, argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(UsageError)
    expect(() => parseCliArgs(argv)).toThrow(message)
  })

  describe('--attach and --header', () => {
    test('reads the URL and every header, in the order given', () => {
      const args = parseCliArgs([
        '--attach',
        'http://localhost:3000/events',
        '--header',
        'Authorization: Bearer abc',
        '--header',
        'X-Team:  blue '
      ])
      expect(args.attach?.url.href).toBe('http://localhost:3000/events')
      expect(args.attach?.headers).toEqual({ Authorization: 'Bearer abc', 'X-Team': 'blue' })
      expect(args.module).toBeUndefined()
    })

    test.each([
      [['--attach', 'localhost:3000'], /--attach: the URL must be http: or https: \(got localhost:\)/],
      [['--attach', 'not a url'], /--attach: "not a url" is not a URL/],
      [['--attach', 'ftp://example.com/x'], /must be http: or https: \(got ftp:\)/],
      [['--attach', 'http://user:pw@example.com/'], /user name or password: give credentials as a header/],
      [['--attach', 'http://x/', '--header', 'no colon here'], /a header is written "Name: value"/],
      [['--attach', 'http://x/', '--header', 'Bad Name: v'], /"Bad Name" is not a header name/],
      [['--attach', 'http://x/', '--header', 'Last-Event-ID: 3'], /set by Patchscope itself/],
      [['--attach', 'http://x/', '--header', 'A: 1', '--header', 'a: 2'], /the header a is given twice/],
      [['--header', 'A: 1'], /--header is sent to the --attach URL: give --attach too/],
      [['examples/counter.mjs', '--attach', 'http://x/'], /a runtime module or --attach URL, not both/]
    ])('refuses %j', (argv, message) => {
      expect(() => parseCliArgs(argv)).toThrow(UsageError)
      expect(() => parseCliArgs(argv)).toThrow(message)
    })

    test("never quotes a header's value in an error", () => {
      expect(() => parseCliArgs(['--attach', 'http://x/', '--header', 'Authorization: secret\u0007value'])).toThrow(
        /^--attach: the value of the header Authorization holds a control character$/
      )
    })
  })
})
