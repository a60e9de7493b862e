import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TObject } from '@sinclair/typebox';
import type { Plugin } from 'esbuild';
import { describeError, SdkError } from '../errors/index.js';
import { COMPONENT_KINDS, type ComponentKind } from '../rpc/plugin/constants.js';
import { cliSourceFile } from './boot-code.js';
import { bundleOrFail } from './bundle-or-fail.js';
import { COLLECT_KEY } from './collect-serve.js';

/** One component of a plugin, with the schemas its factory declares. */
export interface EntryComponent {
  readonly kind: ComponentKind;
  /** The registered name (may be DEFAULT_NAME). */
  readonly name: string;
  readonly configSchema: TObject;
  /** Data sources only: the shape of what `execute` returns. */
  readonly outputSchema?: TObject;
}

export interface EntryInfo {
  /** The PluginSet's `name`, if it has one. */
  readonly name: string | undefined;
  readonly version: string;
  /** Component names by kind, as `describe` lists them. */
  readonly names: Readonly<Record<ComponentKind, readonly string[]>>;
  /** Filled when asked for (`components: true`): each factory is run once. */
  readonly components: readonly EntryComponent[];
}

/** The bits of PluginSet the CLI uses, checked on the object the entry handed over. */
interface CollectedSet {
  readonly name?: unknown;
  readonly version?: unknown;
  describe(): unknown;
  resolve(kind: ComponentKind, name: string): () => unknown;
}

/**
 * Loads a plugin entry in this process without serving: the entry is bundled with
 * rpc/plugin's `serve` swapped for cli/collect-serve.ts, then imported, and the PluginSet it
 * passed to `serve` is read. With `components`, every factory runs so its schemas can be read
 * (factories only build objects; nothing connects anywhere until Packer calls).
 */
export async function inspectEntry(
  entry: string,
  options: { components?: boolean } = {},
): Promise<EntryInfo> {
  const out = mkdtempSync(join(tmpdir(), 'packer-sdk-inspect-'));
  const slot: unknown[] = [];
  const global = globalThis as Record<symbol, unknown>;
  try {
    let swapped = 0;
    const main = await bundleOrFail(resolve(entry), out, { plugins: [serveTrap(() => swapped++)] });
    if (swapped === 0) {
      throw new SdkError(
        'PKR_ERR_CLI_ENTRY',
        `${entry} does not import serve() from packer-plugin-sdk, so it never hands over a PluginSet`,
        { details: { entry } },
      );
    }
    global[COLLECT_KEY] = slot;
    try {
      await import(pathToFileURL(main).href);
    } catch (cause) {
      throw new SdkError('PKR_ERR_CLI_ENTRY', `loading ${entry} failed: ${describeError(cause)}`, {
        cause,
        details: { entry },
      });
    }
    const set = asCollectedSet(slot, entry);
    return await readSet(set, options.components ?? false, entry);
  } finally {
    delete global[COLLECT_KEY];
    rmSync(out, { recursive: true, force: true });
  }
}

/** Swaps rpc/plugin/serve (source or compiled) for the collecting stand-in. */
function serveTrap(onSwap: () => void): Plugin {
  const stand = cliSourceFile('./collect-serve');
  const pluginDir = `${sep}rpc${sep}plugin`;
  return {
    name: 'packer-sdk-collect-serve',
    setup(b) {
      b.onResolve({ filter: /^\.\/serve(\.js|\.ts)?$/ }, (args) => {
        if (!dirname(args.importer).endsWith(pluginDir)) return undefined;
        onSwap();
        return { path: stand };
      });
    },
  };
}

function asCollectedSet(slot: readonly unknown[], entry: string): CollectedSet {
  if (slot.length !== 1) {
    throw new SdkError(
      'PKR_ERR_CLI_ENTRY',
      slot.length === 0
        ? `${entry} was loaded but never called serve() while loading (is the call behind a condition?)`
        : `${entry} called serve() ${slot.length} times; a plugin serves one PluginSet`,
      { details: { entry, calls: slot.length } },
    );
  }
  const set = slot[0] as Partial<CollectedSet> | null;
  if (
    set === null ||
    typeof set !== 'object' ||
    typeof set.describe !== 'function' ||
    typeof set.resolve !== 'function'
  ) {
    throw new SdkError('PKR_ERR_CLI_ENTRY', `${entry} passed something other than a PluginSet to serve()`, {
      details: { entry },
    });
  }
  return set as CollectedSet;
}

async function readSet(set: CollectedSet, withComponents: boolean, entry: string): Promise<EntryInfo> {
  const description = set.describe() as Record<string, unknown>;
  const list = (key: string): string[] => {
    const v = description[key];
    return Array.isArray(v) ? v.filter((n): n is string => typeof n === 'string') : [];
  };
  const names: Record<ComponentKind, string[]> = {
    builder: list('builders'),
    provisioner: list('provisioners'),
    'post-processor': list('post_processors'),
    datasource: list('datasources'),
  };
  const components: EntryComponent[] = [];
  if (withComponents) {
    for (const kind of COMPONENT_KINDS) {
      for (const name of names[kind]) {
        const component = (await set.resolve(kind, name)()) as Record<string, unknown> | null;
        const configSchema = objectSchema(component?.configSchema);
        if (!configSchema) {
          throw new SdkError(
            'PKR_ERR_CLI_ENTRY',
            `${kind} "${name}" of ${entry} has no object configSchema`,
            {
              details: { entry, kind, name },
            },
          );
        }
        const outputSchema = kind === 'datasource' ? objectSchema(component?.outputSchema) : undefined;
        components.push({ kind, name, configSchema, ...(outputSchema ? { outputSchema } : {}) });
      }
    }
  }
  return {
    name: typeof set.name === 'string' ? set.name : undefined,
    version: typeof set.version === 'string' ? set.version : String(description.version),
    names,
    components,
  };
}

function objectSchema(value: unknown): TObject | undefined {
  return typeof value === 'object' && value !== null && 'properties' in value
    ? (value as TObject)
    : undefined;
}
