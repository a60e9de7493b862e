import { SdkError } from '../../errors/index.js';

/** Size of every yamux frame header (protocol §2.1: version, type, flags, stream id, length). */
export const HEADER_SIZE = 12;
/** The only protocol version yamux has ever had. */
export const PROTOCOL_VERSION = 0;
/** Every stream starts with this window in both directions (Go's `initialStreamWindow`). */
export const INITIAL_STREAM_WINDOW = 256 * 1024;

/** Message types; the names match Go's `typeData` … `typeGoAway`. */
export const FrameType = {
  Data: 0,
  WindowUpdate: 1,
  Ping: 2,
  GoAway: 3,
} as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

/** Flag bits; several may be set on one frame. */
export const Flag = {
  SYN: 0x1,
  ACK: 0x2,
  FIN: 0x4,
  RST: 0x8,
} as const;

/** GoAway codes carried in the length field. */
export const GoAwayCode = {
  Normal: 0,
  ProtocolError: 1,
  InternalError: 2,
} as const;
export type GoAwayCode = (typeof GoAwayCode)[keyof typeof GoAwayCode];

const TYPE_NAMES = ['Data', 'WindowUpdate', 'Ping', 'GoAway'] as const;

/**
 * A decoded header. `length` means payload size for Data, window delta for WindowUpdate,
 * the opaque ping id for Ping and the error code for GoAway.
 */
export interface FrameHeader {
  readonly type: FrameType;
  readonly flags: number;
  readonly streamId: number;
  readonly length: number;
}

/** A header plus its payload; only Data frames have a (possibly empty) payload, others an empty one. */
export interface Frame extends FrameHeader {
  readonly payload: Buffer;
}

/** What {@link encodeFrame} takes: `length` may be omitted for Data frames (the payload decides it). */
export interface FrameInput {
  readonly type: FrameType;
  readonly flags?: number;
  readonly streamId?: number;
  readonly length?: number;
  readonly payload?: Uint8Array;
}

/** The frame type's name ("Data", "WindowUpdate", …), for logs. */
export function frameTypeName(type: number): string {
  return TYPE_NAMES[type] ?? `unknown(${type})`;
}

/** Flags as "SYN|ACK" (or "-"), for logs. */
export function flagNames(flags: number): string {
  const names = Object.entries(Flag)
    .filter(([, bit]) => (flags & bit) !== 0)
    .map(([name]) => name);
  return names.length === 0 ? '-' : names.join('|');
}

/**
 * Encodes a 12-byte header (all fields big-endian).
 *
 * @example
 * encodeHeader({ type: FrameType.WindowUpdate, flags: Flag.SYN, streamId: 1, length: 0 });
 * // <Buffer 00 01 00 01 00 00 00 01 00 00 00 00>: core opening stream 1 in the traces
 */
export function encodeHeader(header: FrameHeader): Buffer {
  const out = Buffer.allocUnsafe(HEADER_SIZE);
  writeHeader(out, 0, header.type, header.flags, header.streamId, header.length);
  return out;
}

/** Encodes a whole frame: the header followed, for Data frames, by the payload. */
export function encodeFrame(frame: FrameInput): Buffer {
  const payload = frame.type === FrameType.Data ? (frame.payload ?? new Uint8Array(0)) : undefined;
  if (frame.type !== FrameType.Data && frame.payload !== undefined && frame.payload.length > 0) {
    throw new SdkError(
      'PKR_ERR_OPTION_INVALID',
      `a ${frameTypeName(frame.type)} frame cannot carry a payload`,
    );
  }
  const length = payload ? payload.length : (frame.length ?? 0);
  if (payload && frame.length !== undefined && frame.length !== payload.length) {
    throw new SdkError('PKR_ERR_OPTION_INVALID', 'a Data frame length must equal its payload length', {
      details: { length: frame.length, payload: payload.length },
    });
  }
  const out = Buffer.allocUnsafe(HEADER_SIZE + (payload?.length ?? 0));
  writeHeader(out, 0, frame.type, frame.flags ?? 0, frame.streamId ?? 0, length);
  if (payload) out.set(payload, HEADER_SIZE);
  return out;
}

/**
 * Decodes the header at `offset`. Throws a coded error for a version other than 0 or a type
 * above 3: Go yamux ends the session on both (`ErrInvalidVersion`, `ErrInvalidMsgType`).
 */
export function decodeHeader(bytes: Uint8Array, offset = 0): FrameHeader {
  if (bytes.length - offset < HEADER_SIZE) {
    throw new SdkError('PKR_ERR_OPTION_INVALID', `a yamux header needs ${HEADER_SIZE} bytes`, {
      details: { available: Math.max(0, bytes.length - offset) },
    });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, HEADER_SIZE);
  const version = view.getUint8(0);
  if (version !== PROTOCOL_VERSION) {
    throw new SdkError('PKR_ERR_YAMUX_BAD_VERSION', `invalid yamux protocol version ${version}`, {
      details: { version },
    });
  }
  const type = view.getUint8(1);
  if (type > FrameType.GoAway) {
    throw new SdkError('PKR_ERR_YAMUX_BAD_TYPE', `invalid yamux message type ${type}`, { details: { type } });
  }
  return {
    type: type as FrameType,
    flags: view.getUint16(2),
    streamId: view.getUint32(4),
    length: view.getUint32(8),
  };
}

function writeHeader(
  out: Buffer,
  offset: number,
  type: number,
  flags: number,
  streamId: number,
  length: number,
): void {
  if (!Number.isInteger(type) || type < 0 || type > FrameType.GoAway) {
    throw new SdkError('PKR_ERR_OPTION_INVALID', `invalid yamux frame type ${type}`);
  }
  checkUint('flags', flags, 0xffff);
  checkUint('streamId', streamId, 0xffffffff);
  checkUint('length', length, 0xffffffff);
  out[offset] = PROTOCOL_VERSION;
  out[offset + 1] = type;
  out.writeUInt16BE(flags, offset + 2);
  out.writeUInt32BE(streamId, offset + 4);
  out.writeUInt32BE(length, offset + 8);
}

function checkUint(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new SdkError(
      'PKR_ERR_OPTION_INVALID',
      `yamux frame field ${name} must be an integer in 0..${max}`,
      {
        details: { [name]: value },
      },
    );
  }
}
