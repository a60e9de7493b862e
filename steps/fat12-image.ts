import { SdkError } from '../errors/index.js';
import { allocateFatName, lfnEntries, lfnEntryCount } from './fat-names.js';

/**
 * A FAT12 file system on a 3½" 1.44 MB floppy, written in memory: one boot sector with the
 * standard BPB, two 9-sector FATs, a 224-entry root directory and 2847 one-sector clusters.
 * Files and subdirectories are laid out contiguously; names carry VFAT long names.
 */

export const FLOPPY_BYTES = 1_474_560;
const SECTOR = 512;
const TOTAL_SECTORS = 2880;
const RESERVED_SECTORS = 1;
const FAT_COUNT = 2;
const FAT_SECTORS = 9;
const ROOT_ENTRIES = 224;
const ROOT_SECTORS = (ROOT_ENTRIES * 32) / SECTOR;
const DATA_START = RESERVED_SECTORS + FAT_COUNT * FAT_SECTORS + ROOT_SECTORS;
/** Clusters 2..2848 hold data. */
export const FLOPPY_CLUSTERS = TOTAL_SECTORS - DATA_START;
const MEDIA = 0xf0;
const EOC = 0xfff;

const ATTR_VOLUME = 0x08;
const ATTR_DIRECTORY = 0x10;
const ATTR_ARCHIVE = 0x20;

/** A file with its bytes, ready to be written. */
export interface FatFile {
  readonly name: string;
  readonly data: Uint8Array;
  readonly mtime?: Date;
}

export interface FatDir {
  readonly name: string;
  readonly mtime?: Date;
  readonly dirs: readonly FatDir[];
  readonly files: readonly FatFile[];
}

export interface Fat12Options {
  /** Volume label, at most 11 characters (default "packer", stored upper-case). */
  readonly label?: string;
  /** Volume serial number (default: derived from `now`). */
  readonly volumeId?: number;
  /** Time stamp for directories and content without one (default: now). */
  readonly now?: Date;
}

interface Planned {
  readonly raw: Buffer[];
  firstCluster: number;
  clusters: number;
}

/**
 * Builds the image. Entries are written in the order given.
 * @throws SdkError `PKR_ERR_FLOPPY_FULL` when the tree does not fit, `PKR_ERR_MEDIA_NAME` for
 * a bad label or name.
 */
export function createFat12Image(root: FatDir, options: Fat12Options = {}): Buffer {
  const now = options.now ?? new Date();
  const label = volumeLabel(options.label ?? 'packer');
  const image = Buffer.alloc(FLOPPY_BYTES);
  writeBootSector(image, label, options.volumeId ?? volumeIdFrom(now));

  let nextCluster = 2;
  const fat = new Uint16Array(FLOPPY_CLUSTERS + 2);
  fat[0] = 0xf00 | MEDIA;
  fat[1] = EOC;
  const allocate = (count: number, what: string): number => {
    if (count === 0) return 0;
    if (nextCluster + count > FLOPPY_CLUSTERS + 2) {
      throw new SdkError(
        'PKR_ERR_FLOPPY_FULL',
        `the files need more than the ${FLOPPY_CLUSTERS * SECTOR} bytes a 1.44 MB floppy holds (full at ${what})`,
        { details: { capacity: FLOPPY_CLUSTERS * SECTOR } },
      );
    }
    const first = nextCluster;
    for (let c = first; c < first + count - 1; c++) fat[c] = c + 1;
    fat[first + count - 1] = EOC;
    nextCluster += count;
    return first;
  };
  const clusterOffset = (cluster: number): number => (DATA_START + cluster - 2) * SECTOR;

  // Writes the entries of `dir` into the region at `offset`, then its children.
  const writeDir = (dir: FatDir, where: string, self: number, parent: number, isRoot: boolean): void => {
    const entries: Buffer[] = [];
    const stamp = dir.mtime ?? now;
    if (isRoot) {
      entries.push(shortEntry(label, ATTR_VOLUME, 0, 0, now));
    } else {
      entries.push(shortEntry(Buffer.from('.'.padEnd(11), 'latin1'), ATTR_DIRECTORY, self, 0, stamp));
      entries.push(shortEntry(Buffer.from('..'.padEnd(11), 'latin1'), ATTR_DIRECTORY, parent, 0, stamp));
    }
    const taken = new Set<string>();
    const children: { dir: FatDir; planned: Planned }[] = [];
    const files: { file: FatFile; planned: Planned }[] = [];
    const plan = (name: string, make: (short: Buffer) => Buffer): Planned => {
      const fatName = allocateFatName(name, taken);
      const raw = fatName.long === undefined ? [] : lfnEntries(fatName.long, fatName.short);
      raw.push(make(fatName.short));
      return { raw, firstCluster: 0, clusters: 0 };
    };
    for (const child of dir.dirs) {
      const planned = plan(child.name, (short) =>
        shortEntry(short, ATTR_DIRECTORY, 0, 0, child.mtime ?? now),
      );
      children.push({ dir: child, planned });
    }
    for (const file of dir.files) {
      const planned = plan(file.name, (short) =>
        shortEntry(short, ATTR_ARCHIVE, 0, file.data.length, file.mtime ?? now),
      );
      files.push({ file, planned });
    }
    const all = [...children.map((c) => c.planned), ...files.map((f) => f.planned)];
    const slots = entries.length + all.reduce((n, p) => n + p.raw.length, 0);

    let region: number;
    if (isRoot) {
      if (slots > ROOT_ENTRIES) {
        throw new SdkError(
          'PKR_ERR_FLOPPY_FULL',
          `the floppy's root directory holds ${ROOT_ENTRIES} entries, but its files need ${slots} (long names take extra entries); move some into a directory`,
          { details: { entries: slots } },
        );
      }
      region = (RESERVED_SECTORS + FAT_COUNT * FAT_SECTORS) * SECTOR;
    } else {
      region = clusterOffset(self);
    }
    // Children get their clusters now, so their short entries can point at them.
    for (const c of children) {
      c.planned.clusters = Math.max(1, Math.ceil((childSlots(c.dir) * 32) / SECTOR));
      c.planned.firstCluster = allocate(c.planned.clusters, `${where}${c.dir.name}/`);
    }
    for (const f of files) {
      f.planned.clusters = Math.ceil(f.file.data.length / SECTOR);
      f.planned.firstCluster = allocate(f.planned.clusters, `${where}${f.file.name}`);
      image.set(f.file.data, clusterOffset(f.planned.firstCluster));
    }
    let offset = region;
    for (const e of entries) {
      e.copy(image, offset);
      offset += 32;
    }
    for (const p of all) {
      const short = p.raw.at(-1)!;
      short.writeUInt16LE(p.firstCluster, 26);
      for (const e of p.raw) {
        e.copy(image, offset);
        offset += 32;
      }
    }
    for (const c of children) {
      writeDir(c.dir, `${where}${c.dir.name}/`, c.planned.firstCluster, isRoot ? 0 : self, false);
    }
  };

  writeDir(root, '/', 0, 0, true);

  const fatBytes = packFat12(fat);
  for (let i = 0; i < FAT_COUNT; i++) {
    image.set(fatBytes, (RESERVED_SECTORS + i * FAT_SECTORS) * SECTOR);
  }
  return image;
}

/** Directory entries a subdirectory needs: `.`, `..`, and each child with its LFN entries. */
function childSlots(dir: FatDir): number {
  const taken = new Set<string>();
  let slots = 2;
  for (const name of [...dir.dirs.map((d) => d.name), ...dir.files.map((f) => f.name)]) {
    const n = allocateFatName(name, taken);
    slots += 1 + (n.long === undefined ? 0 : lfnEntryCount(n.long));
  }
  return slots;
}

/** FAT12: two 12-bit entries share three bytes, low nibble first. */
export function packFat12(entries: Uint16Array): Buffer {
  const out = Buffer.alloc(FAT_SECTORS * SECTOR);
  for (let n = 0; n < entries.length; n++) {
    const v = entries[n]! & 0xfff;
    const at = Math.floor((n * 3) / 2);
    if (n % 2 === 0) {
      out[at] = v & 0xff;
      out[at + 1] = (out[at + 1]! & 0xf0) | (v >> 8);
    } else {
      out[at] = (out[at]! & 0x0f) | ((v & 0x0f) << 4);
      out[at + 1] = v >> 4;
    }
  }
  return out;
}

function writeBootSector(image: Buffer, label: Buffer, volumeId: number): void {
  image.set([0xeb, 0x3c, 0x90], 0); // jump over the BPB to the boot code
  image.write('PKRSDK  ', 3, 'latin1');
  image.writeUInt16LE(SECTOR, 11);
  image[13] = 1; // sectors per cluster
  image.writeUInt16LE(RESERVED_SECTORS, 14);
  image[16] = FAT_COUNT;
  image.writeUInt16LE(ROOT_ENTRIES, 17);
  image.writeUInt16LE(TOTAL_SECTORS, 19);
  image[21] = MEDIA;
  image.writeUInt16LE(FAT_SECTORS, 22);
  image.writeUInt16LE(18, 24); // sectors per track
  image.writeUInt16LE(2, 26); // heads
  image.writeUInt32LE(0, 28); // hidden sectors
  image.writeUInt32LE(0, 32); // large sector count (unused: the 16-bit count fits)
  image[36] = 0x00; // BIOS drive number: first floppy
  image[38] = 0x29; // extended boot signature: the next three fields are valid
  image.writeUInt32LE(volumeId >>> 0, 39);
  label.copy(image, 43);
  image.write('FAT12   ', 54, 'latin1');
  // Not bootable: "int 18h" hands control back to the BIOS, then halt in place.
  image.set([0xcd, 0x18, 0xeb, 0xfe], 62);
  image[510] = 0x55;
  image[511] = 0xaa;
}

/**
 * The 11-byte volume label: upper-cased, space-padded.
 * @throws SdkError `PKR_ERR_MEDIA_NAME` for a label over 11 characters or with characters FAT
 * labels cannot hold.
 */
export function volumeLabel(text: string): Buffer {
  const upper = text.toUpperCase();
  if (upper.length > 11 || !/^[A-Z0-9 !#$%&'()\-@^_`{}~]*$/.test(upper)) {
    throw new SdkError(
      'PKR_ERR_MEDIA_NAME',
      `floppy label ${JSON.stringify(text)} must be at most 11 letters, digits or !#$%&'()-@^_\`{}~`,
      { details: { label: text } },
    );
  }
  return Buffer.from(upper.padEnd(11), 'latin1');
}

function volumeIdFrom(now: Date): number {
  // The DOS convention: date and time words mixed, unique enough per format.
  const date = ((now.getMonth() + 1) << 8) | now.getDate();
  const time = (now.getHours() << 8) | now.getMinutes();
  return (
    (((date + ((now.getSeconds() << 8) | Math.floor(now.getMilliseconds() / 10))) << 16) +
      (time + now.getFullYear())) >>>
    0
  );
}

function shortEntry(name: Buffer, attr: number, cluster: number, size: number, when: Date): Buffer {
  const e = Buffer.alloc(32);
  name.copy(e, 0, 0, 11);
  e[11] = attr;
  const { date, time } = fatTimestamp(when);
  e.writeUInt16LE(time, 14); // created
  e.writeUInt16LE(date, 16);
  e.writeUInt16LE(date, 18); // last access
  e.writeUInt16LE(time, 22); // modified
  e.writeUInt16LE(date, 24);
  e.writeUInt16LE(cluster, 26);
  e.writeUInt32LE(size, 28);
  return e;
}

/** FAT's local-time stamp (2-second resolution), clamped to 1980–2107. */
export function fatTimestamp(when: Date): { date: number; time: number } {
  const year = when.getFullYear();
  if (year < 1980) return { date: (1 << 5) | 1, time: 0 };
  if (year > 2107) return { date: (127 << 9) | (12 << 5) | 31, time: (23 << 11) | (59 << 5) | 29 };
  return {
    date: ((year - 1980) << 9) | ((when.getMonth() + 1) << 5) | when.getDate(),
    time: (when.getHours() << 11) | (when.getMinutes() << 5) | Math.floor(when.getSeconds() / 2),
  };
}
