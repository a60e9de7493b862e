import { readFileSync } from 'node:fs';
import { describeError } from '../errors/index.js';
import { pluginStepGraph } from './plugin-graph.js';

export interface GraphIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

const FORMATS = ['mermaid', 'dot', 'json'] as const;
type Format = (typeof FORMATS)[number];

const USAGE = `usage: packer-plugin-sdk graph PLUGIN BUILDER [--format mermaid|dot|json] [--config FILE]

Prints the step graph BUILDER would run, without running it. PLUGIN is the plugin's entry
(.ts), its bundle (.js) or the built executable. A builder's steps can depend on its config:
--config names a JSON file with the builder's config (an object, or an array of objects in the
order Packer passes them); default {}. --format: mermaid (stateDiagram-v2, the default), dot
(Graphviz: pipe into \`dot -Tsvg\`), or json (the xstate machine config the Stately editor imports).
`;

/**
 * \`packer-plugin-sdk graph PLUGIN BUILDER [--format F] [--config FILE]\`: prints a builder's
 * step graph. Returns the exit code: 0 printed, 1 the plugin could not answer, 2 bad arguments.
 */
export async function runGraphCommand(argv: readonly string[], io: Partial<GraphIo> = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const usage = (problem: string): number => {
    stderr.write(`${problem}\n${USAGE}`);
    return 2;
  };
  if (argv.includes('-h') || argv.includes('--help')) {
    stdout.write(USAGE);
    return 0;
  }
  const positional: string[] = [];
  let format: Format = 'mermaid';
  let configFile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--format' || arg === '--config') {
      const value = argv[++i];
      if (value === undefined) return usage(`${arg} needs a value`);
      if (arg === '--config') configFile = value;
      else if ((FORMATS as readonly string[]).includes(value)) format = value as Format;
      else return usage(`unknown format "${value}" (mermaid, dot or json)`);
    } else if (arg.startsWith('-')) return usage(`unknown option ${arg}`);
    else positional.push(arg);
  }
  if (positional.length !== 2) return usage('PLUGIN and BUILDER are required');
  const [plugin, builder] = positional as [string, string];

  let configs: unknown[] = [{}];
  if (configFile !== undefined) {
    try {
      const parsed = JSON.parse(readFileSync(configFile, 'utf8')) as unknown;
      configs = Array.isArray(parsed) ? parsed : [parsed];
    } catch (err) {
      return usage(`cannot read --config ${configFile}: ${describeError(err)}`);
    }
    if (!configs.every((c) => typeof c === 'object' && c !== null && !Array.isArray(c))) {
      return usage(`--config ${configFile} must hold a JSON object or an array of objects`);
    }
  }

  try {
    const graph = await pluginStepGraph({ plugin, builder, configs });
    const text =
      format === 'mermaid' ? graph.mermaid : format === 'dot' ? graph.dot : `${graph.machineJson}\n`;
    stdout.write(text);
    return 0;
  } catch (err) {
    stderr.write(`graph: ${describeError(err)}\n`);
    return 1;
  }
}
