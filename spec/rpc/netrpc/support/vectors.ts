import { readFileSync } from 'node:fs';
import { fixturePath } from '../../../support/traces.js';

/** One `## Name` section of a msgpack-rpc vector file. */
export interface RpcVector {
  readonly name: string;
  readonly request: Buffer;
  readonly response: Buffer;
  /** The Go program's rendering of what its client decoded, when it decoded something. */
  readonly decodedReply?: string;
  /** The error the Go client reported instead. */
  readonly clientError?: string;
}

export const VECTOR_FILES = {
  debianPacker166: 'msgpack-rpc/ugorji-1.2.8-debian.packer166-handle.txt',
  debianSdk: 'msgpack-rpc/ugorji-1.2.8-debian.sdk-handle.txt',
  ugorji2015: 'msgpack-rpc/ugorji-2015-646ae4a.packer166-handle.txt',
} as const;

export type VectorFile = keyof typeof VECTOR_FILES;

/** Parses a vector file; every section must have a request and a response line. */
export function readVectors(file: VectorFile): Map<string, RpcVector> {
  const text = readFileSync(fixturePath(VECTOR_FILES[file]), 'utf8');
  const vectors = new Map<string, RpcVector>();
  for (const section of text.split(/^## /m).slice(1)) {
    const name = section.slice(0, section.indexOf('\n')).trim();
    const field = (label: string): string | undefined =>
      new RegExp(`^${label}[^:]*: (.*)$`, 'm').exec(section)?.[1]?.trim();
    const hex = (label: string): Buffer => {
      const value = field(label);
      if (value === undefined || !/^[0-9a-f]+$/.test(value))
        throw new Error(`${file} ${name}: no ${label} hex`);
      const bytes = Buffer.from(value, 'hex');
      const declared = Number(new RegExp(`^${label} +\\((\\d+) bytes\\)`, 'm').exec(section)?.[1]);
      if (declared !== bytes.length) throw new Error(`${file} ${name}: ${label} length mismatch`);
      return bytes;
    };
    vectors.set(name, {
      name,
      request: hex('request'),
      response: hex('response'),
      decodedReply: field('decoded reply'),
      clientError: field('client error'),
    });
  }
  return vectors;
}
