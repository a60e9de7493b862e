import { gobDecodeError } from './byte-reader.js';

/**
 * A decoded gob value, described by the wire types the stream sent (no Go types needed).
 * Struct fields that were omitted on the wire (Go's zero values) are absent from `fields`;
 * the accessors below supply the zero value.
 */
export type GobValue =
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'int'; readonly value: bigint }
  | { readonly kind: 'uint'; readonly value: bigint }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'complex'; readonly real: number; readonly imag: number }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'bytes'; readonly value: Uint8Array }
  | {
      readonly kind: 'struct';
      readonly typeId: number;
      readonly name: string;
      readonly fields: ReadonlyMap<string, GobValue>;
    }
  | {
      readonly kind: 'map';
      readonly typeId: number;
      readonly name: string;
      readonly entries: ReadonlyArray<readonly [GobValue, GobValue]>;
    }
  | {
      readonly kind: 'slice' | 'array';
      readonly typeId: number;
      readonly name: string;
      readonly elements: readonly GobValue[];
    }
  /** `name` is the registered name of the concrete type; a nil interface has name '' and value null. */
  | { readonly kind: 'interface'; readonly name: string; readonly value: GobValue | null }
  /** A GobEncoder / BinaryMarshaler / TextMarshaler value: its own bytes, often a nested gob stream. */
  | {
      readonly kind: 'encoded';
      readonly typeId: number;
      readonly name: string;
      readonly marshaler: 'gob' | 'binary' | 'text';
      readonly bytes: Uint8Array;
    };

export type GobValueOf<K extends GobValue['kind']> = GobValue extends infer U
  ? U extends { readonly kind: infer UK }
    ? K extends UK
      ? U
      : never
    : never
  : never;

function describe(value: GobValue | null | undefined): string {
  return value ? value.kind : 'nothing';
}

/** Narrows a decoded value to a kind, or throws a decode error naming `what`. */
export function expectGobKind<K extends GobValue['kind']>(
  value: GobValue | null | undefined,
  kind: K,
  what: string,
): GobValueOf<K> {
  if (!value || value.kind !== kind)
    throw gobDecodeError(`${what}: expected ${kind}, found ${describe(value)}`);
  return value as GobValueOf<K>;
}

/** A struct field as a JS integer, or 0 when Go omitted it. Accepts int and uint wire kinds. */
export function gobFieldInt(struct: GobValueOf<'struct'>, field: string): number {
  const value = struct.fields.get(field);
  if (value === undefined) return 0;
  if (value.kind !== 'int' && value.kind !== 'uint') {
    throw gobDecodeError(`field ${field}: expected an integer, found ${value.kind}`);
  }
  if (value.value > BigInt(Number.MAX_SAFE_INTEGER) || value.value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw gobDecodeError(`field ${field}: ${value.value} does not fit a JS number`);
  }
  return Number(value.value);
}

/** A struct field as a string, or '' when omitted. */
export function gobFieldString(struct: GobValueOf<'struct'>, field: string): string {
  const value = struct.fields.get(field);
  if (value === undefined) return '';
  return expectGobKind(value, 'string', `field ${field}`).value;
}

/** A struct field as a boolean, or false when omitted. */
export function gobFieldBool(struct: GobValueOf<'struct'>, field: string): boolean {
  const value = struct.fields.get(field);
  if (value === undefined) return false;
  return expectGobKind(value, 'bool', `field ${field}`).value;
}
