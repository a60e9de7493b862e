import { SdkError } from '../../errors/index.js';
import { ByteWriter, utf8Bytes } from './byte-writer.js';
import type { GoType } from './go-type.js';
import { goString, goTypeKey, goUserTypeKey } from './go-type.js';
import { GobTypeSpace } from './type-space.js';
import { writeWireType } from './wire-type.js';

/** A non-nil interface value: the registered gob name of the concrete type, the type, the value. */
export interface GoInterfaceValue {
  readonly concreteName: string;
  readonly type: GoType;
  readonly value: GoValue;
}

/**
 * A value of a GobEncoder type: `gobEncode` returns its bytes. It receives the type space so
 * that a nested gob stream (as cty.Type.GobEncode writes) draws ids from the same process.
 */
export interface GoGobEncodable {
  readonly gobEncode: (space: GobTypeSpace) => Uint8Array;
}

/** A map value: entries in the order they are written (Go's own order is random). */
export interface GoMapValue {
  readonly entries: ReadonlyArray<readonly [GoValue, GoValue]>;
}

/**
 * A value to encode; its shape must match the GoType it is encoded as:
 * bool → boolean; int/uint → number (integral) or bigint; float → number; string → string;
 * bytes → Uint8Array; slice → array; map → {@link GoMapValue} (null/undefined = nil map);
 * struct → record of field values (a missing field is Go's zero value); interface →
 * {@link GoInterfaceValue} or null (nil); gobEncoder → {@link GoGobEncodable} or null (zero).
 */
export type GoValue =
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | null
  | undefined
  | readonly GoValue[]
  | GoMapValue
  | GoInterfaceValue
  | GoGobEncodable
  | { readonly [field: string]: GoValue };

function encodeError(path: string, message: string): SdkError {
  return new SdkError('PKR_ERR_GOB_ENCODE', `gob encode ${path || '(top level)'}: ${message}`, {
    details: { path },
  });
}

function isRecord(value: GoValue): value is { readonly [field: string]: GoValue } {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)
  );
}

/**
 * One gob.Encoder: it remembers which types it has already described, while ids come from
 * the shared {@link GobTypeSpace}. It reproduces Go's byte layout exactly, including where Go
 * flushes a half-built message: when an interface value needs a type definition, the message
 * built so far and the definition go out together, and inside a nested interface value the
 * flushed part lands, length-prefixed, in the enclosing value (encoding/gob encoder.go
 * sendActualType, encode.go encodeInterface; annotated in the fixtures README).
 */
export class GobStreamEncoder {
  readonly space: GobTypeSpace;
  readonly #sent = new Map<string, number>();
  readonly #writers: ByteWriter[] = [];

  constructor(space: GobTypeSpace = new GobTypeSpace()) {
    this.space = space;
  }

  /** Encodes one top-level value (Go's Encoder.Encode) and returns the bytes it writes. */
  encode(type: GoType, value: GoValue): Uint8Array {
    if (type.kind === 'interface') throw encodeError('', 'a top-level value cannot be an interface');
    const out = new ByteWriter();
    this.#writers.length = 0;
    this.#writers.push(out);
    const message = new ByteWriter();
    this.#sendTypeDescriptor(out, message, type);
    message.int(this.#sent.get(goTypeKey(type)) ?? 0);
    this.#encodeValue(message, type, value, '');
    writeMessage(out, message);
    return out.toBytes();
  }

  #writer(): ByteWriter {
    return this.#writers[this.#writers.length - 1]!;
  }

  #sendTypeDescriptor(w: ByteWriter, state: ByteWriter, type: GoType): void {
    const key = type.kind === 'gobEncoder' ? goUserTypeKey(type) : goTypeKey(type);
    if (this.#sent.has(key)) return;
    if (!this.#sendType(w, state, type)) this.#sent.set(key, this.space.typeInfo(type).id);
  }

  #sendType(w: ByteWriter, state: ByteWriter, type: GoType): boolean {
    switch (type.kind) {
      case 'gobEncoder':
      case 'slice':
      case 'map':
      case 'struct':
        return this.#sendActualType(w, state, type);
      default:
        return false; // basic types and interfaces need no description
    }
  }

  #sendActualType(w: ByteWriter, state: ByteWriter, type: GoType): boolean {
    const baseKey = goTypeKey(type);
    if (this.#sent.has(baseKey)) return false;
    const info = this.space.typeInfo(type);
    state.int(-info.id);
    if (info.wire) writeWireType(state, info.wire);
    writeMessage(w, state);
    this.#sent.set(baseKey, info.id);
    this.#sent.set(goUserTypeKey(type), info.id);
    switch (type.kind) {
      case 'struct':
        for (const field of type.fields) this.#sendType(w, state, field.type);
        break;
      case 'slice':
        this.#sendType(w, state, type.elem);
        break;
      case 'map':
        this.#sendType(w, state, type.key);
        this.#sendType(w, state, type.elem);
        break;
      default:
        break;
    }
    return true;
  }

  /** Encoder.encode: a struct goes as itself, anything else as a "singleton" (delta 0 first). */
  #encodeValue(out: ByteWriter, type: GoType, value: GoValue, path: string): void {
    if (type.kind === 'struct') {
      this.#encodeStruct(out, type, value, path);
    } else {
      out.uint(0);
      this.#encodeBody(out, type, value, path);
    }
  }

  #encodeStruct(out: ByteWriter, type: GoType & { kind: 'struct' }, value: GoValue, path: string): void {
    if (value !== undefined && value !== null && !isRecord(value)) {
      throw encodeError(path, `expected a struct record for ${goString(type)}`);
    }
    let fieldNum = -1;
    type.fields.forEach((field, index) => {
      const fieldValue = value?.[field.name];
      const fieldPath = path ? `${path}.${field.name}` : field.name;
      if (isZero(field.type, fieldValue, fieldPath)) return;
      out.uint(index - fieldNum);
      fieldNum = index;
      this.#encodeBody(out, field.type, fieldValue, fieldPath);
    });
    out.uint(0);
  }

  /** The value without any field delta (an element of a slice or map, or after the delta). */
  #encodeBody(out: ByteWriter, type: GoType, value: GoValue, path: string): void {
    switch (type.kind) {
      case 'bool':
        out.uint(expectBool(value, path) ? 1 : 0);
        break;
      case 'int':
        out.int(expectInteger(value, path, true));
        break;
      case 'uint':
        out.uint(expectInteger(value, path, false));
        break;
      case 'float':
        out.float(expectNumber(value, path));
        break;
      case 'complex':
        throw encodeError(path, 'complex numbers are not supported');
      case 'string':
        out.string(expectString(value, path));
        break;
      case 'bytes':
        out.bytes(expectBytes(value, path));
        break;
      case 'slice': {
        const items = expectArray(value, path);
        out.uint(items.length);
        items.forEach((item, i) => this.#encodeElement(out, type.elem, item, `${path}[${i}]`));
        break;
      }
      case 'map': {
        const entries = expectMap(value, path);
        out.uint(entries.length);
        for (const [k, v] of entries) {
          this.#encodeElement(out, type.key, k, `${path}{key}`);
          this.#encodeElement(
            out,
            type.elem,
            v,
            `${path}[${typeof k === 'string' || typeof k === 'number' ? k : '…'}]`,
          );
        }
        break;
      }
      case 'struct':
        this.#encodeStruct(out, type, value, path);
        break;
      case 'interface':
        this.#encodeInterface(out, value, path);
        break;
      case 'gobEncoder': {
        const encodable = expectGobEncodable(value, path);
        out.bytes(encodable.gobEncode(this.space));
        break;
      }
    }
  }

  #encodeElement(out: ByteWriter, type: GoType, value: GoValue, path: string): void {
    // Elements are sent even when zero; a nil map element is an empty map.
    this.#encodeBody(out, type, type.kind === 'map' && value == null ? { entries: [] } : value, path);
  }

  #encodeInterface(b: ByteWriter, value: GoValue, path: string): void {
    if (value === null || value === undefined) {
      b.uint(0); // nil interface: empty name
      return;
    }
    if (!isInterfaceValue(value))
      throw encodeError(path, 'expected an interface value {concreteName, type, value}');
    if (value.concreteName === '') throw encodeError(path, 'an interface value needs a registered name');
    b.bytes(utf8Bytes(value.concreteName));
    this.#sendTypeDescriptor(this.#writer(), b, value.type);
    b.int(this.#sent.get(goTypeKey(value.type)) ?? 0);
    this.#writers.push(b);
    const data = new ByteWriter();
    try {
      this.#encodeValue(data, value.type, value.value, path);
    } finally {
      this.#writers.pop();
    }
    writeMessage(b, data);
  }
}

/** gob framing: uvarint(length) then the bytes; the source buffer is emptied. */
function writeMessage(w: ByteWriter, message: ByteWriter): void {
  w.uint(message.length);
  w.raw(message.toBytes());
  message.reset();
}

/** Go omits a struct field holding its type's zero value (structs themselves are always sent). */
function isZero(type: GoType, value: GoValue, path: string): boolean {
  switch (type.kind) {
    case 'struct':
      return false;
    case 'map':
      return value === null || value === undefined; // an empty, non-nil map is sent
    case 'bool':
      return value === undefined || value === null || value === false;
    case 'int':
    case 'uint':
    case 'float':
      return value === undefined || value === null || value === 0 || value === 0n;
    case 'string':
      return value === undefined || value === null || value === '';
    case 'bytes':
      return value === undefined || value === null || (value instanceof Uint8Array && value.length === 0);
    case 'slice':
      return value === undefined || value === null || (Array.isArray(value) && value.length === 0);
    case 'interface':
    case 'gobEncoder':
      return value === undefined || value === null;
    case 'complex':
      throw encodeError(path, 'complex numbers are not supported');
  }
}

function isInterfaceValue(value: GoValue): value is GoInterfaceValue {
  return isRecord(value) && typeof value.concreteName === 'string' && isRecord(value.type);
}

function expectBool(value: GoValue, path: string): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw encodeError(path, 'expected a boolean');
  return value;
}

function expectInteger(value: GoValue, path: string, signed: boolean): bigint {
  if (value === undefined || value === null) return 0n;
  let big: bigint;
  if (typeof value === 'bigint') big = value;
  else if (typeof value === 'number' && Number.isSafeInteger(value)) big = BigInt(value);
  else
    throw encodeError(path, `expected an integer, got ${typeof value === 'number' ? value : typeof value}`);
  const [min, max] = signed ? [-(1n << 63n), (1n << 63n) - 1n] : [0n, (1n << 64n) - 1n];
  if (big < min || big > max)
    throw encodeError(path, `${big} does not fit a 64-bit ${signed ? 'int' : 'uint'}`);
  return big;
}

function expectNumber(value: GoValue, path: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number') throw encodeError(path, 'expected a number');
  return value;
}

function expectString(value: GoValue, path: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw encodeError(path, 'expected a string');
  return value;
}

function expectBytes(value: GoValue, path: string): Uint8Array {
  if (value === undefined || value === null) return new Uint8Array(0);
  if (!(value instanceof Uint8Array)) throw encodeError(path, 'expected a Uint8Array');
  return value;
}

function expectArray(value: GoValue, path: string): readonly GoValue[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw encodeError(path, 'expected an array');
  return value as readonly GoValue[];
}

function expectMap(value: GoValue, path: string): ReadonlyArray<readonly [GoValue, GoValue]> {
  if (value === undefined || value === null) return [];
  if (!isRecord(value) || !Array.isArray(value.entries)) throw encodeError(path, 'expected a map {entries}');
  return (value as unknown as GoMapValue).entries;
}

function expectGobEncodable(value: GoValue, path: string): GoGobEncodable {
  if (isRecord(value) && typeof value.gobEncode === 'function') return value as unknown as GoGobEncodable;
  throw encodeError(path, 'expected a GobEncoder value {gobEncode}');
}

/**
 * Gob-encodes one value as a fresh Go encoder would (a one-value stream).
 * @example encodeGob(commandFinishedType, { ExitStatus: 1 }) // 2cff81…05ff82010200
 */
export function encodeGob(
  type: GoType,
  value: GoValue,
  space: GobTypeSpace = new GobTypeSpace(),
): Uint8Array {
  return new GobStreamEncoder(space).encode(type, value);
}
