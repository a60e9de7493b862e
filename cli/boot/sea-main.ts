// The main script of a single executable: unpack the embedded bundle (assets named after its
// files) and import its entry. Bundled at build time with the manifest defined in.
import type { BootManifest } from './manifest.js';
import { bootFailed, materialise, startEntry } from './materialise.js';

declare const __PACKER_SDK_BOOT__: BootManifest;

async function boot(): Promise<void> {
  const manifest = __PACKER_SDK_BOOT__;
  const dir = await materialise(manifest, async () => {
    const sea = await import('node:sea');
    return manifest.files.map((f) => new Uint8Array(sea.getAsset(f.path)));
  });
  await startEntry(dir, manifest.entry);
}

boot().catch(bootFailed);
