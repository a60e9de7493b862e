import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FIXTURES } from '../../../support/traces.js';

export type Direction = 'core->plugin' | 'plugin->core';

const TRACES = fileURLToPath(new URL('packer-1.6.6-traces/', FIXTURES));

/** Path of a trace file, e.g. `tracePath('json-template/packer-builder-tapnull.jsonl')`. */
export function tracePath(name: string): string {
  return TRACES + name;
}

/** Every capture in a trace: the reads in order, each with its direction and bytes. */
export function readTrace(name: string): { dir: Direction; bytes: Buffer }[] {
  return readFileSync(tracePath(name), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const entry = JSON.parse(line) as { dir: string; hex: string };
      if (entry.dir !== 'core->plugin' && entry.dir !== 'plugin->core')
        throw new Error(`bad dir ${entry.dir}`);
      return { dir: entry.dir, bytes: Buffer.from(entry.hex, 'hex') };
    });
}

/** The exact byte stream one side sent (the trace's `hex` values of one direction, concatenated). */
export function traceStream(name: string, dir: Direction): Buffer {
  return Buffer.concat(
    readTrace(name)
      .filter((entry) => entry.dir === dir)
      .map((entry) => entry.bytes),
  );
}

/** Every trace file of every scenario (for fuzz corpora). */
export const ALL_TRACES = [
  'json-template/packer-builder-tapnull.jsonl',
  'json-template/packer-post-processor-tapmanifest.jsonl',
  'json-template/packer-provisioner-tapfile.jsonl',
  'json-template/packer-provisioner-tapshell.jsonl',
  'hcl2-template/packer-builder-tapnull.jsonl',
  'hcl2-template/packer-provisioner-tapshell.jsonl',
  'ctrl-c/packer-builder-tapnull.jsonl',
  'ctrl-c/packer-provisioner-tapshell.jsonl',
] as const;
