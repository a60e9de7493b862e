import type { Artifact } from '../../packer/artifact.js';
import { asArray, asString, type RpcClient, type RpcServer } from '../netrpc/index.js';
import { wireGeneratedData } from './generated-data.js';

/** An artifact that lives on the other side of an RPC stream (a post-processor's input). */
export class ArtifactClient implements Artifact {
  constructor(private readonly client: RpcClient) {}

  async builderId(): Promise<string> {
    return asString(await this.client.call('Artifact.BuilderId', null), 'Artifact.BuilderId reply');
  }

  async files(): Promise<string[]> {
    return asArray(await this.client.call('Artifact.Files', null), 'Artifact.Files reply', asString);
  }

  async id(): Promise<string> {
    return asString(await this.client.call('Artifact.Id', null), 'Artifact.Id reply');
  }

  async string(): Promise<string> {
    return asString(await this.client.call('Artifact.String', null), 'Artifact.String reply');
  }

  async state(name: string): Promise<unknown> {
    return this.client.call('Artifact.State', name);
  }

  async destroy(): Promise<void> {
    await this.client.call('Artifact.Destroy', null);
  }
}

/**
 * Serves `artifact` as the `Artifact` service (protocol §6.3). Keep it served until the
 * process is killed: core asks for it after `Run` returned. A failing `Destroy` reports at
 * RPC level; a non-nil error body would shut core's client down (§3.4).
 */
export function registerArtifactServer(server: RpcServer, artifact: Artifact): void {
  server.register('Artifact', {
    BuilderId: () => artifact.builderId(),
    Files: () => artifact.files(),
    Id: () => artifact.id(),
    String: () => artifact.string(),
    State: async (args) => {
      const name = asString(args, 'Artifact.State');
      const value = await artifact.state(name);
      // Core casts every key of generated_data to string and its values to build variables.
      if (name === 'generated_data' && value && typeof value === 'object' && !Array.isArray(value)) {
        return wireGeneratedData(value as Record<string, string | number | bigint | boolean>);
      }
      return value ?? null;
    },
    Destroy: async () => {
      await artifact.destroy();
      return null;
    },
  });
}
