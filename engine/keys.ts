import type { Communicator } from '../communicators/communicator.js';
import type { Hook } from '../packer/hook.js';
import type { Ui } from '../packer/ui.js';
import { stateKey } from './state.js';

/**
 * Conventional state keys shared by the stock steps, named after the Go SDK's bag keys so
 * that porting a builder is mechanical.
 */
export const keys = {
  /** The Ui of the running component. */
  ui: stateKey<Ui>('ui'),
  /** Core's hook (provisioning). */
  hook: stateKey<Hook>('hook'),
  /** The communicator StepConnect established. */
  communicator: stateKey<Communicator>('communicator'),
  /**
   * An error a step records before returning 'halt'. The runner reports it in the outcome;
   * steps that fail should simply throw.
   */
  error: stateKey<Error>('error'),
  /** Id of the machine/instance the builder created (generated data `ID`). */
  instanceId: stateKey<string>('instance_id'),
  /** The address StepConnect reached (generated data `Host`). */
  host: stateKey<string>('host'),
  /** Packer's `-debug`. */
  debug: stateKey<boolean>('debug'),
  /** HTTP server address published by the HTTP step (`{{ .HTTPIP }}`, `{{ .HTTPPort }}`). */
  httpIp: stateKey<string>('http_ip'),
  httpPort: stateKey<number>('http_port'),
  isoPath: stateKey<string>('iso_path'), // StepDownload's local file (Packer's `iso_path`)
  floppyPath: stateKey<string>('floppy_path'), // StepCreateFloppy's image
  cdPath: stateKey<string>('cd_path'), // StepCreateCD's ISO
  outputDir: stateKey<string>('output_dir'), // StepOutputDir's directory, once made
  /** Temporary SSH key pair made for the build. */
  sshPrivateKey: stateKey<string>('ssh_private_key', { sensitive: true }),
  sshPublicKey: stateKey<string>('ssh_public_key'),
  /** Values a builder exposes as `build.*` generated data. */
  generatedData: stateKey<Record<string, string | number | bigint | boolean>>('generated_data'),
} as const;
