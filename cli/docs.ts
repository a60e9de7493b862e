import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { CommandSpec } from './args.js';
import { inspectEntry } from './inspect-entry.js';
import { resolvePluginName } from './plugin-name.js';
import { docFileName, renderComponentDoc, renderDocsIndex, type ComponentDoc } from './render-docs.js';

export interface DocsOptions {
  readonly entry: string;
  readonly out: string;
  readonly name?: string;
}

export const docsCommand: CommandSpec = {
  name: 'docs',
  brief: "write Markdown reference pages from the components' config schemas",
  summary:
    'Write Markdown reference pages for every component from its config schema (field, type, required, default, description; nested blocks as sub-tables), plus an index.',
  positionals: ['entry'],
  flags: {
    out: { type: 'string', value: 'DIR', help: 'output directory (required)' },
    name: { type: 'string', value: 'NAME', help: "plugin name (default: the PluginSet's name)" },
  },
};

/**
 * Renders the docs of every component the entry registers. The entry is loaded in this
 * process with `serve` swapped out (cli/inspect-entry.ts), so nothing is built or served.
 * Returns the files written: `README.md` and `<kind>s/<component>.md`.
 */
export async function writeDocs(options: DocsOptions): Promise<string[]> {
  const entry = resolve(options.entry);
  const info = await inspectEntry(entry, { components: true });
  const plugin = resolvePluginName(entry, options.name, info.name);
  const docs: ComponentDoc[] = info.components.map((c) => ({
    plugin,
    version: info.version,
    kind: c.kind,
    name: c.name,
    configSchema: c.configSchema,
    ...(c.outputSchema ? { outputSchema: c.outputSchema } : {}),
  }));
  const out = resolve(options.out);
  const written: string[] = [];
  const write = (relative: string, text: string): void => {
    const path = join(out, relative);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    written.push(path);
  };
  write('README.md', renderDocsIndex(plugin, info.version, docs));
  for (const doc of docs) write(docFileName(doc.kind, doc.name, plugin), renderComponentDoc(doc));
  return written;
}
