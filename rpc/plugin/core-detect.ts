import { closeSync, openSync, readlinkSync, readSync } from 'node:fs';

/** What we could tell about the Packer core that started this process. */
export interface CoreGuess {
  readonly generation: 'legacy' | 'modern' | 'unknown';
  /** Why: shown in the plugin's stderr log when the choice matters. */
  readonly reason: string;
  /**
   * The Go package path of hcldec inside that core. gob names a nested `hcldec.ObjectSpec`
   * by it, and a GOPATH build (Debian's packer 1.6.6) vendors hcl under
   * `github.com/hashicorp/packer/vendor/…`, so its decoder only knows that longer name.
   */
  readonly hcldecPackage: string;
}

export const HCLDEC_PACKAGE = 'github.com/hashicorp/hcl/v2/hcldec';

const SDK_MODULE = 'github.com/hashicorp/packer-plugin-sdk';
const PACKER_MODULE = 'github.com/hashicorp/packer';
const BUILDINFO_MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');

/**
 * Tells Packer ≤ 1.6 from ≥ 1.7 by reading the Go build information of the parent process's
 * executable (a few small reads of the ELF section table and one section; no process spawn).
 *
 * Every Packer ≥ 1.7 is built against the separate module `github.com/hashicorp/packer-plugin-sdk`
 * and lists it as a dependency; Packer 1.6 carries the SDK inside its own module
 * (`github.com/hashicorp/packer/packer-plugin-sdk`), and Debian's 1.6.6 is a GOPATH build with
 * no dependency list at all. So: a Packer binary that depends on the SDK module is modern;
 * one that does not is legacy; anything else is unknown.
 */
export function detectCore(ppid: number = process.ppid): CoreGuess {
  let exe: string;
  try {
    exe = readlinkSync(`/proc/${ppid}/exe`);
  } catch {
    return unknown('parent executable not readable (no /proc?)');
  }
  let modinfo: string | undefined;
  try {
    modinfo = readGoModinfo(exe);
  } catch (err) {
    return unknown(`could not read ${exe}: ${(err as Error).message}`);
  }
  if (modinfo === undefined) return unknown(`${exe} has no Go build information`);
  return classifyModinfo(exe, modinfo);
}

/** Classifies a Packer binary from its Go module info (see detectCore). */
export function classifyModinfo(exe: string, modinfo: string): CoreGuess {
  const path = /^path\t(\S+)/m.exec(modinfo)?.[1];
  if (path !== PACKER_MODULE) return unknown(`${exe} is not Packer (main module ${path ?? 'unknown'})`);
  // Module builds record a `mod` line for the main module; GOPATH builds do not.
  const hcldecPackage = /^mod\t/m.test(modinfo)
    ? HCLDEC_PACKAGE
    : `${PACKER_MODULE}/vendor/${HCLDEC_PACKAGE}`;
  if (modinfo.split('\n').some((line) => line.startsWith(`dep\t${SDK_MODULE}\t`))) {
    return { generation: 'modern', reason: `${exe} depends on ${SDK_MODULE} (Packer ≥ 1.7)`, hcldecPackage };
  }
  return { generation: 'legacy', reason: `${exe} embeds its own plugin SDK (Packer ≤ 1.6)`, hcldecPackage };
}

function unknown(reason: string): CoreGuess {
  return { generation: 'unknown', reason, hcldecPackage: HCLDEC_PACKAGE };
}

/** Reads Go's module info string from an ELF executable, or undefined when it has none. */
export function readGoModinfo(file: string): string | undefined {
  const fd = openSync(file, 'r');
  try {
    const elf = readElf(fd);
    const section = elf.sections.get('.go.buildinfo');
    if (!section) return undefined;
    const header = readAt(fd, section.offset, 32);
    if (!header.subarray(0, 14).equals(BUILDINFO_MAGIC)) return undefined;
    const ptrSize = header[14]!;
    const flags = header[15]!;
    if (flags & 0x2) {
      // Go ≥ 1.18: two varint-prefixed strings (version, modinfo) follow the header inline.
      const body = readAt(fd, section.offset + 32, Math.min(section.size, 1 << 20));
      const [version, afterVersion] = readVarString(body, 0);
      void version;
      const [modinfo] = readVarString(body, afterVersion);
      return stripSentinels(modinfo);
    }
    // Go < 1.18: pointers to Go string headers {ptr, len}, as virtual addresses.
    const bigEndian = (flags & 0x1) !== 0;
    const readPtr = (buf: Buffer, at: number): number =>
      ptrSize === 8
        ? Number(bigEndian ? buf.readBigUInt64BE(at) : buf.readBigUInt64LE(at))
        : bigEndian
          ? buf.readUInt32BE(at)
          : buf.readUInt32LE(at);
    const modinfoHeaderAddr = readPtr(header, 16 + ptrSize);
    const stringHeader = readAt(fd, elf.fileOffset(modinfoHeaderAddr), 2 * ptrSize);
    const dataAddr = readPtr(stringHeader, 0);
    const length = readPtr(stringHeader, ptrSize);
    if (length === 0 || length > 1 << 20) return undefined;
    return stripSentinels(readAt(fd, elf.fileOffset(dataAddr), length).toString('latin1'));
  } finally {
    closeSync(fd);
  }
}

interface ElfInfo {
  sections: Map<string, { offset: number; size: number }>;
  fileOffset(vaddr: number): number;
}

function readElf(fd: number): ElfInfo {
  const ident = readAt(fd, 0, 64);
  if (ident.readUInt32BE(0) !== 0x7f454c46) throw new Error('not an ELF file');
  const is64 = ident[4] === 2;
  const le = ident[5] === 1;
  const u16 = (b: Buffer, o: number): number => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
  const u32 = (b: Buffer, o: number): number => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const word = (b: Buffer, o: number): number =>
    is64 ? Number(le ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o)) : u32(b, o);
  const phoff = word(ident, is64 ? 0x20 : 0x1c);
  const shoff = word(ident, is64 ? 0x28 : 0x20);
  const phentsize = u16(ident, is64 ? 0x36 : 0x2a);
  const phnum = u16(ident, is64 ? 0x38 : 0x2c);
  const shentsize = u16(ident, is64 ? 0x3a : 0x2e);
  const shnum = u16(ident, is64 ? 0x3c : 0x30);
  const shstrndx = u16(ident, is64 ? 0x3e : 0x32);

  const shdrs = readAt(fd, shoff, shentsize * shnum);
  const sectionAt = (i: number): { name: number; offset: number; size: number } => {
    const o = i * shentsize;
    return is64
      ? { name: u32(shdrs, o), offset: word(shdrs, o + 0x18), size: word(shdrs, o + 0x20) }
      : { name: u32(shdrs, o), offset: u32(shdrs, o + 0x10), size: u32(shdrs, o + 0x14) };
  };
  const strtab = sectionAt(shstrndx);
  const names = readAt(fd, strtab.offset, strtab.size);
  const sections = new Map<string, { offset: number; size: number }>();
  for (let i = 0; i < shnum; i++) {
    const s = sectionAt(i);
    const end = names.indexOf(0, s.name);
    sections.set(names.toString('latin1', s.name, end), { offset: s.offset, size: s.size });
  }

  const phdrs = readAt(fd, phoff, phentsize * phnum);
  const loads: { vaddr: number; offset: number; filesz: number }[] = [];
  for (let i = 0; i < phnum; i++) {
    const o = i * phentsize;
    if (u32(phdrs, o) !== 1) continue; // PT_LOAD
    loads.push(
      is64
        ? { offset: word(phdrs, o + 0x08), vaddr: word(phdrs, o + 0x10), filesz: word(phdrs, o + 0x20) }
        : { offset: u32(phdrs, o + 0x04), vaddr: u32(phdrs, o + 0x08), filesz: u32(phdrs, o + 0x10) },
    );
  }
  return {
    sections,
    fileOffset(vaddr: number): number {
      const seg = loads.find((l) => vaddr >= l.vaddr && vaddr < l.vaddr + l.filesz);
      if (!seg) throw new Error(`address 0x${vaddr.toString(16)} is not in a loaded segment`);
      return seg.offset + (vaddr - seg.vaddr);
    },
  };
}

function readAt(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  const n = readSync(fd, buf, 0, length, position);
  return buf.subarray(0, n);
}

function readVarString(buf: Buffer, at: number): [string, number] {
  let length = 0;
  let shift = 0;
  let pos = at;
  for (;;) {
    const b = buf[pos++];
    if (b === undefined) throw new Error('truncated build information');
    length += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (b < 0x80) break;
  }
  return [buf.toString('latin1', pos, pos + length), pos + length];
}

/** Go wraps modinfo in 16-byte sentinels; keep only the text between them. */
function stripSentinels(modinfo: string): string {
  return modinfo.length >= 32 && modinfo.charCodeAt(modinfo.length - 17) === 0x0a
    ? modinfo.slice(16, -16)
    : modinfo;
}
