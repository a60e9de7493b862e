// Go net/rpc with ugorji's msgpack codec: the codec (encode/decode, streaming), narrowing
// helpers for decoded values, and the client and server over any byte stream.
export { encodeMsgpack, type EncodeOptions } from './encode.js';
export { decodeMsgpack, type DecodeOptions } from './decode.js';
export { MsgpackStreamDecoder, type StreamDecoderOptions } from './stream-decoder.js';
export { Float64, Unsigned } from './wrappers.js';
/** Unknown msgpack extension values decode to this (and encode from it). */
export { ExtData } from '@msgpack/msgpack';
export {
  asArray,
  asBool,
  asBytes,
  asFloat64,
  asInt,
  asInt64,
  asOptional,
  asString,
  asStringMap,
  asStruct,
  asTime,
  asUint32,
  asUint64,
  describeWireType,
  isNil,
  type Narrow,
} from './values.js';
export {
  encodeRequest,
  encodeResponse,
  readRequestHeader,
  readResponseHeader,
  splitServiceMethod,
  type RequestHeader,
  type ResponseHeader,
} from './message.js';
export { RpcClient, RpcServerError, type RpcCallOptions, type RpcClientOptions } from './client.js';
export { RpcServer, type RpcCallContext, type RpcHandler, type RpcServerOptions } from './server.js';
export { DEFAULT_MAX_MESSAGE_BYTES, type RpcLogger, type RpcLogLevel } from './options.js';
