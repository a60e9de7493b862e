import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { definePostProcessor, Type } from 'packer-plugin-sdk';

export const MANIFEST_BUILDER_ID = 'example.debian-manifest';

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

/**
 * Writes a JSON manifest of the artifact — its files with sizes and sha256, the build's
 * generated data — and returns the manifest as a new artifact, keeping the input.
 */
export const postProcessor = definePostProcessor({
  schema: Type.Object(
    { output: Type.String({ default: 'manifest.json', description: 'Where to write the manifest.' }) },
    { additionalProperties: false },
  ),
  async postProcess({ config, artifact, ui, common }) {
    const files = await Promise.all(
      (await artifact.files()).map(async (file) => ({
        name: file,
        size: (await stat(file)).size,
        sha256: await sha256(file),
      })),
    );
    const manifest = {
      build_name: common.buildName,
      builder_id: await artifact.builderId(),
      artifact_id: await artifact.id(),
      files,
      generated_data: (await artifact.state('generated_data')) ?? {},
      created_at: new Date().toISOString(),
    };
    const output = resolve(config.output);
    await mkdir(dirname(output), { recursive: true });
    await writeFile(output, `${JSON.stringify(manifest, null, 2)}\n`);
    await ui.say(`Wrote manifest ${output} (${files.length} files)`);
    return {
      artifact: { builderId: MANIFEST_BUILDER_ID, id: output, files: [output], string: `manifest ${output}` },
      keep: true,
    };
  },
});
