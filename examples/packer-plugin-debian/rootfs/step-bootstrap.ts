import { mkdir } from 'node:fs/promises';
import { keys, type Step } from 'packer-plugin-sdk';
import { run } from '../lib/run.js';
import type { RootfsConfig } from './config.js';
import { rootDir } from './state.js';

async function has(command: string): Promise<boolean> {
  return run('sh', ['-c', `command -v ${command}`]).then(
    () => true,
    () => false,
  );
}

/** Creates the root file system with mmdebstrap (or debootstrap), output streamed to the Ui. */
export function stepBootstrap(config: RootfsConfig, mirror: string, architecture: string): Step {
  return {
    name: 'bootstrap',
    async run(state, { signal }) {
      const ui = state.require(keys.ui);
      const root = state.require(rootDir);
      await mkdir(root, { recursive: true });
      let tool = config.bootstrapper;
      if (tool === 'auto') tool = (await has('mmdebstrap')) ? 'mmdebstrap' : 'debootstrap';
      if (!(await has(tool))) throw new Error(`${tool} is not installed: apt-get install ${tool}`);
      await ui.say(
        `Bootstrapping Debian ${config.suite} (${config.variant}, ${architecture}) from ${mirror} with ${tool}...`,
      );
      const include = config.packages.length > 0 ? [`--include=${config.packages.join(',')}`] : [];
      const args =
        tool === 'mmdebstrap'
          ? [
              `--variant=${config.variant}`,
              `--architectures=${architecture}`,
              `--components=${config.components.join(',')}`,
              ...include,
              config.suite,
              root,
              mirror,
            ]
          : [
              `--variant=${config.variant === 'standard' || config.variant === 'important' || config.variant === 'required' ? 'minbase' : config.variant}`,
              `--arch=${architecture}`,
              `--components=${config.components.join(',')}`,
              ...include,
              config.suite,
              root,
              mirror,
            ];
      let lines = 0;
      await run(tool, args, {
        signal,
        onLine: async (line) => {
          // mmdebstrap is chatty; show its progress lines, count the rest.
          lines++;
          if (/^I: /.test(line)) await ui.message(line);
        },
      });
      await ui.say(`Bootstrap finished (${lines} lines of output).`);
      return 'continue';
    },
  };
}
