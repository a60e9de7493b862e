import { SdkError } from '../../errors/index.js';

/**
 * A JSON tree that keeps each number's source text (cty numbers are arbitrary precision, so
 * JSON.parse would lose digits) and each object's entries in order, duplicates included.
 */
export type JsonNode =
  | { readonly t: 'null' }
  | { readonly t: 'bool'; readonly v: boolean }
  | { readonly t: 'string'; readonly v: string }
  | { readonly t: 'number'; readonly text: string }
  | { readonly t: 'array'; readonly items: readonly JsonNode[] }
  | { readonly t: 'object'; readonly entries: ReadonlyArray<readonly [string, JsonNode]> };

const MAX_JSON_DEPTH = 512;

function jsonError(message: string, offset: number): SdkError {
  return new SdkError('PKR_ERR_CTY_JSON', `invalid JSON: ${message} at offset ${offset}`, {
    details: { offset },
  });
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * Parses RFC 8259 JSON. Invalid UTF-8 and lone surrogates become U+FFFD, as Go's decoder does.
 * Nesting is bounded so hostile input cannot overflow the stack.
 */
export function parseJson(input: string | Uint8Array): JsonNode {
  const text = typeof input === 'string' ? input : new TextDecoder('utf-8', { fatal: false }).decode(input);
  let pos = 0;
  const ws = (): void => {
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      pos++;
    }
  };
  const parseString = (): string => {
    const start = pos;
    pos++; // opening quote
    let out = '';
    let run = pos;
    for (;;) {
      if (pos >= text.length) throw jsonError('unterminated string', start);
      const c = text.charCodeAt(pos);
      if (c === 0x22) {
        out += text.slice(run, pos);
        pos++;
        return out.replace(
          /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
          '\uFFFD',
        );
      }
      if (c < 0x20) throw jsonError('control character in string', pos);
      if (c !== 0x5c) {
        pos++;
        continue;
      }
      out += text.slice(run, pos);
      const e = text[pos + 1];
      const simple: Record<string, string> = {
        '"': '"',
        '\\': '\\',
        '/': '/',
        b: '\b',
        f: '\f',
        n: '\n',
        r: '\r',
        t: '\t',
      };
      if (e !== undefined && e in simple) {
        out += simple[e];
        pos += 2;
      } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(pos + 2, pos + 6))) {
        out += String.fromCharCode(parseInt(text.slice(pos + 2, pos + 6), 16));
        pos += 6;
      } else {
        throw jsonError('invalid escape', pos);
      }
      run = pos;
    }
  };
  const value = (depth: number): JsonNode => {
    if (depth > MAX_JSON_DEPTH) throw jsonError(`nested deeper than ${MAX_JSON_DEPTH}`, pos);
    ws();
    const c = text[pos];
    if (c === '{') {
      pos++;
      const entries: Array<readonly [string, JsonNode]> = [];
      ws();
      if (text[pos] === '}') {
        pos++;
        return { t: 'object', entries };
      }
      for (;;) {
        ws();
        if (text[pos] !== '"') throw jsonError('expected a string key', pos);
        const key = parseString();
        ws();
        if (text[pos] !== ':') throw jsonError("expected ':'", pos);
        pos++;
        entries.push([key, value(depth + 1)]);
        ws();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === '}') {
          pos++;
          return { t: 'object', entries };
        }
        throw jsonError("expected ',' or '}'", pos);
      }
    }
    if (c === '[') {
      pos++;
      const items: JsonNode[] = [];
      ws();
      if (text[pos] === ']') {
        pos++;
        return { t: 'array', items };
      }
      for (;;) {
        items.push(value(depth + 1));
        ws();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === ']') {
          pos++;
          return { t: 'array', items };
        }
        throw jsonError("expected ',' or ']'", pos);
      }
    }
    if (c === '"') return { t: 'string', v: parseString() };
    if (text.startsWith('true', pos)) {
      pos += 4;
      return { t: 'bool', v: true };
    }
    if (text.startsWith('false', pos)) {
      pos += 5;
      return { t: 'bool', v: false };
    }
    if (text.startsWith('null', pos)) {
      pos += 4;
      return { t: 'null' };
    }
    NUMBER.lastIndex = pos;
    const m = NUMBER.exec(text);
    if (m) {
      pos += m[0].length;
      return { t: 'number', text: m[0] };
    }
    throw jsonError(
      c === undefined ? 'unexpected end of input' : `unexpected character ${JSON.stringify(c)}`,
      pos,
    );
  };
  const root = value(0);
  ws();
  if (pos < text.length) throw jsonError('trailing data', pos);
  return root;
}

/**
 * A JSON string literal exactly as Go's encoding/json writes it: HTML-sensitive characters
 * and U+2028/U+2029 escaped, other control characters as \u00XX, invalid UTF-16 as U+FFFD.
 */
export function goJsonString(value: string): string {
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += value[i]! + value[i + 1]!;
        i++;
      } else {
        out += '\ufffd';
      }
      continue;
    }
    if (c >= 0xdc00 && c <= 0xdfff) {
      out += '\ufffd';
      continue;
    }
    switch (c) {
      case 0x22:
        out += '\\"';
        break;
      case 0x5c:
        out += '\\\\';
        break;
      case 0x0a:
        out += '\\n';
        break;
      case 0x0d:
        out += '\\r';
        break;
      case 0x09:
        out += '\\t';
        break;
      default:
        if (c < 0x20 || c === 0x3c || c === 0x3e || c === 0x26 || c === 0x2028 || c === 0x2029) {
          out += `\\u${c.toString(16).padStart(4, '0')}`;
        } else {
          out += value[i]!;
        }
    }
  }
  return `${out}"`;
}
