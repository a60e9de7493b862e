import { execFileSync } from 'node:child_process';
import { defineBuilder, keys, scope, stepProvision } from 'packer-plugin-sdk';
import { defaultOutputDirectory, stepOutputDir } from 'packer-plugin-sdk/steps';
import { hostAptMirror } from '../lib/apt-mirror.js';
import { rootfsSchema } from './config.js';
import { stepBootstrap } from './step-bootstrap.js';
import { stepCheckRoot } from './step-check-root.js';
import { stepChrootFiles } from './step-chroot-files.js';
import { stepConnectChroot } from './step-connect-chroot.js';
import { stepExport } from './step-export.js';
import { stepFacts } from './step-facts.js';
import { mountSteps } from './step-mount.js';
import { stepWorkDir } from './step-work-dir.js';
import { artifactFiles, tarballSha256 } from './state.js';

export const BUILDER_ID = 'example.debian-rootfs';

/**
 * Builds a Debian root file system and exports it as a tarball. Provisioning runs inside the
 * image through a chroot, with /proc, /sys and /dev mounted; those mounts live in a scope,
 * so they are undone in reverse as soon as provisioning ends — or fails, or is cancelled —
 * and before the image is packed.
 */
export const builder = defineBuilder({
  id: BUILDER_ID,
  schema: rootfsSchema,
  generatedData: ['Suite', 'Version', 'PackageCount', 'ImageSize'],
  steps: ({ config, common }) => {
    const architecture =
      config.architecture ?? execFileSync('dpkg', ['--print-architecture']).toString().trim();
    return [
      stepCheckRoot,
      stepOutputDir({
        output_directory: config.output_directory ?? defaultOutputDirectory(common.buildName, 'rootfs'),
      }),
      stepWorkDir,
      stepBootstrap(config, config.mirror ?? hostAptMirror(), architecture),
      stepFacts,
      scope('chroot', [
        ...mountSteps(),
        stepChrootFiles,
        stepConnectChroot,
        stepProvision({ connection: { type: 'chroot' } }),
      ]),
      stepExport(config.image_name),
    ];
  },
  artifact: (state, { config }) => {
    const files = state.require(artifactFiles);
    const data = state.get(keys.generatedData) ?? {};
    return {
      builderId: BUILDER_ID,
      id: state.require(tarballSha256),
      files,
      string: `Debian ${config.suite} root file system: ${files[0]} (${String(data.PackageCount)} packages)`,
    };
  },
});
