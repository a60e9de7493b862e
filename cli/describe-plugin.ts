import { execFile } from 'node:child_process';
import { SdkError } from '../errors/index.js';

/** What `describe` printed (plugins built with other SDKs may lack `datasources` or `protocol_version`). */
export interface PluginDescription {
  readonly version: string;
  readonly sdk_version: string;
  readonly api_version: string;
  readonly builders: readonly string[];
  readonly post_processors: readonly string[];
  readonly provisioners: readonly string[];
  readonly datasources: readonly string[];
  readonly protocol_version: string | undefined;
}

export interface DescribeOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
}

/**
 * Runs `<plugin> describe` the way Packer does and returns what it says, checked field by
 * field: the output of a built file is as untrusted as anything else we did not compute.
 */
export function describePlugin(path: string, options: DescribeOptions = {}): Promise<PluginDescription> {
  return new Promise((resolve, reject) => {
    execFile(
      path,
      ['describe'],
      { env: options.env ?? process.env, timeout: options.timeoutMs ?? 60_000, maxBuffer: 1 << 20 },
      (err, stdout, stderr) => {
        if (err) {
          reject(
            new SdkError(
              'PKR_ERR_CLI_DESCRIBE',
              `${path} describe failed: ${err.message.trim()}\n${stderr}`,
              {
                cause: err,
                details: { path },
              },
            ),
          );
          return;
        }
        try {
          resolve(parseDescription(stdout));
        } catch (cause) {
          reject(
            new SdkError(
              'PKR_ERR_CLI_DESCRIBE',
              `${path} describe printed ${JSON.stringify(stdout.slice(0, 200))}`,
              {
                cause,
                details: { path },
              },
            ),
          );
        }
      },
    );
  });
}

/** Parses describe's JSON line; throws when a field Packer relies on is missing or mistyped. */
export function parseDescription(stdout: string): PluginDescription {
  const value = JSON.parse(stdout) as unknown;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error('describe output is not a JSON object');
  }
  const v = value as Record<string, unknown>;
  const text = (key: string): string => {
    const field = v[key];
    if (typeof field !== 'string') throw new Error(`describe field "${key}" is not a string`);
    return field;
  };
  const names = (key: string): string[] => {
    const field = v[key] ?? [];
    if (!Array.isArray(field) || !field.every((n): n is string => typeof n === 'string')) {
      throw new Error(`describe field "${key}" is not a list of names`);
    }
    return field;
  };
  return {
    version: text('version'),
    sdk_version: text('sdk_version'),
    api_version: text('api_version'),
    builders: names('builders'),
    post_processors: names('post_processors'),
    provisioners: names('provisioners'),
    datasources: names('datasources'),
    protocol_version: typeof v.protocol_version === 'string' ? v.protocol_version : undefined,
  };
}
