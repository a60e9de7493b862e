/**
 * A byte-level subset of Go's encoding/gob: what Packer exchanges as gob (ConfigSpec, cty types
 * and values, CommandFinished). No I/O: bytes in, bytes out.
 */
export type {
  GoBasicKind,
  GoBasicType,
  GoField,
  GoGobEncoderType,
  GoMapType,
  GoNamed,
  GoSliceType,
  GoStructType,
  GoType,
} from './go-type.js';
export { BASIC_TYPE_IDS, goBasic, goMap, goSlice, goString, goStruct, goTypeKey } from './go-type.js';
export { GobTypeSpace, type TypeInfo } from './type-space.js';
export type { WireField, WireType } from './wire-type.js';
export {
  GobStreamEncoder,
  encodeGob,
  type GoGobEncodable,
  type GoInterfaceValue,
  type GoMapValue,
  type GoValue,
} from './encoder.js';
export { GobStreamDecoder, decodeGob, decodeGobValue, type GobDecoderOptions } from './decoder.js';
export {
  expectGobKind,
  gobFieldBool,
  gobFieldInt,
  gobFieldString,
  type GobValue,
  type GobValueOf,
} from './value.js';
export { gobDecodeError } from './byte-reader.js';
export { GobChunkReader, type GobChunkReaderOptions } from './stream-reader.js';
export {
  BROKEN_RESPONSE_EXIT_STATUS,
  CommandFinishedReader,
  commandFinishedExitStatus,
  decodeCommandFinished,
  encodeCommandFinished,
} from './command-finished.js';
