import { BinaryReader, BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { SdkError } from '../../errors/index.js';
import type { CtyType } from '../cty/index.js';
import { compareGoStrings, ctyPrimitiveGoString } from '../cty/index.js';
import type { HclSpec, HclSpecNode } from './spec.js';
import { MAX_SPEC_DEPTH, assertHclSpec } from './spec.js';

/**
 * The protobuf form of a ConfigSpec (`--protobuf` mode, Packer ≥1.12): one `Spec` message of
 * packer-plugin-sdk's rpc/hcl_spec.proto with `object` set (protocol §5.4b):
 *
 *   Spec      { oneof { Object object = 1; Attr attr = 2; Block block_value = 3; BlockList block_list = 4 } }
 *   Object    { map<string, Spec> attributes = 1 }
 *   Attr      { string name = 1; CtyType type = 2; bool required = 3 }
 *   Block     { string name = 1; bool required = 2; Spec nested = 3 }
 *   BlockList { string name = 1; Spec nested = 2 }
 *   CtyType   { oneof { CtyPrimitive primitive = 1; CtyList list = 2; CtyMap map = 3 } }
 *   CtyPrimitive { string typeString = 1 }  CtyList / CtyMap { CtyType elementType = 1 }
 *
 * The SDK's converter (rpc/convert.go) cannot express blockAttrs, blockObject, or set, object,
 * tuple and dynamic types, and drops blockList min/max items; so does this encoder.
 */

const LEN = WireType.LengthDelimited;

function unsupported(message: string, path: string): SdkError {
  return new SdkError('PKR_ERR_HCLSPEC_PROTOBUF', `${message} (attribute ${path || '.'})`, {
    details: { path },
  });
}

function writeType(w: BinaryWriter, type: CtyType, path: string): void {
  const primitive = ctyPrimitiveGoString(type);
  if (primitive !== undefined) {
    w.tag(1, LEN).fork().tag(1, LEN).string(primitive).join();
    return;
  }
  if (type.kind === 'list' || type.kind === 'map') {
    w.tag(type.kind === 'list' ? 2 : 3, LEN)
      .fork()
      .tag(1, LEN)
      .fork();
    writeType(w, type.element, path);
    w.join().join();
    return;
  }
  throw unsupported(`the protobuf ConfigSpec cannot carry ${type.kind} types`, path);
}

function writeObject(w: BinaryWriter, spec: HclSpec, path: string): void {
  // Spec.object (field 1) → Object.attributes (field 1), one map entry {1: key, 2: Spec} each.
  w.tag(1, LEN).fork();
  // Go's proto.Marshal walks the map in random order; sorted keys match protoc's vectors.
  for (const key of Object.keys(spec).sort(compareGoStrings)) {
    const at = path ? `${path}.${key}` : key;
    w.tag(1, LEN).fork();
    if (key !== '') w.tag(1, LEN).string(key);
    w.tag(2, LEN).fork();
    writeNode(w, spec[key]!, at);
    w.join().join();
  }
  w.join();
}

function writeString(w: BinaryWriter, field: number, value: string): void {
  if (value !== '') w.tag(field, LEN).string(value);
}

function writeNode(w: BinaryWriter, node: HclSpecNode, path: string): void {
  switch (node.kind) {
    case 'attr':
      w.tag(2, LEN).fork();
      writeString(w, 1, node.name);
      w.tag(2, LEN).fork();
      writeType(w, node.type, path);
      w.join();
      if (node.required) w.tag(3, WireType.Varint).bool(true);
      w.join();
      return;
    case 'block':
      w.tag(3, LEN).fork();
      writeString(w, 1, node.typeName);
      if (node.required) w.tag(2, WireType.Varint).bool(true);
      w.tag(3, LEN).fork();
      writeObject(w, node.nested, path);
      w.join().join();
      return;
    case 'blockList':
      w.tag(4, LEN).fork();
      writeString(w, 1, node.typeName);
      w.tag(2, LEN).fork();
      writeObject(w, node.nested, path);
      w.join().join();
      return;
    default:
      throw unsupported(`the protobuf ConfigSpec cannot carry ${node.kind} specs`, path);
  }
}

/**
 * The ConfigSpec bytes for `--protobuf` mode (equal to the configspec-protobuf vectors). Specs
 * the protobuf form cannot carry fail with PKR_ERR_HCLSPEC_PROTOBUF naming the attribute.
 */
export function encodeSpecProtobuf(spec: HclSpec): Uint8Array {
  assertHclSpec(spec);
  const w = new BinaryWriter();
  writeObject(w, spec, '');
  return w.finish();
}

function decodeError(message: string, cause?: unknown): SdkError {
  return new SdkError(
    'PKR_ERR_HCLSPEC_DECODE',
    `protobuf ConfigSpec: ${message}`,
    cause === undefined ? {} : { cause },
  );
}

/** Calls `onField` for each field of the message in `bytes`; unknown fields are skipped. */
function fields(bytes: Uint8Array, onField: (no: number, r: BinaryReader, type: WireType) => boolean): void {
  const r = new BinaryReader(bytes);
  while (r.pos < r.len) {
    const [no, type] = r.tag();
    if (!onField(no, r, type)) r.skip(type, no);
  }
}

function readType(bytes: Uint8Array, depth: number): CtyType {
  if (depth > MAX_SPEC_DEPTH) throw decodeError('types nested too deeply');
  let result: CtyType | undefined;
  fields(bytes, (no, r, t) => {
    if (t !== LEN || no < 1 || no > 3) return false;
    const body = r.bytes();
    if (no === 1) {
      let name = '';
      fields(body, (n, rr, tt) => (n === 1 && tt === LEN ? ((name = rr.string()), true) : false));
      const kinds: Record<string, CtyType> = {
        'cty.String': { kind: 'string' },
        'cty.Number': { kind: 'number' },
        'cty.Bool': { kind: 'bool' },
      };
      if (!Object.hasOwn(kinds, name)) throw decodeError(`unknown primitive ${JSON.stringify(name)}`);
      result = kinds[name];
    } else {
      let element: CtyType | undefined;
      fields(body, (n, rr, tt) =>
        n === 1 && tt === LEN ? ((element = readType(rr.bytes(), depth + 1)), true) : false,
      );
      if (!element) throw decodeError('list or map type without an element type');
      result = { kind: no === 2 ? 'list' : 'map', element };
    }
    return true;
  });
  if (!result) throw decodeError('empty CtyType');
  return result;
}

function readSpecObject(bytes: Uint8Array, depth: number): HclSpec {
  if (depth > MAX_SPEC_DEPTH) throw decodeError('blocks nested too deeply');
  let object: HclSpec | undefined;
  fields(bytes, (no, r, t) => {
    if (no !== 1 || t !== LEN) {
      if (no >= 2 && no <= 4) throw decodeError('expected an object spec');
      return false;
    }
    const entries: Array<readonly [string, HclSpecNode]> = [];
    fields(r.bytes(), (n, rr, tt) => {
      if (n !== 1 || tt !== LEN) return false;
      let key = '';
      let node: HclSpecNode | undefined;
      fields(rr.bytes(), (en, er, et) => {
        if (et !== LEN) return false;
        if (en === 1) key = er.string();
        else if (en === 2) node = readNode(er.bytes(), depth);
        else return false;
        return true;
      });
      if (!node) throw decodeError(`attribute ${JSON.stringify(key)} has no spec`);
      entries.push([key, node]);
      return true;
    });
    object = Object.fromEntries(entries);
    return true;
  });
  if (!object) throw decodeError('expected an object spec');
  return object;
}

function readNode(bytes: Uint8Array, depth: number): HclSpecNode {
  let node: HclSpecNode | undefined;
  fields(bytes, (no, r, t) => {
    if (t !== LEN) return false;
    const body = r.bytes();
    let name = '';
    let required = false;
    let type: CtyType | undefined;
    let nested: HclSpec | undefined;
    switch (no) {
      case 2:
        fields(body, (n, rr, tt) => {
          if (n === 1 && tt === LEN) name = rr.string();
          else if (n === 2 && tt === LEN) type = readType(rr.bytes(), depth + 1);
          else if (n === 3 && tt === WireType.Varint) required = rr.bool();
          else return false;
          return true;
        });
        if (!type) throw decodeError(`attribute ${JSON.stringify(name)} has no type`);
        node = { kind: 'attr', name, type, required };
        return true;
      case 3:
      case 4:
        fields(body, (n, rr, tt) => {
          if (n === 1 && tt === LEN) name = rr.string();
          else if (no === 3 && n === 2 && tt === WireType.Varint) required = rr.bool();
          else if (n === (no === 3 ? 3 : 2) && tt === LEN) nested = readSpecObject(rr.bytes(), depth + 1);
          else return false;
          return true;
        });
        if (!nested) throw decodeError(`block ${JSON.stringify(name)} has no nested spec`);
        node =
          no === 3
            ? { kind: 'block', typeName: name, nested, required }
            : { kind: 'blockList', typeName: name, nested, minItems: 0, maxItems: 0 };
        return true;
      case 1:
        throw decodeError('a nested object spec must sit inside a block');
      default:
        return false;
    }
  });
  if (!node) throw decodeError('empty Spec');
  return node;
}

/** Reads protobuf ConfigSpec bytes back into a spec (blockList limits come back as 0). */
export function decodeSpecProtobuf(bytes: Uint8Array): HclSpec {
  try {
    return readSpecObject(bytes, 0);
  } catch (err) {
    if (err instanceof SdkError) throw err;
    throw decodeError('malformed protobuf', err);
  }
}
