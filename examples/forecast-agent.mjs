// An agent that calls a weather service with `fetch`, picks its phrasing at random, stamps its
// requests with `crypto.randomUUID()` and `new Date()`, times them with `performance.now()` and
// streams its answer on timers: everything a replay has to pin. Point it at any service that
// answers `GET URL?city=NAME` with `{"tempC": number, "sky": string}`:
//
//   dispatch {"type": "forecast/ask", "payload": {"city": "Paris", "url": "http://127.0.0.1:8787/weather"}}
//
// then `npm run replay -- SESSION examples/forecast-agent.mjs` replays it with the service stopped.
//
// It has no `dispose`: unloading aborts `signal`, which cancels the request in flight and ends the
// stream at its next token, and the runtime's thread is ended after it.

import { EventEmitter } from 'node:events'

const OPENERS = ['Right now', 'At the moment', 'Currently', 'As of this minute']

export default function createRuntime({ signal }) {
  const bus = new EventEmitter()
  let state = { requests: {}, answers: [], status: 'idle' }
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

  function set(slice, after, action) {
    const before = state[slice]
    state = { ...state, [slice]: after }
    bus.emit('state-changed', { slice, before, after, causingAction: action })
  }

  function setRequest(id, patch, action) {
    set('requests', { ...state.requests, [id]: { ...state.requests[id], ...patch } }, action)
  }

  async function ask(city, url, action) {
    const id = crypto.randomUUID()
    const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(4))).toString('hex')
    const started = performance.now()
    set('status', 'fetching', action)
    setRequest(id, { id, city, nonce, at: new Date().toISOString(), status: 'fetching' }, action)
    let weather
    try {
      const res = await fetch(`${url}?city=${encodeURIComponent(city)}`, { signal })
      if (!res.ok) throw new Error(`the weather service answered ${res.status}`)
      weather = await res.json()
    } catch (e) {
      setRequest(id, { status: 'failed', error: e instanceof Error ? e.message : String(e) }, action)
      set('status', 'idle', action)
      return
    }
    setRequest(id, { status: 'answering', latencyMs: Math.round(performance.now() - started) }, action)
    const opener = OPENERS[Math.floor(Math.random() * OPENERS.length)]
    const text = `${opener} it is ${weather.tempC} °C in ${city} with ${weather.sky}.`
    set('answers', [...state.answers, { request: id, text: '' }], action)
    for (const token of text.match(/\S+\s*/g)) {
      await sleep(10 + Math.floor(Math.random() * 20))
      if (signal.aborted) return
      const answers = state.answers
      const last = answers[answers.length - 1]
      set('answers', [...answers.slice(0, -1), { ...last, text: last.text + token }], { type: 'forecast/token', payload: { token } })
    }
    setRequest(id, { status: 'answered', answeredAt: Date.now() }, action)
    set('status', 'idle', action)
  }

  let queue = Promise.resolve()
  return {
    bus,
    getState: () => state,
    dispatch(action) {
      if (action.type !== 'forecast/ask') throw new Error(`unknown action ${action.type}: try forecast/ask`)
      const { city = 'Paris', url = process.env.FORECAST_URL } = action.payload ?? {}
      if (typeof url !== 'string') throw new Error('forecast/ask needs payload.url (or FORECAST_URL): the weather service to ask')
      queue = queue.then(() => ask(String(city), url, action))
      return queue
    }
  }
}
