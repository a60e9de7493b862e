// A plugin whose core never dials: serve gives up after CONNECT_TIMEOUT_MS.
import { PluginSet, serve } from '../../../../rpc/plugin/index.js';

await serve(
  new PluginSet({ name: 'unconnected', version: '0.1.0' }).register('builder', 'x', () => {
    throw new Error('never resolved: nobody connects');
  }),
  { connectTimeoutMs: Number(process.env.CONNECT_TIMEOUT_MS) },
);
