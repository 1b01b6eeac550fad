export { convertForeign } from './convert'
export type { ConvertOptions, ForeignConversion } from './convert'
export { ForeignFileError } from './errors'
