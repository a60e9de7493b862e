import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { finished } from 'node:stream/promises';
import {
  defineBuilder,
  keys,
  stateKey,
  stepProvision,
  Type,
  type Static,
  type Step,
} from 'packer-plugin-sdk';
import {
  communicatorConfigProperties,
  resolveCommunicatorConfig,
  type ResolvedCommunicatorConfig,
} from 'packer-plugin-sdk/communicators';
import { StepConnect } from 'packer-plugin-sdk/steps';

export const SSH_BUILDER_ID = 'example.debian-ssh';

const schema = Type.Object(
  {
    ...communicatorConfigProperties,
    artifact_paths: Type.Array(Type.String(), {
      default: [],
      description:
        'Remote files to download into output_directory after provisioning; they become the artifact.',
    }),
    output_directory: Type.Optional(
      Type.String({ description: 'Where downloaded artifact files go. Default: output-<build name>.' }),
    ),
  },
  { additionalProperties: false },
);

type Config = Static<typeof schema>;

const downloaded = stateKey<string[]>('downloaded_artifacts');

async function resolve(config: Config): Promise<ResolvedCommunicatorConfig> {
  const result = await resolveCommunicatorConfig(config, { requireHost: true });
  if ('problems' in result) throw new Error(result.problems.map((p) => `${p.path}: ${p.message}`).join('; '));
  return result.value;
}

/** Resolves the communicator block at run time (it reads key files), then connects like StepConnect. */
function stepConnect(config: Config): Step {
  let inner: StepConnect | undefined;
  return {
    name: 'connect',
    async run(state, ctx) {
      inner = new StepConnect({ config: await resolve(config) });
      return inner.run(state, ctx);
    },
    async cleanup(state, ctx) {
      await inner?.cleanup(state, ctx);
    },
  };
}

/** Downloads `artifact_paths` from the machine into the output directory. */
function stepDownloadArtifacts(paths: readonly string[], dir: string): Step {
  const written: string[] = [];
  return {
    name: 'download-artifacts',
    async run(state, { signal }) {
      if (paths.length === 0) return 'continue';
      const comm = state.require(keys.communicator);
      const ui = state.require(keys.ui);
      await mkdir(dir, { recursive: true });
      for (const remote of paths) {
        const local = join(dir, basename(remote));
        await ui.say(`Downloading ${remote} => ${local}`);
        const out = createWriteStream(local);
        written.push(local);
        await comm.download(remote, out, { signal });
        out.end();
        await finished(out);
      }
      state.put(downloaded, [...written]);
      return 'continue';
    },
    async cleanup(_state, { status }) {
      if (status !== 'done') await Promise.all(written.map((f) => rm(f, { force: true })));
    },
  };
}

/**
 * Provisions an existing machine over SSH (the golden-host / bare-metal pattern): connect,
 * run the template's provisioners through the SSH communicator, and optionally download
 * files from the machine as the artifact.
 */
export const builder = defineBuilder({
  id: SSH_BUILDER_ID,
  schema,
  validate: async (config) => {
    const result = await resolveCommunicatorConfig(config, { requireHost: true });
    return 'problems' in result ? result.problems : [];
  },
  steps: ({ config, common }) => [
    stepConnect(config),
    stepProvision({
      connection: {
        type: 'ssh',
        port: config.ssh_port,
        user: config.ssh_username ?? '',
        ...(config.ssh_password ? { password: config.ssh_password } : {}),
        ...(config.ssh_private_key_file ? { sshPrivateKeyFile: config.ssh_private_key_file } : {}),
        sshAgentAuth: config.ssh_agent_auth,
      },
    }),
    stepDownloadArtifacts(
      config.artifact_paths,
      config.output_directory ?? `output-${common.buildName ?? 'ssh'}`,
    ),
  ],
  artifact: (state, { config }) => ({
    builderId: SSH_BUILDER_ID,
    id: config.ssh_host ?? state.get(keys.host) ?? '',
    files: state.get(downloaded) ?? [],
    string: `provisioned ${config.ssh_username ?? ''}@${config.ssh_host ?? ''}`,
  }),
});
