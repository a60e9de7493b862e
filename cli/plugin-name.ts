import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SdkError } from '../errors/index.js';
import { checkPluginName } from './release-name.js';

/**
 * The plugin's short name: `--name`, else the PluginSet's `name`, else the nearest
 * package.json named `packer-plugin-NAME`.
 */
export function resolvePluginName(
  entry: string,
  explicit: string | undefined,
  fromSet: string | undefined,
): string {
  if (explicit !== undefined) return checkPluginName(explicit);
  if (fromSet !== undefined) return checkPluginName(fromSet);
  const fromPackage = packageName(dirname(entry));
  if (fromPackage !== undefined) return checkPluginName(fromPackage);
  throw new SdkError(
    'PKR_ERR_CLI_NAME',
    `no plugin name for ${entry}: its PluginSet has no name and no package.json named packer-plugin-NAME was found`,
    { details: { entry } },
  );
}

function packageName(from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        const name = (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name;
        const match = typeof name === 'string' ? /^(?:@[^/]+\/)?packer-plugin-(.+)$/.exec(name) : null;
        // This SDK's own package.json (examples inside a checkout) names no plugin.
        return name === 'packer-plugin-sdk' ? undefined : match?.[1];
      } catch {
        return undefined;
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}
