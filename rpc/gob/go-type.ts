/**
 * Descriptions of the Go types a value is gob-encoded as. gob's bytes depend on more than the
 * shape of a value: type ids are handed out per Go type in first-use order, and a wire type's
 * name is the Go name it was first reached by. So the encoder needs to know which Go types are
 * "the same type" (named types by package path and name, unnamed ones by structure) and what
 * Go's reflect would print for them.
 */

/** A Go named type: `pkgPath.name`; `pkgName` defaults to the last path element. */
export interface GoNamed {
  readonly name: string;
  readonly pkgPath: string;
  readonly pkgName?: string;
}

/** Kinds gob predefines (ids 1–8); every Go int width is `int`, every uint width is `uint`. */
export type GoBasicKind = 'bool' | 'int' | 'uint' | 'float' | 'complex' | 'string' | 'bytes' | 'interface';

export interface GoBasicType {
  readonly kind: GoBasicKind;
  /** reflect's String() of the type when it appears inside an unnamed composite (`int64`, `uint8` …). */
  readonly goName?: string;
}

export interface GoSliceType {
  readonly kind: 'slice';
  readonly elem: GoType;
  readonly named?: GoNamed;
}

export interface GoMapType {
  readonly kind: 'map';
  readonly key: GoType;
  readonly elem: GoType;
  readonly named?: GoNamed;
}

export interface GoField {
  readonly name: string;
  readonly type: GoType;
}

export interface GoStructType {
  readonly kind: 'struct';
  /** Exported fields only, in declaration order (gob never sends unexported ones). */
  readonly fields: readonly GoField[];
  readonly named?: GoNamed;
}

/**
 * A type with a GobEncode method: on the wire a byte string. `viaPointer` says the values are
 * pointers (`*big.Float`): gob then gives the pointer type its own id as well (see type-space).
 */
export interface GoGobEncoderType {
  readonly kind: 'gobEncoder';
  readonly named: GoNamed;
  readonly viaPointer?: boolean;
}

export type GoType = GoBasicType | GoSliceType | GoMapType | GoStructType | GoGobEncoderType;

/** gob's predefined type ids (encoding/gob type.go bootstrap order). */
export const BASIC_TYPE_IDS: Readonly<Record<GoBasicKind, number>> = {
  bool: 1,
  int: 2,
  uint: 3,
  float: 4,
  bytes: 5,
  string: 6,
  complex: 7,
  interface: 8,
};

const BASIC_GO_NAMES: Readonly<Record<GoBasicKind, string>> = {
  bool: 'bool',
  int: 'int',
  uint: 'uint',
  float: 'float64',
  complex: 'complex128',
  string: 'string',
  bytes: '[]uint8',
  interface: 'interface {}',
};

export function isBasic(type: GoType): type is GoBasicType {
  return type.kind in BASIC_TYPE_IDS;
}

function namedOf(type: GoType): GoNamed | undefined {
  return isBasic(type) ? undefined : type.named;
}

function qualifier(named: GoNamed): string {
  return named.pkgName ?? named.pkgPath.slice(named.pkgPath.lastIndexOf('/') + 1);
}

/** reflect.Type.Name(): the bare name of a named type, '' for unnamed composites. */
export function goName(type: GoType): string {
  if (isBasic(type)) return type.goName ?? BASIC_GO_NAMES[type.kind];
  return namedOf(type)?.name ?? '';
}

/** reflect.Type.String(): `cty.Type`, `map[string]cty.Type`, `[]interface {}`, `struct {}` … */
export function goString(type: GoType): string {
  if (isBasic(type)) return type.goName ?? BASIC_GO_NAMES[type.kind];
  const named = namedOf(type);
  if (named) return `${qualifier(named)}.${named.name}`;
  switch (type.kind) {
    case 'slice':
      return `[]${goString(type.elem)}`;
    case 'map':
      return `map[${goString(type.key)}]${goString(type.elem)}`;
    case 'struct':
      return type.fields.length === 0
        ? 'struct {}'
        : `struct { ${type.fields.map((f) => `${f.name} ${goString(f.type)}`).join('; ')} }`;
    default:
      return '';
  }
}

/**
 * Go type identity: named types are equal by package path and name, unnamed ones by structure.
 * Used as the key of gob's per-type caches.
 */
export function goTypeKey(type: GoType): string {
  if (isBasic(type)) return `#${type.kind}`;
  const named = namedOf(type);
  if (named) return `${named.pkgPath}.${named.name}`;
  switch (type.kind) {
    case 'slice':
      return `[]${goTypeKey(type.elem)}`;
    case 'map':
      return `map[${goTypeKey(type.key)}]${goTypeKey(type.elem)}`;
    case 'struct':
      return `struct{${type.fields.map((f) => `${f.name} ${goTypeKey(f.type)}`).join(';')}}`;
    default:
      return '';
  }
}

/** The key of the type a value really has: `*T` for pointer-valued GobEncoders. */
export function goUserTypeKey(type: GoType): string {
  return type.kind === 'gobEncoder' && type.viaPointer ? `*${goTypeKey(type)}` : goTypeKey(type);
}

// Small constructors so call sites read like the Go declarations they mirror.

/** The predeclared types, e.g. `goBasic.string`, `goBasic.interface` (interface{}). */
export const goBasic: Readonly<Record<GoBasicKind, GoBasicType>> = {
  bool: { kind: 'bool' },
  int: { kind: 'int' },
  uint: { kind: 'uint' },
  float: { kind: 'float' },
  complex: { kind: 'complex' },
  string: { kind: 'string' },
  bytes: { kind: 'bytes' },
  interface: { kind: 'interface' },
};

export function goSlice(elem: GoType, named?: GoNamed): GoSliceType {
  return named ? { kind: 'slice', elem, named } : { kind: 'slice', elem };
}

export function goMap(key: GoType, elem: GoType, named?: GoNamed): GoMapType {
  return named ? { kind: 'map', key, elem, named } : { kind: 'map', key, elem };
}

export function goStruct(fields: readonly GoField[], named?: GoNamed): GoStructType {
  return named ? { kind: 'struct', fields, named } : { kind: 'struct', fields };
}
