import { defineProvisioner, Type } from 'packer-plugin-sdk';
import { runRemote } from '../lib/remote.js';

const NONINTERACTIVE = 'DEBIAN_FRONTEND=noninteractive';

/** Shell-quotes one word for /bin/sh. */
const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Installs Debian packages through whatever communicator the build has (SSH, chroot, …).
 * Packages apt cannot find are reported together before anything is installed; dpkg's
 * progress is shown on the Ui.
 */
export const provisioner = defineProvisioner({
  schema: Type.Object(
    {
      packages: Type.Array(Type.String(), { minItems: 1, description: 'Packages to install.' }),
      update: Type.Boolean({ default: true, description: 'Run apt-get update first.' }),
      install_recommends: Type.Boolean({ default: false, description: 'Install recommended packages too.' }),
      clean: Type.Boolean({
        default: true,
        description: 'Empty the package cache afterwards (smaller images).',
      }),
    },
    { additionalProperties: false },
  ),
  async provision({ config, ui, communicator, signal }) {
    const sh = async (command: string, show: boolean): Promise<{ status: number; out: string[] }> => {
      const out: string[] = [];
      const status = await runRemote(
        communicator,
        command,
        async (line) => {
          out.push(line);
          if (show) await ui.message(line);
        },
        signal,
      );
      return { status, out };
    };
    if (config.update) {
      await ui.say('Updating package lists...');
      const update = await sh(`${NONINTERACTIVE} apt-get update -q`, false);
      if (update.status !== 0)
        throw new Error(
          `apt-get update failed (exit ${update.status}):\n${update.out.slice(-10).join('\n')}`,
        );
    }
    // Report every package apt has no candidate for, before installing anything.
    const policy = await sh(`apt-cache policy ${config.packages.map(q).join(' ')}`, false);
    const known = new Set<string>();
    let current: string | undefined;
    for (const line of policy.out) {
      const name = /^(\S+):$/.exec(line)?.[1];
      if (name) current = name;
      else if (current && /^\s+Candidate: (?!\(none\))/.test(line)) known.add(current.replace(/:\w+$/, ''));
    }
    const missing = config.packages.filter((p) => !known.has(p.replace(/[=:].*$/, '')));
    if (missing.length > 0)
      throw new Error(`apt cannot install these packages (no candidate found): ${missing.join(', ')}`);

    await ui.say(`Installing ${config.packages.join(', ')}...`);
    let lastShown = -1;
    const install = await runRemote(
      communicator,
      `${NONINTERACTIVE} apt-get install -y -q -o APT::Status-Fd=1 -o Dpkg::Progress-Fancy=0 ${config.install_recommends ? '' : '--no-install-recommends'} ${config.packages.map(q).join(' ')}`,
      async (line) => {
        // pmstatus:PACKAGE:PERCENT:DESCRIPTION — dpkg's progress, reported every 10 %.
        const m = /^pmstatus:([^:]+):([\d.]+):(.*)$/.exec(line);
        if (m) {
          const pct = Math.floor(Number(m[2]) / 10) * 10;
          if (pct > lastShown) {
            lastShown = pct;
            await ui.message(`${pct}% ${m[3]}`);
          }
        } else if (/^(E|W): /.test(line)) await ui.error(line);
      },
      signal,
    );
    if (install !== 0)
      throw new Error(`apt-get install failed (exit ${install}) for: ${config.packages.join(', ')}`);
    if (config.clean) await sh('apt-get clean', false);
    await ui.say(`Installed ${config.packages.join(', ')}.`);
  },
});
