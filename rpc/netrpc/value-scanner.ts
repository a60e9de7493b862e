import { SdkError } from '../../errors/index.js';

/** What `ValueScanner.scan` found: the value's length, or that more bytes are needed. */
export const NEED_MORE = -1;

/**
 * Finds where one msgpack value ends without decoding it, resumably: bytes may arrive in any
 * split, and each byte is looked at once. It checks the structure (no `c1`, nesting depth) and
 * the declared lengths against the size limit as soon as a header is seen, so a 4 GiB `bin`
 * header is refused before any of its payload is buffered.
 *
 * The stream decoder uses it to cut complete values out of the byte stream before handing
 * them to @msgpack/msgpack, whose own streaming decoder buffers without a limit.
 */
export class ValueScanner {
  readonly #maxBytes: number;
  readonly #maxDepth: number;
  /** Offset (from the value's first byte) of the next header to read, or the value's end. */
  #pos = 0;
  /** Items still to come in each open array/map (a map counts keys and values). */
  #open: number[] = [];
  #structureDone = false;
  #sawInt64 = false;

  constructor(maxBytes: number, maxDepth: number) {
    this.#maxBytes = maxBytes;
    this.#maxDepth = maxDepth;
  }

  /** True when the last scanned value holds an int64/uint64 (`d3`/`cf`) that may be a bigint. */
  get sawInt64(): boolean {
    return this.#sawInt64;
  }

  /** Forgets the current value; call it after a value was complete. */
  reset(): void {
    this.#pos = 0;
    this.#open = [];
    this.#structureDone = false;
    this.#sawInt64 = false;
  }

  /**
   * Continues scanning the value that starts at `bytes[start]`, of which `available` bytes are
   * present. Returns its total length once all of it is present, else `NEED_MORE`. Pass the
   * same value start (with more bytes) on the next call. Throws a coded error on bytes that are
   * not msgpack, on nesting beyond the limit, and when the value would exceed the size limit.
   */
  scan(bytes: Uint8Array, start: number, available: number): number {
    while (!this.#structureDone) {
      const pos = this.#pos;
      if (pos >= available) return NEED_MORE;
      const b = bytes[start + pos]!;
      let head = 1; // header bytes, including any length field
      let payload = 0; // bytes after the header
      let items = 0; // child values, for arrays and maps
      if (b <= 0x7f || b >= 0xe0 || b === 0xc0 || b === 0xc2 || b === 0xc3) {
        // fixint, nil, bool
      } else if (b <= 0x8f) {
        items = (b & 0x0f) * 2;
      } else if (b <= 0x9f) {
        items = b & 0x0f;
      } else if (b <= 0xbf) {
        payload = b & 0x1f;
      } else {
        const form = FORMS[b - 0xc4];
        if (form === undefined) throw this.#invalid(`byte 0x${b.toString(16)} never starts a value`, pos);
        head = 1 + form.lengthBytes;
        if (pos + head > available) return NEED_MORE;
        const length = form.lengthBytes === 0 ? 0 : readLength(bytes, start + pos + 1, form.lengthBytes);
        payload = form.fixed + (form.kind === 'payload' ? length : 0);
        items = form.kind === 'array' ? length : form.kind === 'map' ? length * 2 : 0;
        if (b === 0xcf || b === 0xd3) this.#sawInt64 = true;
      }
      const end = pos + head + payload;
      // Every child needs at least one byte, so a count can be judged against the limit too.
      if (end + items > this.#maxBytes) {
        throw new SdkError(
          'PKR_ERR_MSGPACK_TOO_LARGE',
          `a msgpack value is larger than the ${this.#maxBytes}-byte limit`,
          { details: { offset: pos, limit: this.#maxBytes } },
        );
      }
      this.#pos = end;
      if (items > 0) {
        if (this.#open.length >= this.#maxDepth) {
          throw this.#invalid(`values nest deeper than ${this.#maxDepth} levels`, pos);
        }
        this.#open.push(items);
        continue;
      }
      this.#closeItem();
    }
    return this.#pos <= available ? this.#pos : NEED_MORE;
  }

  /** One child is complete: count it off, closing every container it completes. */
  #closeItem(): void {
    const open = this.#open;
    while (open.length > 0) {
      const left = open[open.length - 1]! - 1;
      if (left > 0) {
        open[open.length - 1] = left;
        return;
      }
      open.pop();
    }
    this.#structureDone = true;
  }

  #invalid(reason: string, offset: number): SdkError {
    return new SdkError('PKR_ERR_MSGPACK_DECODE', `invalid msgpack: ${reason}`, { details: { offset } });
  }
}

interface Form {
  /** Bytes of the length field after the type byte. */
  readonly lengthBytes: 0 | 1 | 2 | 4;
  /** Payload bytes besides the length-given ones (the ext type byte, fixed-size numbers). */
  readonly fixed: number;
  /** What the length field counts. */
  readonly kind: 'payload' | 'array' | 'map' | 'none';
}

const f = (lengthBytes: Form['lengthBytes'], fixed: number, kind: Form['kind']): Form => ({
  lengthBytes,
  fixed,
  kind,
});

/** Forms 0xc4..0xdf, indexed by byte − 0xc4 (0xc0–0xc3 are handled inline; 0xc1 is invalid). */
const FORMS: readonly Form[] = [
  f(1, 0, 'payload'), // c4 bin8
  f(2, 0, 'payload'), // c5 bin16
  f(4, 0, 'payload'), // c6 bin32
  f(1, 1, 'payload'), // c7 ext8
  f(2, 1, 'payload'), // c8 ext16
  f(4, 1, 'payload'), // c9 ext32
  f(0, 4, 'none'), // ca float32
  f(0, 8, 'none'), // cb float64
  f(0, 1, 'none'), // cc uint8
  f(0, 2, 'none'), // cd uint16
  f(0, 4, 'none'), // ce uint32
  f(0, 8, 'none'), // cf uint64
  f(0, 1, 'none'), // d0 int8
  f(0, 2, 'none'), // d1 int16
  f(0, 4, 'none'), // d2 int32
  f(0, 8, 'none'), // d3 int64
  f(0, 2, 'none'), // d4 fixext1
  f(0, 3, 'none'), // d5 fixext2
  f(0, 5, 'none'), // d6 fixext4
  f(0, 9, 'none'), // d7 fixext8
  f(0, 17, 'none'), // d8 fixext16
  f(1, 0, 'payload'), // d9 str8
  f(2, 0, 'payload'), // da str16
  f(4, 0, 'payload'), // db str32
  f(2, 0, 'array'), // dc array16
  f(4, 0, 'array'), // dd array32
  f(2, 0, 'map'), // de map16
  f(4, 0, 'map'), // df map32
];

function readLength(bytes: Uint8Array, at: number, size: 1 | 2 | 4): number {
  if (size === 1) return bytes[at]!;
  if (size === 2) return (bytes[at]! << 8) | bytes[at + 1]!;
  return ((bytes[at]! << 24) >>> 0) + (bytes[at + 1]! << 16) + (bytes[at + 2]! << 8) + bytes[at + 3]!;
}
