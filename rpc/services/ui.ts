import { randomInt } from 'node:crypto';
import { describeError } from '../../errors/index.js';
import type { ProgressTracker, Ui } from '../../packer/ui.js';
import { asArray, asInt, asString, asStruct, type RpcClient, type RpcServer } from '../netrpc/index.js';
import type { ServiceLog } from './context.js';

/**
 * Core's Ui, reached over RPC (`Ui.Say`, …, protocol §4.2). Progress bars are services core
 * registers on the fly under `Ui<id>`.
 */
export class UiClient implements Ui {
  constructor(private readonly client: RpcClient) {}

  async say(message: string): Promise<void> {
    await this.client.call('Ui.Say', message);
  }

  async message(message: string): Promise<void> {
    await this.client.call('Ui.Message', message);
  }

  async error(message: string): Promise<void> {
    await this.client.call('Ui.Error', message);
  }

  async ask(query: string): Promise<string> {
    return asString(await this.client.call('Ui.Ask', query), 'Ui.Ask reply');
  }

  async machine(category: string, ...args: string[]): Promise<void> {
    await this.client.call('Ui.Machine', { Category: category, Args: args });
  }

  async trackProgress(src: string, totalSize: number, currentSize = 0): Promise<ProgressTracker> {
    const id = asString(
      await this.client.call('Ui.NewTrackProgress', {
        Src: src,
        TotalSize: totalSize,
        CurrentSize: currentSize,
      }),
      'Ui.NewTrackProgress reply',
    );
    const client = this.client;
    let chain: Promise<unknown> = Promise.resolve();
    let broken = false;
    let closed = false;
    return {
      add(bytes: number) {
        if (broken || closed || bytes <= 0) return;
        // Calls are chained so core sees them in order; a failure ends the bar, not the transfer.
        chain = chain.then(() => client.call(`Ui${id}.Add`, bytes)).catch(() => (broken = true));
      },
      async close() {
        if (closed) return;
        closed = true;
        await chain;
        if (!broken) await client.call(`Ui${id}.Close`, null).catch(() => undefined);
      },
    };
  }
}

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/**
 * Serves `ui` as the `Ui` service, as a builder must on the stream it gives core in
 * `Hook.Run` (core's provisioners print through it). Progress trackers are registered as
 * `Ui<src><6 random alphanumerics>` services on the same server, as Go does.
 */
export function registerUiServer(server: RpcServer, ui: Ui, log: ServiceLog): void {
  server.register('Ui', {
    Say: async (args) => void (await ui.say(asString(args, 'Ui.Say'))),
    Message: async (args) => void (await ui.message(asString(args, 'Ui.Message'))),
    Error: async (args) => void (await ui.error(asString(args, 'Ui.Error'))),
    Ask: async (args) => ui.ask(asString(args, 'Ui.Ask')),
    Machine: async (args) => {
      const a = asStruct(args, 'Ui.Machine');
      await ui.machine(asString(a.Category, 'Category'), ...asArray(a.Args, 'Args', asString));
    },
    NewTrackProgress: async (args) => {
      const a = asStruct(args, 'Ui.NewTrackProgress');
      const src = asString(a.Src, 'Src');
      const tracker = await ui.trackProgress(
        src,
        asInt(a.TotalSize, 'TotalSize'),
        asInt(a.CurrentSize, 'CurrentSize'),
      );
      let id = '';
      do {
        id = src + Array.from({ length: 6 }, () => ALNUM[randomInt(ALNUM.length)]).join('');
      } while (server.has(`Ui${id}`));
      server.register(`Ui${id}`, {
        Add: async (n) => void tracker.add(asInt(n, 'Add')),
        Close: async () => {
          server.unregister(`Ui${id}`);
          await tracker
            .close()
            .catch((err: unknown) => log('warn', `progress bar close failed: ${describeError(err)}`));
        },
      });
      return id;
    },
  });
}
