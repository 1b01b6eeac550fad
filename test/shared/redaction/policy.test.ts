import { describe, expect, test } from 'vitest'
import {
  compilePolicy,
  DEFAULT_POLICY,
  EventRedactor,
  readPolicy,
  RedactionLog,
  RedactionPolicyError,
  redactSlices
} from '../../../src/shared/redaction'

function refusal(policy: { keys?: string[]; paths?: string[] }): RedactionPolicyError {
  try {
    compilePolicy({ keys: policy.keys ?? [], paths: policy.paths ?? [] })
  } catch (e) {
    expect(e).toBeInstanceOf(RedactionPolicyError)
    return e as RedactionPolicyError
  }
  throw new Error('the policy was accepted')
}

describe('the default policy', () => {
  const p = compilePolicy(DEFAULT_POLICY)
  test.each([
    'password',
    'userPassword',
    'PASSWORD_HASH',
    'token',
    'accessToken',
    'refresh_token',
    'apiKey',
    'x-api-key',
    'OPENAI_API_KEY'
  ])('names %s', (key) => expect(p.keyMatches(key)).toBe(true))
  test.each(['authorization', 'Proxy-Authorization', 'clientSecret', 'cookie', 'set-cookie', 'credentials', 'privateKey', 'jwt'])(
    'names %s',
    (key) => expect(p.keyMatches(key)).toBe(true)
  )
  test.each(['tokens', 'maxTokens', 'tokenCount', 'name', 'keys', 'user', 'capitalKey', 'messages'])('leaves %s alone', (key) =>
    expect(p.keyMatches(key)).toBe(false)
  )
})

describe('key patterns', () => {
  test('match the whole key, * being any run, ignoring the case of ASCII letters only', () => {
    const p = compilePolicy({ keys: ['a*c', 'k'], paths: [] })
    expect(p.keyMatches('abbbc')).toBe(true)
    expect(p.keyMatches('ABC')).toBe(true)
    expect(p.keyMatches('ac')).toBe(true)
    expect(p.keyMatches('abcd')).toBe(false)
    expect(p.keyMatches('K')).toBe(true)
    // The Kelvin sign is not an ASCII K: the byte filter of export could not see it.
    expect(p.keyMatches('\u212a')).toBe(false)
  })

  test('treat regular expression characters as themselves', () => {
    const p = compilePolicy({ keys: ['a.b', '(x)+'], paths: [] })
    expect(p.keyMatches('a.b')).toBe(true)
    expect(p.keyMatches('axb')).toBe(false)
    expect(p.keyMatches('(x)+')).toBe(true)
  })

  test.each([
    ['', 'cannot be empty'],
    ['  ', 'cannot be empty'],
    ['*', 'could match an array index'],
    ['1*', 'could match an array index'],
    ['12', 'could match an array index'],
    ['-', 'could match an array index'],
    ['*-*', 'could match an array index'],
    ['a*b*c*d*e*f*g*h*i*j', 'more than 8 "*"'],
    ['x'.repeat(201), 'longer than 200 characters']
  ])('refuse %j, naming it: %s', (pattern, why) => {
    const e = refusal({ keys: [pattern] })
    expect(e.field).toBe('keys')
    expect(e.pattern).toBe(pattern)
    expect(e.message).toContain(JSON.stringify(pattern))
    expect(e.message).toContain(why)
  })
})

describe('paths', () => {
  test('name a place token by token, * being any one key or element, and quoted keys as they are', () => {
    const p = compilePolicy({ keys: [], paths: ['/auth/*/token', '/"my slice"/a~1b'] })
    expect(p.paths).toEqual([
      ['auth', null, 'token'],
      ['my slice', 'a/b']
    ])
  })

  test.each([
    ['auth', 'expected "/" to start the path'],
    ['/users/0/password', '"0" could be an array index'],
    ['/list/-', '"-" could be an array index'],
    ['/a b', 'a path is a JSON Pointer alone'],
    ['/a == 1', 'without a condition'],
    ['/a~2', '"~" must be followed by 0'],
    ['/a*b', 'stands for a whole key']
  ])('refuse %j, naming it: %s', (path, why) => {
    const e = refusal({ paths: [path] })
    expect(e.field).toBe('paths')
    expect(e.message).toContain(JSON.stringify(path))
    expect(e.message).toContain(why)
  })
})

describe('the line filter', () => {
  const p = compilePolicy({ keys: ['*api*key*', '*password*'], paths: ['/*/ssn'] })

  test('lets through a line holding a literal word of a pattern, in any ASCII case', () => {
    expect(p.mayTouch('{"a":{"PassWord":1}}')).toBe(true)
    expect(p.mayTouch('"path":"/user/ssn"')).toBe(true)
    expect(p.mayTouch('{"x-api-key":1}')).toBe(true)
  })

  test('lets through a line with an escape that could hide a word, or a marker to list', () => {
    expect(p.mayTouch('{"p\\u0061ssword":1}')).toBe(true)
    expect(p.mayTouch('{"$redacted":true}')).toBe(true)
  })

  test('stops a line with none of them', () => {
    expect(p.mayTouch('{"type":"state.update","slice":"todos","patches":[]}')).toBe(false)
  })

  test('a pattern that ends (or begins) with its word looks for it at the end (start) of a key, a string or a path segment', () => {
    const token = compilePolicy({ keys: ['*token', 'jwt*'], paths: [] })
    expect(token.mayTouch('{"accessToken":"x"}')).toBe(true)
    expect(token.mayTouch('{"op":"replace","path":"/auth/accessToken/value","value":"x"}')).toBe(true)
    expect(token.mayTouch('{"cause":{"type":"agent/token"}}')).toBe(true)
    expect(token.mayTouch('{"path":"/a~1token"}')).toBe(true)
    expect(token.mayTouch('{"jwtSecret":1}')).toBe(true)
    expect(token.mayTouch('{"path":"/jwtSecret/x"}')).toBe(true)
    // The word inside a longer key matches neither: such lines are copied, not parsed.
    expect(token.mayTouch('{"usage":{"outputTokens":3},"text":"a tokenizer"}')).toBe(false)
    expect(token.mayTouch('{"myjwt":1}')).toBe(false)
    // A Map's entries do not name their keys in a patch's path: read when keys are redacted.
    expect(token.mayTouch('{"path":"/vault/$map/0/1","value":"s"}')).toBe(true)
    expect(compilePolicy({ keys: [], paths: ['/user/ssn'] }).mayTouch('{"path":"/vault/$map/0/1"}')).toBe(false)
  })

  test('lets every line through when a pattern has no literal word', () => {
    expect(compilePolicy({ keys: [], paths: ['/*'] }).mayTouch('{}')).toBe(true)
  })
})

describe('readPolicy', () => {
  test('reads a policy, and refuses lists that are not lists of strings', () => {
    expect(readPolicy({ keys: ['a'], paths: [] })).toEqual({ keys: ['a'], paths: [] })
    expect(readPolicy({ keys: ['a'] })).toEqual({ keys: ['a'], paths: [] })
    expect(() => readPolicy({ keys: 'password' })).toThrow('"keys" must be a list of strings')
    expect(() => readPolicy({ paths: [1] })).toThrow('"paths" must be a list of strings')
    expect(() => readPolicy([])).toThrow('a policy is an object')
  })
})

describe('redacting', () => {
  const policy = compilePolicy({ keys: ['*password*', '*token'], paths: ['/users/*/ssn', '/vault'] })

  test('a state: secret keys at any depth, paths, whole slices; each place noted by path, never by value', () => {
    const log = new RedactionLog()
    const state = {
      users: [{ name: 'ann', ssn: '078-05-1120', login: { password: 'hunter2' } }],
      vault: { anything: 1 },
      todos: [{ title: 'x', tokens: 3 }]
    }
    const out = redactSlices(policy, state, (t) => log.add('paths', t))
    expect(out).toEqual({
      users: [{ name: 'ann', ssn: { $redacted: true }, login: { password: { $redacted: true } } }],
      vault: { $redacted: true },
      todos: [{ title: 'x', tokens: 3 }]
    })
    expect(out.todos).toBe(state.todos)
    expect(log.places()).toEqual({ paths: ['/users/0/ssn', '/users/0/login/password', '/vault'], actions: [], events: [], more: 0 })
    expect(JSON.stringify(log.places())).not.toContain('hunter2')
  })

  test('an action: its payload by key, or whole when its type is named', () => {
    const r = new EventRedactor(policy)
    const cause = { type: 'auth/setToken', payload: 'abc123' }
    const e = r.event({ type: 'state.update', seq: 1, slice: 'a', value: 1, cause, timestamp: 0 })
    expect(e).toMatchObject({ cause: { type: 'auth/setToken', payload: { $redacted: true } } })
    const login = r.event({
      type: 'state.update',
      seq: 2,
      slice: 'a',
      value: 1,
      cause: { type: 'login', payload: { user: 'ann', password: 'pw' }, meta: { token: 't' } },
      timestamp: 0
    })
    expect(login).toMatchObject({
      cause: { payload: { user: 'ann', password: { $redacted: true } }, meta: { token: { $redacted: true } } }
    })
    expect(r.log.places().actions).toEqual(['/payload', '/payload/password', '/meta/token'])
  })

  test('a change below a redacted place becomes a replace of that place with the marker', () => {
    const r = new EventRedactor(policy)
    const e = r.event({
      type: 'state.update',
      seq: 1,
      slice: 'users',
      patches: [
        { op: 'add', path: '/0/login/password/0', value: 'h' },
        { op: 'add', path: '/0/login/password/1', value: 'i' },
        { op: 'replace', path: '/0/name', value: 'bob' }
      ],
      cause: { type: 'type' },
      timestamp: 0
    })
    expect(e).toMatchObject({
      patches: [
        { op: 'replace', path: '/0/login/password', value: { $redacted: true } },
        { op: 'replace', path: '/0/name', value: 'bob' }
      ]
    })
  })

  test('lists the first places and counts the rest', () => {
    const log = new RedactionLog(2)
    for (const k of ['a', 'b', 'a', 'c', 'd']) log.add('paths', [k])
    expect(log.places()).toEqual({ paths: ['/a', '/b'], actions: [], events: [], more: 2 })
    expect(log.count).toBe(5)
  })
})
