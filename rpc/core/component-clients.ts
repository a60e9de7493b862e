import type { Artifact } from '../../packer/artifact.js';
import type { Ui } from '../../packer/ui.js';
import type { RpcClient } from '../netrpc/index.js';
import {
  asArray,
  asBool,
  asBytes,
  asOptional,
  asString,
  asStruct,
  asUint32,
  RpcServer,
} from '../netrpc/index.js';
import { ArtifactClient, registerArtifactServer } from '../services/artifact.js';
import { dialClient, rpcLog } from '../services/context.js';
import { registerCommunicatorServer } from '../services/communicator.js';
import { registerUiServer } from '../services/ui.js';
import type { Communicator } from '../../communicators/communicator.js';
import type { GeneratedData } from '../../packer/hook.js';
import { registerHookServer, type HookHandler } from './hook-server.js';
import type { PluginConnection } from './plugin-process.js';

/** Opens the component stream (broker id 0) of a started plugin. */
export async function componentClient(conn: PluginConnection): Promise<RpcClient> {
  return dialClient(conn.ctx, 0);
}

/** Announces an RPC server core-side and returns its id (registered before the id is sent). */
function announce(conn: PluginConnection, setup: (server: RpcServer) => void): number {
  const server = new RpcServer({ onLog: rpcLog(conn.ctx.log) });
  setup(server);
  const id = conn.broker.nextId();
  void conn.broker.accept(id).then(
    (stream) => server.serve(stream),
    () => undefined,
  );
  return id;
}

/** What every core-side component client shares: its plugin, its RPC client, ConfigSpec. */
abstract class CoreComponentClient {
  constructor(
    readonly conn: PluginConnection,
    readonly rpc: RpcClient,
    /** The service name core calls (`Builder`, `Provisioner`, …). */
    protected readonly endpoint: string,
  ) {}

  async configSpec(): Promise<Uint8Array> {
    return asBytes(
      asStruct(await this.rpc.call(`${this.endpoint}.ConfigSpec`, null), 'reply').ConfigSpec,
      'ConfigSpec',
    );
  }
}

export interface PrepareReply {
  readonly generatedVars: string[];
  readonly warnings: string[];
  readonly error: string | undefined;
}

/** Drives a plugin's `Builder` service the way core does. */
export class CoreBuilderClient extends CoreComponentClient {
  constructor(conn: PluginConnection, rpc: RpcClient) {
    super(conn, rpc, 'Builder');
  }

  static async connect(conn: PluginConnection): Promise<CoreBuilderClient> {
    return new CoreBuilderClient(conn, await componentClient(conn));
  }

  async prepare(configs: readonly unknown[]): Promise<PrepareReply> {
    const reply = asStruct(await this.rpc.call('Builder.Prepare', { Configs: [...configs] }), 'reply');
    const error = asOptional(reply.Error, 'Error', asStruct);
    return {
      generatedVars: asArray(reply.GeneratedVars, 'GeneratedVars', asString),
      warnings: asArray(reply.Warnings, 'Warnings', asString),
      error: error ? asString(error.Message, 'Error.Message') : undefined,
    };
  }

  /** Runs the build, serving `ui` and a Hook whose `Run` calls `onHook`. */
  async run(ui: Ui, onHook: HookHandler = async () => undefined): Promise<ArtifactClient | undefined> {
    const id = announce(this.conn, (server) => {
      registerUiServer(server, ui, this.conn.ctx.log);
      registerHookServer(server, this.conn.ctx, onHook);
    });
    const artifactId = asUint32(await this.rpc.call('Builder.Run', id), 'Builder.Run reply');
    return artifactId === 0 ? undefined : new ArtifactClient(await dialClient(this.conn.ctx, artifactId));
  }

  async cancel(): Promise<void> {
    await this.rpc.call('Builder.Cancel', null);
  }
}

/** Drives a plugin's `Provisioner` service the way core does. */
export class CoreProvisionerClient extends CoreComponentClient {
  constructor(conn: PluginConnection, rpc: RpcClient) {
    super(conn, rpc, 'Provisioner');
  }

  static async connect(conn: PluginConnection): Promise<CoreProvisionerClient> {
    return new CoreProvisionerClient(conn, await componentClient(conn));
  }

  async prepare(configs: readonly unknown[]): Promise<void> {
    await this.rpc.call('Provisioner.Prepare', { Configs: [...configs] });
  }

  /** Provisions through `communicator`, which core serves to the plugin with `ui`. */
  async provision(ui: Ui, communicator: Communicator, generatedData: GeneratedData = {}): Promise<void> {
    const id = announce(this.conn, (server) => {
      registerUiServer(server, ui, this.conn.ctx.log);
      registerCommunicatorServer(server, communicator, this.conn.ctx);
    });
    await this.rpc.call('Provisioner.Provision', { GeneratedData: { ...generatedData }, StreamID: id });
  }

  async cancel(): Promise<void> {
    await this.rpc.call('Provisioner.Cancel', null);
  }
}

export interface PostProcessReply {
  readonly artifact: ArtifactClient | undefined;
  readonly keep: boolean;
  readonly forceOverride: boolean;
  readonly error: string | undefined;
}

/** Drives a plugin's `PostProcessor` service the way core does. */
export class CorePostProcessorClient extends CoreComponentClient {
  constructor(conn: PluginConnection, rpc: RpcClient) {
    super(conn, rpc, 'PostProcessor');
  }

  static async connect(conn: PluginConnection): Promise<CorePostProcessorClient> {
    return new CorePostProcessorClient(conn, await componentClient(conn));
  }

  async configure(configs: readonly unknown[]): Promise<void> {
    await this.rpc.call('PostProcessor.Configure', { Configs: [...configs] });
  }

  async postProcess(ui: Ui, input: Artifact): Promise<PostProcessReply> {
    const id = announce(this.conn, (server) => {
      registerUiServer(server, ui, this.conn.ctx.log);
      registerArtifactServer(server, input);
    });
    const reply = asStruct(await this.rpc.call('PostProcessor.PostProcess', id), 'reply');
    const err = asOptional(reply.Err, 'Err', asStruct);
    const streamId = asUint32(reply.StreamId, 'StreamId');
    return {
      artifact: streamId === 0 ? undefined : new ArtifactClient(await dialClient(this.conn.ctx, streamId)),
      keep: asBool(reply.Keep, 'Keep'),
      forceOverride: asBool(reply.ForceOverride, 'ForceOverride'),
      error: err ? asString(err.Message, 'Err.Message') : undefined,
    };
  }
}

/** Drives a plugin's `Datasource` service the way core ≥ 1.7 does. */
export class CoreDatasourceClient extends CoreComponentClient {
  constructor(conn: PluginConnection, rpc: RpcClient) {
    super(conn, rpc, 'Datasource');
  }

  static async connect(conn: PluginConnection): Promise<CoreDatasourceClient> {
    return new CoreDatasourceClient(conn, await componentClient(conn));
  }

  async outputSpec(): Promise<Uint8Array> {
    return asBytes(
      asStruct(await this.rpc.call('Datasource.OutputSpec', null), 'reply').OutputSpec,
      'OutputSpec',
    );
  }

  async configure(configs: readonly unknown[]): Promise<void> {
    await this.rpc.call('Datasource.Configure', { Configs: [...configs] });
  }

  /** The encoded value: gob of a cty.Value, or cty msgpack in --protobuf mode. */
  async execute(): Promise<Uint8Array> {
    return asBytes(asStruct(await this.rpc.call('Datasource.Execute', null), 'reply').Value, 'Value');
  }
}
