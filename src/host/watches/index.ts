export { createWatchRegistry, WatchRegistry, UnknownWatch, MAX_WATCHES } from './registry'
export type { PauseSpec, WatchRegistryOptions } from './registry'
export { throttled } from './throttle'
