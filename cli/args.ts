import { parseArgs } from 'node:util';
import { SdkError } from '../errors/index.js';

/** One flag of a command: a string value or a boolean switch. */
export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** One line for `--help`. */
  readonly help: string;
  /** Shown in help as `--flag VALUE`. */
  readonly value?: string;
}

/** What a command accepts: named positionals (all required, in order) and flags. */
export interface CommandSpec {
  readonly name: string;
  /** One short line for the command overview. */
  readonly brief: string;
  readonly summary: string;
  readonly positionals: readonly string[];
  readonly flags: Readonly<Record<string, FlagSpec>>;
}

export interface ParsedCommand {
  readonly positionals: Readonly<Record<string, string>>;
  readonly strings: Readonly<Record<string, string | undefined>>;
  readonly booleans: Readonly<Record<string, boolean>>;
  readonly help: boolean;
}

/**
 * Parses a command's arguments strictly (node:util parseArgs): unknown flags, a missing
 * flag value and missing or extra positionals are PKR_ERR_CLI_USAGE errors that quote the
 * command's usage line, so a typo never silently builds something else.
 */
export function parseCommandArgs(spec: CommandSpec, args: readonly string[]): ParsedCommand {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const [flag, f] of Object.entries(spec.flags)) {
    options[flag] = f.short === undefined ? { type: f.type } : { type: f.type, short: f.short };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (cause) {
    throw usageError(spec, (cause as Error).message, cause);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const help = values.help === true;
  if (!help && parsed.positionals.length !== spec.positionals.length) {
    const problem =
      parsed.positionals.length < spec.positionals.length
        ? `missing ${spec.positionals.slice(parsed.positionals.length).join(', ')}`
        : `unexpected argument "${parsed.positionals[spec.positionals.length]}"`;
    throw usageError(spec, problem);
  }
  const positionals: Record<string, string> = {};
  spec.positionals.forEach((name, i) => {
    const value = parsed.positionals[i];
    if (value !== undefined) positionals[name] = value;
  });
  const strings: Record<string, string | undefined> = {};
  const booleans: Record<string, boolean> = {};
  for (const [flag, f] of Object.entries(spec.flags)) {
    const value = values[flag];
    if (f.type === 'string') {
      if (value === '') throw usageError(spec, `--${flag} needs a value`);
      strings[flag] = typeof value === 'string' ? value : undefined;
    } else booleans[flag] = value === true;
  }
  return { positionals, strings, booleans, help };
}

/** `packer-plugin-sdk build <entry> [--out DIR] …` */
export function usageLine(spec: CommandSpec): string {
  const flags = Object.entries(spec.flags).map(([flag, f]) =>
    f.type === 'string' ? `[--${flag} ${f.value ?? 'VALUE'}]` : `[--${flag}]`,
  );
  return ['packer-plugin-sdk', spec.name, ...spec.positionals.map((p) => `<${p}>`), ...flags].join(' ');
}

/** The `--help` text of one command. */
export function commandHelp(spec: CommandSpec): string {
  const rows = Object.entries(spec.flags).map(([flag, f]) => {
    const left = `${f.short ? `-${f.short}, ` : ''}--${flag}${f.type === 'string' ? ` ${f.value ?? 'VALUE'}` : ''}`;
    return `  ${left.padEnd(24)} ${f.help}`;
  });
  return [`usage: ${usageLine(spec)}`, '', spec.summary, ...(rows.length ? ['', ...rows] : []), ''].join(
    '\n',
  );
}

function usageError(spec: CommandSpec, problem: string, cause?: unknown): SdkError {
  return new SdkError('PKR_ERR_CLI_USAGE', `${spec.name}: ${problem}\nusage: ${usageLine(spec)}`, {
    ...(cause === undefined ? {} : { cause }),
    details: { command: spec.name },
  });
}
