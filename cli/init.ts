import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SdkError } from '../errors/index.js';
import type { CommandSpec } from './args.js';
import { scaffoldFiles } from './init-templates.js';
import { checkPluginName } from './release-name.js';

export interface InitOptions {
  readonly dir: string;
  /** Plugin short name. Default: the directory's name without a `packer-plugin-` prefix. */
  readonly name?: string;
  /** Dependency spec for packer-plugin-sdk. Default: a `file:` path to this SDK. */
  readonly sdk?: string;
}

export const initCommand: CommandSpec = {
  name: 'init',
  brief: 'scaffold a new plugin that passes its own npm test',
  summary:
    'Scaffold a plugin in a new directory: one builder with two steps, unit specs with the mocked state bag, an acceptance spec, package.json, Makefile and README.',
  positionals: ['dir'],
  flags: {
    name: { type: 'string', value: 'NAME', help: 'plugin name (default: the directory name)' },
    sdk: {
      type: 'string',
      value: 'SPEC',
      help: 'packer-plugin-sdk dependency (default: file: path to this SDK)',
    },
  },
};

/** The test tools the scaffold needs, at the versions this SDK is tested with. */
const TOOLS = ['@types/chai', '@types/mocha', '@types/node', 'chai', 'mocha', 'tsx', 'typescript'];

/** Writes the scaffold into `dir` (new or empty) and returns the files written. */
export function initPlugin(options: InitOptions): string[] {
  const dir = resolve(options.dir);
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new SdkError('PKR_ERR_CLI_INIT_TARGET', `${options.dir} is not empty`, { details: { dir } });
  }
  const name = checkPluginName(options.name ?? basename(dir).replace(/^packer-plugin-/, ''));
  const sdkRoot = findSdkRoot();
  const sdkPackage = JSON.parse(readFileSync(join(sdkRoot, 'package.json'), 'utf8')) as {
    devDependencies?: Record<string, string>;
  };
  const devDependencies: Record<string, string> = {};
  for (const tool of TOOLS) {
    const version = sdkPackage.devDependencies?.[tool];
    if (version !== undefined) devDependencies[tool] = version;
  }
  const files = scaffoldFiles({
    name,
    sdk: options.sdk ?? `file:${relative(dir, sdkRoot) || '.'}`,
    devDependencies,
  });
  const written: string[] = [];
  for (const [file, content] of Object.entries(files)) {
    const path = join(dir, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content, { flag: 'wx' });
    written.push(path);
  }
  return written;
}

/** This SDK's package root: the nearest package.json named packer-plugin-sdk above the CLI. */
function findSdkRoot(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (
      existsSync(file) &&
      (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name === 'packer-plugin-sdk'
    ) {
      return dir;
    }
    if (dirname(dir) === dir) {
      throw new SdkError(
        'PKR_ERR_CLI_USAGE',
        'cannot find the packer-plugin-sdk package this CLI belongs to; pass --sdk',
      );
    }
  }
}
