import { describe, expect, test } from 'vitest'
import { parseCliArgs, UsageError } from '../../../src/host/cli/args'

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
        '--full-compare'
      ])
    ).toEqual({
      module: 'examples/counter.mjs',
      port: 4000,
      token: 'a-token-of-16-chars',
      json: true,
      maxEntries: 5000,
      maxBytes: 64 * 1024 * 1024,
      fullCompare: true,
      help: false
    })
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
    ['a value for a flag', ['--json=yes'], /json/]
  ])('refuses %s with a UsageError saying which', (_name, argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(UsageError)
    expect(() => parseCliArgs(argv)).toThrow(message)
  })
})
