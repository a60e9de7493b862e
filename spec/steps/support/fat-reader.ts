/**
 * A small, independent FAT12 reader for specs: walks the directories of an image (long
 * names assembled from their LFN entries, checksums checked) and returns every file's bytes
 * by path. It follows the on-disk rules, not the writer's code, so the two check each other.
 */

export interface ReadImage {
  /** The label in the boot sector. */
  readonly label: string;
  /** The label in the root directory's volume entry. */
  volumeEntry: string;
  readonly files: Map<string, Buffer>;
  readonly dirs: Set<string>;
  /** Short names by path, e.g. "ks.cfg" → "KS.CFG". */
  readonly shortNames: Map<string, string>;
}

export function readFat12(image: Buffer): ReadImage {
  const bytesPerSector = image.readUInt16LE(11);
  const sectorsPerCluster = image[13]!;
  const reserved = image.readUInt16LE(14);
  const fats = image[16]!;
  const rootEntries = image.readUInt16LE(17);
  const fatSectors = image.readUInt16LE(22);
  const fatStart = reserved * bytesPerSector;
  const rootStart = (reserved + fats * fatSectors) * bytesPerSector;
  const dataStart = rootStart + rootEntries * 32;
  const clusterBytes = bytesPerSector * sectorsPerCluster;

  const fatEntry = (n: number): number => {
    const at = fatStart + Math.floor((n * 3) / 2);
    const v = image.readUInt16LE(at);
    return n % 2 === 0 ? v & 0xfff : v >> 4;
  };
  const chain = (first: number): number[] => {
    const out: number[] = [];
    for (let c = first; c >= 2 && c < 0xff8; c = fatEntry(c)) {
      if (out.includes(c)) throw new Error(`cluster loop at ${c}`);
      out.push(c);
    }
    return out;
  };
  const readChain = (first: number): Buffer =>
    Buffer.concat(
      chain(first).map((c) =>
        image.subarray(dataStart + (c - 2) * clusterBytes, dataStart + (c - 1) * clusterBytes),
      ),
    );

  const result: ReadImage = {
    label: image.toString('latin1', 43, 54).trimEnd(),
    volumeEntry: '',
    files: new Map(),
    dirs: new Set(),
    shortNames: new Map(),
  };
  const walk = (region: Buffer, prefix: string, isRoot: boolean): void => {
    let lfn: { parts: string[]; checksum: number } | undefined;
    for (let off = 0; off + 32 <= region.length; off += 32) {
      const e = region.subarray(off, off + 32);
      if (e[0] === 0) break;
      if (e[0] === 0xe5) continue;
      const attr = e[11]!;
      if (attr === 0x0f) {
        const units: number[] = [];
        for (const [at, n] of [
          [1, 5],
          [14, 6],
          [28, 2],
        ] as const) {
          for (let k = 0; k < n; k++) units.push(e.readUInt16LE(at + k * 2));
        }
        const end = units.indexOf(0);
        const text = String.fromCharCode(...(end < 0 ? units : units.slice(0, end)));
        if ((e[0]! & 0x40) !== 0) lfn = { parts: [], checksum: e[13]! };
        lfn?.parts.unshift(text);
        continue;
      }
      const base = e.toString('latin1', 0, 8).trimEnd();
      const ext = e.toString('latin1', 8, 11).trimEnd();
      if (attr & 0x08) {
        if (isRoot) result.volumeEntry = e.toString('latin1', 0, 11).trimEnd();
        lfn = undefined;
        continue;
      }
      if (base === '.' || base === '..') {
        lfn = undefined;
        continue;
      }
      const short = ext === '' ? base : `${base}.${ext}`;
      let name = short;
      if (lfn) {
        let sum = 0;
        for (let i = 0; i < 11; i++) sum = (((sum & 1) << 7) + (sum >> 1) + e[i]!) & 0xff;
        if (sum !== lfn.checksum) throw new Error(`LFN checksum mismatch for ${short}`);
        name = lfn.parts.join('');
        lfn = undefined;
      }
      const full = prefix === '' ? name : `${prefix}/${name}`;
      result.shortNames.set(full, short);
      const cluster = e.readUInt16LE(26);
      if (attr & 0x10) {
        result.dirs.add(full);
        walk(readChain(cluster), full, false);
      } else {
        const size = e.readUInt32LE(28);
        result.files.set(full, size === 0 ? Buffer.alloc(0) : readChain(cluster).subarray(0, size));
      }
    }
  };
  walk(image.subarray(rootStart, dataStart), '', true);
  return result;
}
