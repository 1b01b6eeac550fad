/** A port for a test to ask a server for by number (a restart on the same port, `--port`). */
import { createServer } from 'node:net'

/** A port on 127.0.0.1 that was free a moment ago: the system's pick for port 0, released at once. */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}
