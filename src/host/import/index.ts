export { convertForeign } from './convert'
export type { ConvertOptions, ForeignConversion } from './convert'
export { ForeignFileError } from './errors'
export { readAnySession, type ReadFile } from './read'
