/**
 * HashiCorp yamux, byte-compatible with Packer core: frames, an incremental decoder, and a
 * session of Node `Duplex` streams with Go's flow control, keep-alive and GoAway.
 * @packageDocumentation
 */
export { YamuxSession, type YamuxSessionEvents } from './session.js';
export { YamuxStream } from './stream.js';
export {
  resolveYamuxOptions,
  yamuxDefaults,
  type YamuxConfig,
  type YamuxLogger,
  type YamuxLogLevel,
  type YamuxOptions,
  type YamuxRole,
} from './config.js';
export {
  decodeHeader,
  encodeFrame,
  encodeHeader,
  flagNames,
  frameTypeName,
  Flag,
  FrameType,
  GoAwayCode,
  HEADER_SIZE,
  INITIAL_STREAM_WINDOW,
  PROTOCOL_VERSION,
  type Frame,
  type FrameHeader,
  type FrameInput,
} from './frame.js';
export { FrameDecoder, type FrameDecoderOptions } from './frame-decoder.js';
