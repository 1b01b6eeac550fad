/**
 * The host's parts run in one thread without a host (the differ against fast-json-patch, and a
 * change's CPU part by part), in a child process of their own for each measurement: V8 tunes the
 * differ's code to the objects it has met, so a shape measured after another in the same process
 * would pay for the other's (frozen arrays, or undeclared objects diffed in full).
 */
import { components } from '../phases/components'
import { differ } from '../phases/patches'
import { serveRequests, type Request } from './protocol'

serveRequests((request: Request) => {
  switch (request.t) {
    case 'differ':
      return differ(request.shape, request.startStep, request.steps)
    case 'components':
      return components(request.shape, request.startStep, request.steps, request.chunk)
    case 'close':
      return null
    default:
      throw new Error(`the in-process child does not answer ${request.t}`)
  }
})
process.send?.({ t: 'ready', origin: '', token: '' })
