import { SdkError } from '../../errors/index.js';
import { decimalInt64, parseDecimal } from './number.js';
import type { CtyType } from './type.js';
import { MAX_CTY_DEPTH, attributeType, compareGoStrings, recordOf } from './type.js';
import { formatCtyType, parseCtyType } from './type-json.js';
import type { CtyTypedValue, CtyValue, CtyValueOf } from './value.js';
import { checkCtyValue, ctyNumber, orderedSetElements } from './value.js';

/**
 * go-cty's msgpack encoding (cty/msgpack), what `--protobuf` mode datasources return from
 * Execute: Marshal(value, DynamicPseudoType), i.e. `fixarray(2)[bin(type JSON), value]`.
 * Objects are maps with sorted keys; a number is the smallest int form when it is an int64,
 * else float64 when exact, else its decimal text as a string; null is `c0`; unknown is the
 * fixext1 `d4 00 00` (protocol §6.2). Integers use the compact forms vmihailenco/msgpack picks.
 */

const utf8 = new TextEncoder();

class MsgpackWriter {
  readonly parts: number[] = [];
  byte(...bytes: number[]): void {
    for (const b of bytes) this.parts.push(b & 0xff);
  }
  raw(bytes: Uint8Array): void {
    for (const b of bytes) this.parts.push(b);
  }
  uintN(value: bigint, n: number): void {
    for (let i = n - 1; i >= 0; i--) this.parts.push(Number((value >> BigInt(8 * i)) & 0xffn));
  }
  /** A type byte followed by an n-byte big-endian number. */
  head(code: number, value: bigint, n: number): void {
    this.byte(code);
    this.uintN(value, n);
  }
  int(value: bigint): void {
    if (value >= 0n) {
      if (value <= 0x7fn) this.byte(Number(value));
      else if (value <= 0xffn) this.head(0xcc, value, 1);
      else if (value <= 0xffffn) this.head(0xcd, value, 2);
      else if (value <= 0xffffffffn) this.head(0xce, value, 4);
      else this.head(0xcf, value, 8);
      return;
    }
    const u = (v: bigint, bits: number): bigint => v & ((1n << BigInt(bits)) - 1n);
    if (value >= -32n) this.byte(Number(u(value, 8)));
    else if (value >= -128n) this.head(0xd0, u(value, 8), 1);
    else if (value >= -32768n) this.head(0xd1, u(value, 16), 2);
    else if (value >= -(1n << 31n)) this.head(0xd2, u(value, 32), 4);
    else this.head(0xd3, u(value, 64), 8);
  }
  float64(value: number): void {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, value);
    this.byte(0xcb);
    this.raw(b);
  }
  string(value: string): void {
    const bytes = utf8.encode(value);
    const n = bytes.length;
    if (n < 32) this.byte(0xa0 | n);
    else if (n < 0x100) this.byte(0xd9, n);
    else if (n < 0x10000) this.head(0xda, BigInt(n), 2);
    else this.head(0xdb, BigInt(n), 4);
    this.raw(bytes);
  }
  bin(bytes: Uint8Array): void {
    const n = bytes.length;
    if (n < 0x100) this.byte(0xc4, n);
    else if (n < 0x10000) this.head(0xc5, BigInt(n), 2);
    else this.head(0xc6, BigInt(n), 4);
    this.raw(bytes);
  }
  arrayLen(n: number): void {
    if (n < 16) this.byte(0x90 | n);
    else if (n < 0x10000) this.head(0xdc, BigInt(n), 2);
    else this.head(0xdd, BigInt(n), 4);
  }
  mapLen(n: number): void {
    if (n < 16) this.byte(0x80 | n);
    else if (n < 0x10000) this.head(0xde, BigInt(n), 2);
    else this.head(0xdf, BigInt(n), 4);
  }
}

function writeNumber(out: MsgpackWriter, value: CtyValueOf<'number'>): void {
  if (value.decimal === undefined) {
    const x = value.value;
    if (Number.isInteger(x) && Math.abs(x) < 2 ** 63) out.int(BigInt(x));
    else out.float64(x);
    return;
  }
  const d = parseDecimal(value.decimal);
  const int64 = d ? decimalInt64(d) : undefined;
  if (int64 !== undefined) out.int(int64);
  else out.string(value.decimal);
}

function writeValue(out: MsgpackWriter, value: CtyValue, type: CtyType, depth: number): void {
  if (depth > MAX_CTY_DEPTH)
    throw new SdkError('PKR_ERR_CTY_VALUE', `value nested deeper than ${MAX_CTY_DEPTH}`);
  if (type.kind === 'dynamic' && value.kind === 'dynamic') {
    out.arrayLen(2);
    out.bin(utf8.encode(formatCtyType(value.type)));
    writeValue(out, value.value, value.type, depth + 1);
    return;
  }
  if (value.kind === 'dynamic') {
    writeValue(out, value.value, type, depth + 1);
    return;
  }
  switch (value.kind) {
    case 'unknown':
      out.byte(0xd4, 0, 0);
      return;
    case 'null':
      out.byte(0xc0);
      return;
    case 'string':
      out.string(value.value);
      return;
    case 'bool':
      out.byte(value.value ? 0xc3 : 0xc2);
      return;
    case 'number':
      writeNumber(out, value);
      return;
    case 'list':
    case 'set':
    case 'tuple': {
      const elements = value.kind === 'set' ? orderedSetElements(value.elements) : value.elements;
      out.arrayLen(elements.length);
      elements.forEach((e, i) =>
        writeValue(
          out,
          e,
          type.kind === 'tuple' ? type.elements[i]! : (type as { element: CtyType }).element,
          depth + 1,
        ),
      );
      return;
    }
    case 'map':
    case 'object': {
      const names = Object.keys(value.attributes).sort(compareGoStrings);
      out.mapLen(names.length);
      for (const n of names) {
        out.string(n);
        const t = type.kind === 'object' ? type.attributes[n]! : (type as { element: CtyType }).element;
        writeValue(out, value.attributes[n]!, t, depth + 1);
      }
      return;
    }
  }
}

/**
 * go-cty msgpack Marshal(value, DynamicPseudoType) for a value of `type`.
 * @example encodeCtyValueMsgpack(ctyVal.object({ count: ctyVal.number(2), id: ctyVal.string('ami-123') }),
 *   cty.object({ count: cty.number, id: cty.string })) // 92 c4 2b ["object",…] 82 a5"count" 02 a2"id" a7"ami-123"
 */
export function encodeCtyValueMsgpack(value: CtyValue, type: CtyType): Uint8Array {
  checkCtyValue(value, type);
  const out = new MsgpackWriter();
  if (
    type.kind === 'dynamic' &&
    value.kind !== 'dynamic' &&
    value.kind !== 'null' &&
    value.kind !== 'unknown'
  ) {
    throw new SdkError(
      'PKR_ERR_CTY_UNENCODABLE',
      'a value under the dynamic type must carry its own type (ctyVal.dynamic)',
    );
  }
  const wrapped: CtyValue =
    value.kind === 'dynamic' || type.kind === 'dynamic' ? value : { kind: 'dynamic', type, value };
  writeValue(out, wrapped, { kind: 'dynamic' }, 0);
  return Uint8Array.from(out.parts);
}

function msgpackError(message: string, offset: number): SdkError {
  return new SdkError('PKR_ERR_CTY_VALUE', `cty msgpack: ${message} (at byte ${offset})`, {
    details: { offset },
  });
}

class MsgpackReader {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}
  #need(n: number): void {
    if (n > this.bytes.length - this.pos) throw msgpackError(`need ${n} bytes`, this.pos);
  }
  peek(): number {
    this.#need(1);
    return this.bytes[this.pos]!;
  }
  byte(): number {
    this.#need(1);
    return this.bytes[this.pos++]!;
  }
  uintN(n: number): bigint {
    this.#need(n);
    let v = 0n;
    for (let i = 0; i < n; i++) v = (v << 8n) | BigInt(this.bytes[this.pos++]!);
    return v;
  }
  take(n: number): Uint8Array {
    this.#need(n);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  /** str or bin payload; undefined when the next value is neither. */
  rawString(): Uint8Array | undefined {
    const c = this.peek();
    let width: number;
    if ((c & 0xe0) === 0xa0) width = 0;
    else if (c === 0xd9 || c === 0xc4) width = 1;
    else if (c === 0xda || c === 0xc5) width = 2;
    else if (c === 0xdb || c === 0xc6) width = 4;
    else return undefined;
    this.pos++;
    const n = width === 0 ? c & 0x1f : Number(this.uintN(width));
    return this.take(n);
  }
  length(kind: 'array' | 'map'): number {
    const at = this.pos;
    const c = this.byte();
    const [fix, mask, l16, l32] = kind === 'array' ? [0x90, 0xf0, 0xdc, 0xdd] : [0x80, 0xf0, 0xde, 0xdf];
    let n: number;
    if ((c & mask) === fix) n = c & 0x0f;
    else if (c === l16) n = Number(this.uintN(2));
    else if (c === l32) n = Number(this.uintN(4));
    else throw msgpackError(`expected ${kind}, found 0x${c.toString(16)}`, at);
    if (n > this.bytes.length - this.pos)
      throw msgpackError(`${kind} of ${n} elements exceeds the input`, at);
    return n;
  }
  /** A float32/float64, or undefined when the next value is not one. */
  float(): number | undefined {
    const c = this.peek();
    if (c !== 0xca && c !== 0xcb) return undefined;
    this.pos++;
    const b = this.take(c === 0xca ? 4 : 8);
    const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    return c === 0xca ? view.getFloat32(0) : view.getFloat64(0);
  }
  /** An integer as decimal text, or undefined when the next value is not an integer. */
  numberText(): string | undefined {
    const c = this.peek();
    if (c <= 0x7f) return String(this.byte());
    if (c >= 0xe0) return String(this.byte() - 256);
    const sizes: Record<number, [number, boolean]> = {
      0xcc: [1, false],
      0xcd: [2, false],
      0xce: [4, false],
      0xcf: [8, false],
      0xd0: [1, true],
      0xd1: [2, true],
      0xd2: [4, true],
      0xd3: [8, true],
    };
    const size = sizes[c];
    if (size) {
      this.pos++;
      const [n, signed] = size;
      let v = this.uintN(n);
      if (signed && v >= 1n << BigInt(8 * n - 1)) v -= 1n << BigInt(8 * n);
      return v.toString();
    }
    return undefined;
  }
}

const utf8d = new TextDecoder('utf-8', { fatal: false });

function readValue(r: MsgpackReader, type: CtyType, depth: number): CtyValue {
  if (depth > MAX_CTY_DEPTH) throw msgpackError(`value nested deeper than ${MAX_CTY_DEPTH}`, r.pos);
  const at = r.pos;
  const c = r.peek();
  if (c === 0xc0) {
    r.pos++;
    return { kind: 'null' };
  }
  if (c === 0xd4) {
    r.pos++;
    r.take(2);
    return { kind: 'unknown' };
  }
  switch (type.kind) {
    case 'dynamic': {
      if (r.length('array') !== 2) throw msgpackError('a dynamic value is a [type, value] pair', at);
      const typeJson = r.rawString();
      if (!typeJson) throw msgpackError('expected the type JSON as bin or str', r.pos);
      const inner = parseCtyType(typeJson);
      return { kind: 'dynamic', type: inner, value: readValue(r, inner, depth + 1) };
    }
    case 'string': {
      const s = r.rawString();
      if (!s) throw msgpackError('expected a string', at);
      return { kind: 'string', value: utf8d.decode(s) };
    }
    case 'bool':
      if (c !== 0xc2 && c !== 0xc3) throw msgpackError('expected a bool', at);
      r.pos++;
      return { kind: 'bool', value: c === 0xc3 };
    case 'number': {
      const float = r.float();
      if (float !== undefined) {
        if (Number.isNaN(float)) throw msgpackError('NaN is not a cty number', at);
        return { kind: 'number', value: float };
      }
      let text = r.numberText();
      if (text === undefined) {
        const s = r.rawString();
        if (s) text = utf8d.decode(s);
      }
      if (text === undefined) throw msgpackError('expected a number', at);
      return ctyNumber(text);
    }
    case 'list':
    case 'set':
    case 'tuple': {
      const n = r.length('array');
      if (type.kind === 'tuple' && n !== type.elements.length)
        throw msgpackError('tuple length mismatch', at);
      const elements: CtyValue[] = [];
      for (let i = 0; i < n; i++) {
        elements.push(readValue(r, type.kind === 'tuple' ? type.elements[i]! : type.element, depth + 1));
      }
      return { kind: type.kind, elements };
    }
    case 'map':
    case 'object': {
      const n = r.length('map');
      const entries: Array<readonly [string, CtyValue]> = [];
      for (let i = 0; i < n; i++) {
        const keyAt = r.pos;
        const key = r.rawString();
        if (!key) throw msgpackError('expected a string key', keyAt);
        const name = utf8d.decode(key);
        const t = type.kind === 'object' ? attributeType(type, name) : type.element;
        if (!t) throw msgpackError(`unexpected attribute ${JSON.stringify(name)}`, keyAt);
        entries.push([name, readValue(r, t, depth + 1)]);
      }
      if (type.kind !== 'object') return { kind: 'map', attributes: recordOf(entries) };
      const got = new Map(entries);
      return {
        kind: 'object',
        attributes: recordOf(
          Object.keys(type.attributes).map((k) => [k, got.get(k) ?? { kind: 'null' }] as const),
        ),
      };
    }
  }
}

/** Reads go-cty msgpack written with DynamicPseudoType (the inverse of encodeCtyValueMsgpack). */
export function decodeCtyValueMsgpack(bytes: Uint8Array): CtyTypedValue {
  const r = new MsgpackReader(bytes);
  const value = readValue(r, { kind: 'dynamic' }, 0);
  if (r.pos !== bytes.length) throw msgpackError('trailing bytes', r.pos);
  if (value.kind === 'dynamic') return { type: value.type, value: value.value };
  return { type: { kind: 'dynamic' }, value };
}
