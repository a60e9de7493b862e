import { SdkError } from '../errors/index.js';
import { ctyVal, type CtyType, type CtyValue } from '../rpc/cty/index.js';

/**
 * Converts a plain JS value (a data source's result) into a cty value of `type`: strings,
 * numbers/bigints, booleans, arrays (list/set/tuple), records (map/object; absent object
 * attributes become null), null/undefined → null. A mismatch is a coded error naming the path.
 */
export function jsToCtyValue(value: unknown, type: CtyType, path = ''): CtyValue {
  if (value === null || value === undefined) return ctyVal.null;
  const fail = (expected: string): never => {
    throw new SdkError(
      'PKR_ERR_CTY_VALUE',
      `${path || 'value'}: expected ${expected}, got ${Array.isArray(value) ? 'a list' : typeof value}`,
      {
        details: { path },
      },
    );
  };
  switch (type.kind) {
    case 'string':
      return typeof value === 'string' ? ctyVal.string(value) : fail('a string');
    case 'number':
      return typeof value === 'number' || typeof value === 'bigint' ? ctyVal.number(value) : fail('a number');
    case 'bool':
      return typeof value === 'boolean' ? ctyVal.bool(value) : fail('a boolean');
    case 'list':
    case 'set': {
      if (!Array.isArray(value)) return fail('a list');
      const elements = value.map((v, i) => jsToCtyValue(v, type.element, `${path}[${i}]`));
      return type.kind === 'list' ? ctyVal.list(elements) : ctyVal.set(elements);
    }
    case 'tuple': {
      if (!Array.isArray(value) || value.length !== type.elements.length)
        return fail(`a list of ${type.elements.length}`);
      return ctyVal.tuple(value.map((v, i) => jsToCtyValue(v, type.elements[i]!, `${path}[${i}]`)));
    }
    case 'map': {
      if (typeof value !== 'object' || Array.isArray(value)) return fail('a map');
      const out: Record<string, CtyValue> = {};
      for (const [k, v] of Object.entries(value))
        out[k] = jsToCtyValue(v, type.element, `${path}[${JSON.stringify(k)}]`);
      return ctyVal.map(out);
    }
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return fail('an object');
      const record = value as Record<string, unknown>;
      const out: Record<string, CtyValue> = {};
      for (const [name, attrType] of Object.entries(type.attributes)) {
        out[name] = jsToCtyValue(record[name], attrType, path === '' ? name : `${path}.${name}`);
      }
      return ctyVal.object(out);
    }
    case 'dynamic':
      return fail('a typed value (dynamic is not supported)');
  }
}
