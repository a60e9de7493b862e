import type { GoType } from './go-type.js';
import { BASIC_TYPE_IDS, goName, goString, goTypeKey, goUserTypeKey, isBasic } from './go-type.js';
import type { WireField, WireType } from './wire-type.js';

/** The lowest id gob grants to user types is one above this. */
const FIRST_USER_ID = 64;

interface Building {
  kind: WireType['kind'];
  name: string;
  id: number; // 0 while a map or slice waits for its element ids
  fields?: WireField[];
  key?: number;
  elem?: number;
}

/** What the encoder needs to send a type: its id, and the definition (absent for basic types). */
export interface TypeInfo {
  readonly id: number;
  readonly wire?: WireType;
}

/**
 * The id space of one Go process. Go hands out gob type ids from a process-global counter in
 * first-use order and caches each type's definition, name included, from the first time it
 * was reached; nested GobEncode calls (a cty.Type inside a spec) draw from the same counter,
 * which is why a cty.Type blob inside a spec uses other ids than a standalone one (protocol
 * §5.4). One instance stands for one fresh plugin process: create a new one per reply to get
 * the bytes a fresh Go plugin sends.
 *
 * The rules mirror encoding/gob type.go: a struct takes its id before its fields (so recursive
 * types work), a map or slice after its elements; a struct field's type is named by its Go
 * name, or its String() when unnamed; map keys and elements get no name.
 */
export class GobTypeSpace {
  #lastId = FIRST_USER_ID;
  readonly #types = new Map<string, Building>();
  readonly #infos = new Map<string, TypeInfo>();

  /** The highest id handed out so far (64 when none). */
  get lastId(): number {
    return this.#lastId;
  }

  #allocate(entry: Building): void {
    entry.id = ++this.#lastId;
  }

  /** getBaseType/getType: the cached definition of `type`, created under `name` on first use. */
  #baseType(name: string, type: GoType, key = goTypeKey(type)): Building | number {
    if (isBasic(type)) return BASIC_TYPE_IDS[type.kind];
    const cached = this.#types.get(key);
    if (cached) return cached;
    const entry: Building = { kind: 'struct', name, id: 0 };
    switch (type.kind) {
      case 'gobEncoder':
        entry.kind = 'gobEncoder';
        this.#types.set(key, entry);
        this.#allocate(entry);
        return entry;
      case 'map': {
        entry.kind = 'map';
        this.#types.set(key, entry);
        const k = this.#baseType('', type.key);
        const e = this.#baseType('', type.elem);
        this.#allocate(entry);
        entry.key = this.#idOf(k);
        entry.elem = this.#idOf(e);
        return entry;
      }
      case 'slice': {
        entry.kind = 'slice';
        this.#types.set(key, entry);
        const e = this.#baseType(goName(type.elem), type.elem);
        this.#allocate(entry);
        entry.elem = this.#idOf(e);
        return entry;
      }
      case 'struct': {
        entry.fields = [];
        this.#types.set(key, entry);
        this.#allocate(entry);
        for (const field of type.fields) {
          const fieldName = goName(field.type) || goString(field.type);
          const t = this.#baseType(fieldName, field.type);
          entry.fields.push({ name: field.name, id: this.#idOf(t) });
        }
        return entry;
      }
    }
  }

  /** An id for a type, fixing up one still under construction (mutually recursive types). */
  #idOf(t: Building | number): number {
    if (typeof t === 'number') return t;
    if (t.id === 0) this.#allocate(t);
    return t.id;
  }

  /**
   * getTypeInfo: the id and wire definition of `type`, built on first use. A GobEncoder reached
   * through a pointer gets a second id for the pointer type, and its definition carries that
   * second id (Go's buildTypeInfo; visible as `ff89 … ff8c` in the big.Float vectors).
   */
  typeInfo(type: GoType): TypeInfo {
    const userKey = goUserTypeKey(type);
    const cached = this.#infos.get(userKey);
    if (cached) return cached;
    let info: TypeInfo;
    if (isBasic(type)) {
      info = { id: BASIC_TYPE_IDS[type.kind] };
    } else if (type.kind === 'gobEncoder') {
      const rtName = type.viaPointer ? '' : type.named.name;
      const base = this.#baseType(rtName, type);
      const user = this.#baseType(rtName, type, userKey);
      info = {
        id: this.#idOf(base),
        wire: { kind: 'gobEncoder', name: (user as Building).name, id: this.#idOf(user) },
      };
    } else {
      const entry = this.#baseType(goName(type), type) as Building;
      const id = this.#idOf(entry);
      info = { id, wire: freeze(entry, id) };
    }
    this.#infos.set(userKey, info);
    return info;
  }
}

function freeze(entry: Building, id: number): WireType {
  switch (entry.kind) {
    case 'struct':
      return { kind: 'struct', name: entry.name, id, fields: [...(entry.fields ?? [])] };
    case 'map':
      return { kind: 'map', name: entry.name, id, key: entry.key ?? 0, elem: entry.elem ?? 0 };
    case 'slice':
      return { kind: 'slice', name: entry.name, id, elem: entry.elem ?? 0 };
    default:
      return { kind: 'gobEncoder', name: entry.name, id };
  }
}
