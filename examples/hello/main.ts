// The executable entry: only PluginSet and serve load before the handshake.
import { PluginSet, serve } from 'packer-plugin-sdk/plugin';

await serve(
  new PluginSet({ name: 'hello', version: '0.1.0' }).register('builder', 'file', () =>
    import('./builder.js').then((m) => m.builder()),
  ),
);
