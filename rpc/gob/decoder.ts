import { ByteReader, gobDecodeError } from './byte-reader.js';
import { BASIC_TYPE_IDS } from './go-type.js';
import type { GobValue } from './value.js';
import type { WireType } from './wire-type.js';
import { readWireType } from './wire-type.js';

export interface GobDecoderOptions {
  /** Deepest nesting of values accepted (structs, maps, slices, interfaces). Default 200. */
  readonly maxDepth?: number;
  /** Type definitions already received on this stream (to resume after earlier values). */
  readonly types?: ReadonlyMap<number, WireType>;
}

const FIRST_USER_ID = 65;
const MAX_TYPE_ID = 0x7fffffff;
/** Go refuses longer interface type names (decode.go decodeInterface). */
const MAX_NAME_LENGTH = 1024;
const ID = BASIC_TYPE_IDS;
const utf8 = new TextDecoder();

/**
 * One gob.Decoder over a complete byte stream. Like Go's decoder it reads a message at a time
 * and pulls in the next message only while it looks for a type id, which is how values whose
 * encoder flushed type definitions in the middle (interfaces) decode (decoder.go
 * decodeTypeSequence). Every length and count is checked against the bytes that remain, and
 * nesting is bounded, so hostile input ends in a PKR_ERR_GOB_DECODE error, never in a hang, a
 * huge allocation or a stack overflow. Errors caused by the input ending early carry
 * `details.truncated = true`.
 */
export class GobStreamDecoder {
  readonly #input: Uint8Array;
  readonly #maxDepth: number;
  readonly #types = new Map<number, WireType>();
  #next = 0; // where the next message starts
  #msg: ByteReader;
  #typesEnd = 0; // end of the type-definition messages read between values
  #typesAtEnd: ReadonlyMap<number, WireType> = new Map();

  constructor(input: Uint8Array, options: GobDecoderOptions = {}) {
    this.#input = input;
    this.#maxDepth = options.maxDepth ?? 200;
    for (const [id, wire] of options.types ?? []) this.#types.set(id, wire);
    this.#msg = new ByteReader(input, 0, 0, false);
  }

  /** Type definitions received so far, by id. */
  get types(): ReadonlyMap<number, WireType> {
    return this.#types;
  }

  /** Bytes consumed so far (the end of the last message read). */
  get offset(): number {
    return this.#next;
  }

  /**
   * Where the type-definition messages read since the last complete value end: an incremental
   * reader can keep the types and drop those bytes even when the value itself is incomplete.
   */
  get typesEnd(): number {
    return this.#typesEnd;
  }

  /** The type definitions as they stood at {@link typesEnd}. */
  get typesAtTypesEnd(): ReadonlyMap<number, WireType> {
    return this.#typesAtEnd;
  }

  /** True when every byte has been consumed. */
  get done(): boolean {
    return this.#next >= this.#input.length && this.#msg.remaining === 0;
  }

  /** Decodes the next top-level value, or returns undefined at a clean end of the stream. */
  next(): GobValue | undefined {
    if (this.#msg.remaining > 0) {
      throw gobDecodeError(`${this.#msg.remaining} unread bytes after a value`, this.#msg.pos);
    }
    if (this.#next >= this.#input.length) return undefined;
    const id = this.#typeSequence(false);
    const value = this.#value(id, 0);
    if (this.#msg.remaining > 0) {
      throw gobDecodeError(`${this.#msg.remaining} unread bytes after a value`, this.#msg.pos);
    }
    return value;
  }

  #recvMessage(): boolean {
    if (this.#next >= this.#input.length) return false;
    const header = new ByteReader(this.#input, this.#next, this.#input.length, true);
    const start = header.pos;
    const length = header.uintNumber('message length', MAX_TYPE_ID);
    if (length === 0) throw gobDecodeError('empty message', start);
    if (length > header.remaining) {
      throw gobDecodeError(`message of ${length} bytes, ${header.remaining} left`, start, true);
    }
    this.#msg = new ByteReader(this.#input, header.pos, header.pos + length, false);
    this.#next = header.pos + length;
    return true;
  }

  /** Reads type definitions until a value's type id comes. */
  #typeSequence(inInterface: boolean): number {
    for (;;) {
      if (this.#msg.remaining === 0 && !this.#recvMessage()) {
        throw gobDecodeError('stream ended before a value', this.#next, true);
      }
      const at = this.#msg.pos;
      const id = this.#msg.int('type id');
      if (id > BigInt(MAX_TYPE_ID) || id < -BigInt(MAX_TYPE_ID))
        throw gobDecodeError(`type id ${id} out of range`, at);
      if (id >= 0n) return Number(id);
      this.#recvType(Number(-id), at);
      if (!inInterface && this.#msg.remaining === 0) {
        this.#typesEnd = this.#next;
        this.#typesAtEnd = new Map(this.#types);
      }
      if (this.#msg.remaining > 0) {
        if (!inInterface) throw gobDecodeError('extra data after a type definition', this.#msg.pos);
        // Inside an interface value the rest of the buffer starts with the byte count of the
        // flushed chunk that follows; Go skips it the same way.
        this.#msg.uint('chunk length');
      }
    }
  }

  #recvType(id: number, at: number): void {
    if (id < FIRST_USER_ID) throw gobDecodeError(`type definition for reserved id ${id}`, at);
    if (this.#types.has(id)) throw gobDecodeError(`duplicate type definition for id ${id}`, at);
    this.#types.set(id, readWireType(this.#msg));
  }

  /** Every byte not yet read: the bound for counts (each element takes at least one byte). */
  #available(): number {
    return this.#msg.remaining + (this.#input.length - this.#next);
  }

  #count(what: string): number {
    const at = this.#msg.pos;
    const count = this.#msg.uintNumber(what);
    if (count > this.#available()) throw gobDecodeError(`${what} ${count} exceeds the input`, at);
    return count;
  }

  #wire(id: number, at: number): WireType {
    const wire = this.#types.get(id);
    if (!wire) throw gobDecodeError(`unknown type id ${id}`, at);
    return wire;
  }

  /** A top-level or interface value: a struct as itself, anything else after a zero delta. */
  #value(id: number, depth: number): GobValue {
    const wire = id >= FIRST_USER_ID ? this.#wire(id, this.#msg.pos) : undefined;
    if (wire?.kind === 'struct') return this.#struct(wire, depth);
    const at = this.#msg.pos;
    if (this.#msg.uint('singleton delta') !== 0n) throw gobDecodeError('non-zero delta for a singleton', at);
    return this.#element(id, depth);
  }

  #element(id: number, depth: number): GobValue {
    const at = this.#msg.pos;
    if (depth > this.#maxDepth) throw gobDecodeError(`values nested deeper than ${this.#maxDepth}`, at);
    const msg = this.#msg;
    switch (id) {
      case ID.bool:
        return { kind: 'bool', value: msg.uint('bool') !== 0n };
      case ID.int:
        return { kind: 'int', value: msg.int('int') };
      case ID.uint:
        return { kind: 'uint', value: msg.uint('uint') };
      case ID.float:
        return { kind: 'float', value: msg.float('float') };
      case ID.complex:
        return { kind: 'complex', real: msg.float('complex real'), imag: msg.float('complex imag') };
      case ID.bytes:
        return { kind: 'bytes', value: msg.byteString('bytes') };
      case ID.string:
        return { kind: 'string', value: msg.string('string') };
      case ID.interface:
        return this.#interface(depth);
      default:
        break;
    }
    const wire = this.#wire(id, at);
    switch (wire.kind) {
      case 'struct':
        return this.#struct(wire, depth);
      case 'map': {
        const count = this.#count('map size');
        const entries: Array<readonly [GobValue, GobValue]> = [];
        for (let i = 0; i < count; i++) {
          const key = this.#element(wire.key, depth + 1);
          entries.push([key, this.#element(wire.elem, depth + 1)]);
        }
        return { kind: 'map', typeId: id, name: wire.name, entries };
      }
      case 'slice':
      case 'array': {
        const count = this.#count(`${wire.kind} length`);
        if (wire.kind === 'array' && count !== wire.len) {
          throw gobDecodeError(`array length ${count}, type says ${wire.len}`, at);
        }
        const elements: GobValue[] = [];
        for (let i = 0; i < count; i++) elements.push(this.#element(wire.elem, depth + 1));
        return { kind: wire.kind, typeId: id, name: wire.name, elements };
      }
      default: {
        const marshaler =
          wire.kind === 'gobEncoder' ? 'gob' : wire.kind === 'binaryMarshaler' ? 'binary' : 'text';
        return {
          kind: 'encoded',
          typeId: id,
          name: wire.name,
          marshaler,
          bytes: this.#msg.byteString(wire.kind),
        };
      }
    }
  }

  #struct(wire: WireType & { kind: 'struct' }, depth: number): GobValue {
    if (depth > this.#maxDepth)
      throw gobDecodeError(`values nested deeper than ${this.#maxDepth}`, this.#msg.pos);
    const fields = new Map<string, GobValue>();
    let fieldNum = -1;
    for (;;) {
      const at = this.#msg.pos;
      const delta = this.#msg.uintNumber('field delta', MAX_TYPE_ID);
      if (delta === 0) break;
      fieldNum += delta;
      const field = wire.fields[fieldNum];
      if (!field)
        throw gobDecodeError(`field number ${fieldNum} out of range for ${wire.name || 'struct'}`, at);
      fields.set(field.name, this.#element(field.id, depth + 1));
    }
    return { kind: 'struct', typeId: wire.id, name: wire.name, fields };
  }

  #interface(depth: number): GobValue {
    const at = this.#msg.pos;
    const length = this.#msg.uintNumber('interface name length');
    if (length > MAX_NAME_LENGTH) throw gobDecodeError(`interface name of ${length} bytes`, at);
    const name = utf8.decode(this.#msg.take(length, 'interface name'));
    if (name === '') return { kind: 'interface', name: '', value: null };
    const id = this.#typeSequence(true);
    // The byte count of the value is there so a decoder can skip it; Go ignores it, and after
    // a flush it counts only the first chunk, so it cannot be used as a bound.
    this.#msg.uint('interface value length');
    return { kind: 'interface', name, value: this.#value(id, depth + 1) };
  }
}

/** Decodes every top-level value of a complete gob stream. */
export function decodeGob(bytes: Uint8Array, options?: GobDecoderOptions): GobValue[] {
  const decoder = new GobStreamDecoder(bytes, options);
  const values: GobValue[] = [];
  for (let value = decoder.next(); value !== undefined; value = decoder.next()) values.push(value);
  return values;
}

/** Decodes a stream that must hold exactly one value (a GobEncode blob, a CommandFinished). */
export function decodeGobValue(bytes: Uint8Array, options?: GobDecoderOptions): GobValue {
  const decoder = new GobStreamDecoder(bytes, options);
  const value = decoder.next();
  if (value === undefined) throw gobDecodeError('empty stream', 0, true);
  if (!decoder.done) throw gobDecodeError('more than one value in the stream', decoder.offset);
  return value;
}
