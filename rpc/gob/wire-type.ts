import type { ByteReader } from './byte-reader.js';
import { gobDecodeError } from './byte-reader.js';
import type { ByteWriter } from './byte-writer.js';

/**
 * gob's type definitions as they travel (`wireType` in encoding/gob type.go). Exactly one of
 * ArrayT, SliceT, StructT, MapT, GobEncoderT, BinaryMarshalerT, TextMarshalerT is set; each
 * starts with CommonType{Name, Id}.
 */
export interface WireField {
  readonly name: string;
  readonly id: number;
}

export type WireType =
  | {
      readonly kind: 'array';
      readonly name: string;
      readonly id: number;
      readonly elem: number;
      readonly len: number;
    }
  | { readonly kind: 'slice'; readonly name: string; readonly id: number; readonly elem: number }
  | {
      readonly kind: 'struct';
      readonly name: string;
      readonly id: number;
      readonly fields: readonly WireField[];
    }
  | {
      readonly kind: 'map';
      readonly name: string;
      readonly id: number;
      readonly key: number;
      readonly elem: number;
    }
  | {
      readonly kind: 'gobEncoder' | 'binaryMarshaler' | 'textMarshaler';
      readonly name: string;
      readonly id: number;
    };

/** Field numbers of wireType, in declaration order. */
const WIRE_FIELDS = [
  'array',
  'slice',
  'struct',
  'map',
  'gobEncoder',
  'binaryMarshaler',
  'textMarshaler',
] as const;

function writeCommon(out: ByteWriter, name: string, id: number): void {
  // CommonType is field 0 of every xxxType struct; a struct field is always sent.
  out.uint(1);
  if (name !== '') {
    out.uint(1);
    out.string(name);
    out.uint(1);
  } else {
    out.uint(2);
  }
  out.int(id);
  out.uint(0);
}

/** Appends the gob encoding of `wire` (a wireType struct value) to `out`. */
export function writeWireType(out: ByteWriter, wire: WireType): void {
  out.uint(WIRE_FIELDS.indexOf(wire.kind) + 1);
  writeCommon(out, wire.name, wire.id);
  switch (wire.kind) {
    case 'array':
      out.uint(1);
      out.int(wire.elem);
      out.uint(1);
      out.int(wire.len);
      break;
    case 'slice':
      out.uint(1);
      out.int(wire.elem);
      break;
    case 'struct':
      // Field is a []*fieldType: omitted when empty, like any empty slice in a struct.
      if (wire.fields.length > 0) {
        out.uint(1);
        out.uint(wire.fields.length);
        for (const field of wire.fields) {
          if (field.name !== '') {
            out.uint(1);
            out.string(field.name);
            out.uint(1);
          } else {
            out.uint(2);
          }
          out.int(field.id);
          out.uint(0);
        }
      }
      break;
    case 'map':
      out.uint(1);
      out.int(wire.key);
      out.uint(1);
      out.int(wire.elem);
      break;
    default:
      break;
  }
  out.uint(0); // end of xxxType
  out.uint(0); // end of wireType
}

/**
 * Reads a gob struct whose fields are all small: calls `onField(index)` for each field present
 * and returns when the struct ends. `count` bounds the field numbers.
 */
function readStruct(input: ByteReader, what: string, count: number, onField: (index: number) => void): void {
  let field = -1;
  for (;;) {
    const start = input.pos;
    const delta = input.uintNumber(`${what} field delta`, count + 1);
    if (delta === 0) return;
    field += delta;
    if (field >= count) throw gobDecodeError(`${what}: field number ${field} out of range`, start);
    onField(field);
  }
}

function readTypeId(input: ByteReader, what: string): number {
  const start = input.pos;
  const id = input.intNumber(what);
  if (id < 0 || id > 0x7fffffff) throw gobDecodeError(`${what}: invalid type id ${id}`, start);
  return id;
}

/** Reads one wireType value (the body of a type-definition message). */
export function readWireType(input: ByteReader): WireType {
  const start = input.pos;
  let result: WireType | undefined;
  readStruct(input, 'wireType', WIRE_FIELDS.length, (index) => {
    if (result !== undefined) throw gobDecodeError('wireType has more than one kind set', start);
    const kind = WIRE_FIELDS[index]!;
    let name = '';
    let id = 0;
    let elem = 0;
    let key = 0;
    let len = 0;
    const fields: WireField[] = [];
    const readCommon = (): void =>
      readStruct(input, 'CommonType', 2, (f) => {
        if (f === 0) name = input.string('type name');
        else id = readTypeId(input, 'CommonType.Id');
      });
    const layout: Record<(typeof WIRE_FIELDS)[number], number> = {
      array: 3,
      slice: 2,
      struct: 2,
      map: 3,
      gobEncoder: 1,
      binaryMarshaler: 1,
      textMarshaler: 1,
    };
    readStruct(input, `${kind}Type`, layout[kind], (f) => {
      if (f === 0) {
        readCommon();
        return;
      }
      switch (kind) {
        case 'array':
          if (f === 1) elem = readTypeId(input, 'arrayType.Elem');
          else len = input.intNumber('arrayType.Len');
          break;
        case 'slice':
          elem = readTypeId(input, 'sliceType.Elem');
          break;
        case 'map':
          if (f === 1) key = readTypeId(input, 'mapType.Key');
          else elem = readTypeId(input, 'mapType.Elem');
          break;
        case 'struct': {
          const countAt = input.pos;
          const count = input.uintNumber('structType.Field count');
          // Every field takes at least one byte, so a count beyond what is left is a lie.
          if (count > input.remaining)
            throw gobDecodeError(`field count ${count} exceeds the message`, countAt);
          for (let i = 0; i < count; i++) {
            let fieldName = '';
            let fieldId = 0;
            readStruct(input, 'fieldType', 2, (ff) => {
              if (ff === 0) fieldName = input.string('field name');
              else fieldId = readTypeId(input, 'fieldType.Id');
            });
            fields.push({ name: fieldName, id: fieldId });
          }
          break;
        }
        default:
          break;
      }
    });
    switch (kind) {
      case 'array':
        if (len < 0) throw gobDecodeError(`negative array length ${len}`, start);
        result = { kind, name, id, elem, len };
        break;
      case 'slice':
        result = { kind, name, id, elem };
        break;
      case 'struct':
        result = { kind, name, id, fields };
        break;
      case 'map':
        result = { kind, name, id, key, elem };
        break;
      default:
        result = { kind, name, id };
    }
  });
  if (result === undefined) throw gobDecodeError('empty wireType', start);
  return result;
}
