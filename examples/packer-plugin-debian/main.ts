// packer-plugin-debian: only PluginSet and serve load before the handshake; each component
// module loads when Packer asks for it.
import { PluginSet, serve } from 'packer-plugin-sdk/plugin';

await serve(
  new PluginSet({ name: 'debian', version: '0.1.0' })
    .register('builder', 'rootfs', () => import('./rootfs/builder.js').then((m) => m.builder()))
    .register('builder', 'ssh', () => import('./ssh/builder.js').then((m) => m.builder()))
    .register('provisioner', 'apt', () => import('./apt/provisioner.js').then((m) => m.provisioner()))
    .register('post-processor', 'manifest', () =>
      import('./manifest/post-processor.js').then((m) => m.postProcessor()),
    )
    .register('datasource', 'release', () => import('./release/datasource.js').then((m) => m.datasource())),
);
