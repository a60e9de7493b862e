import { keys } from '../engine/keys.js';
import type { State } from '../engine/state.js';
import type { Step, StepContext, StepResult } from '../engine/step.js';
import { HOOK_PROVISION, type GeneratedData, type GeneratedValue } from '../packer/hook.js';

/** How the build reaches its machine, for the `build.*` values provisioners see. */
export interface ProvisionConnection {
  /** `ssh`, `winrm`, `none`, or a builder's own (`local`, `chroot`…). */
  readonly type: string;
  readonly port?: number;
  readonly user?: string;
  readonly password?: string;
  readonly sshPrivateKeyFile?: string;
  readonly sshAgentAuth?: boolean;
}

export interface StepProvisionOptions {
  readonly connection?: ProvisionConnection;
}

/**
 * Packer's common generated data (the Go SDK's PopulateProvisionHookData): ID, PackerRunUUID,
 * the HTTP server's address, how to connect, temporary SSH keys — with the Go SDK's
 * `ERR_…_NOT_IMPLEMENTED_BY_BUILDER` placeholder values where the build has none (provisioners
 * and templates test for them) — plus the builder's own
 * `keys.generatedData`.
 */
export function provisionHookData(
  state: State,
  connection: ProvisionConnection = { type: 'none' },
): Record<string, GeneratedValue> {
  const ip = state.get(keys.httpIp);
  const port = state.get(keys.httpPort);
  return {
    ID: state.get(keys.instanceId) ?? 'ERR_ID_NOT_IMPLEMENTED_BY_BUILDER',
    PackerRunUUID: process.env.PACKER_RUN_UUID ?? '',
    PackerHTTPIP: ip ?? 'ERR_HTTP_IP_NOT_IMPLEMENTED_BY_BUILDER',
    PackerHTTPPort: port === undefined ? 'ERR_HTTP_PORT_NOT_IMPLEMENTED_BY_BUILDER' : String(port),
    PackerHTTPAddr:
      ip === undefined || port === undefined ? 'ERR_HTTP_ADDR_NOT_IMPLEMENTED_BY_BUILDER' : `${ip}:${port}`,
    Host: state.get(keys.host) ?? '',
    Port: connection.port ?? 0,
    User: connection.user ?? '',
    Password: connection.password ?? '',
    ConnType: connection.type,
    SSHPublicKey: state.get(keys.sshPublicKey) ?? '',
    SSHPrivateKey: state.get(keys.sshPrivateKey) ?? '',
    SSHPrivateKeyFile: connection.sshPrivateKeyFile ?? '',
    SSHAgentAuth: connection.sshAgentAuth ?? false,
    WinRMPassword: '',
    ...state.get(keys.generatedData),
  };
}

/**
 * Runs the template's provisioners: calls core's `packer_provision` hook with the build's
 * communicator (`keys.communicator`, if any) and its generated data, which it also records
 * under `keys.generatedData` for the artifact. Cancelling stops waiting at once (core never
 * answers a cancelled hook). `-on-error=run-cleanup-provisioner` is handled by the build's
 * on-error policy, which calls the `packer_cleanup_provision` hook.
 */
export class StepProvision implements Step {
  readonly name = 'provision';

  constructor(private readonly options: StepProvisionOptions = {}) {}

  async run(state: State, ctx: StepContext): Promise<StepResult> {
    const data: GeneratedData = provisionHookData(state, this.options.connection);
    state.put(keys.generatedData, { ...data });
    const ui = state.require(keys.ui);
    await ui.say('Running provisioners...');
    await state.require(keys.hook).run(HOOK_PROVISION, ui, state.get(keys.communicator), data, ctx.signal);
    return 'continue';
  }
}

/** The provisioning step. */
export function stepProvision(options: StepProvisionOptions = {}): StepProvision {
  return new StepProvision(options);
}
