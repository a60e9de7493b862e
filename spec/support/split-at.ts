/**
 * Cuts `bytes` at the given positions (any order, duplicates and out-of-range values
 * allowed: each is taken modulo length + 1), so a property test can feed a decoder every
 * way of splitting one input into reads.
 */
export function splitAt<T extends Uint8Array>(bytes: T, cuts: readonly number[]): T[] {
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const pieces: T[] = [];
  let start = 0;
  for (const point of points) {
    pieces.push(bytes.subarray(start, point) as T);
    start = point;
  }
  pieces.push(bytes.subarray(start) as T);
  return pieces;
}
