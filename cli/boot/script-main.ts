// The boot code of a single-file launcher: a shell/JavaScript polyglot whose tail is a comment
// holding the bundle in base64. The payload is read only when the cache has no copy yet.
import { PAYLOAD_END, PAYLOAD_START, type BootManifest } from './manifest.js';
import { bootFailed, materialise, startEntry } from './materialise.js';

declare const __PACKER_SDK_BOOT__: BootManifest;

async function boot(): Promise<void> {
  const manifest = __PACKER_SDK_BOOT__;
  // Node runs the file as `node FILE args…`, so argv[1] is this very file.
  const self = process.argv[1];
  if (self === undefined) throw new Error('started without a script path');
  const dir = await materialise(manifest, async () => {
    const fs = await import('node:fs');
    const text = fs.readFileSync(self, 'latin1');
    // The boot code itself quotes the marker, so look for the last one: the payload comes last.
    const start = text.lastIndexOf(PAYLOAD_START);
    const end = text.lastIndexOf(PAYLOAD_END);
    if (start < 0 || end < start) throw new Error(`${self} carries no bundle`);
    const payload = Buffer.from(text.slice(start + PAYLOAD_START.length, end), 'base64');
    let offset = 0;
    return manifest.files.map((f) => payload.subarray(offset, (offset += f.size)));
  });
  await startEntry(dir, manifest.entry);
}

boot().catch(bootFailed);
