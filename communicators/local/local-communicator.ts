import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { HostCommunicator, type HostProcess } from '../shared/host-communicator.js';

export interface LocalCommunicatorOptions {
  /** Directory commands run in and relative paths resolve against. Default: the process's cwd. */
  workDir?: string;
  /** The shell that runs each command line (`SHELL -c COMMAND`). Default `/bin/sh`. */
  shell?: string;
}

/**
 * Runs commands on this machine (`/bin/sh -c COMMAND` in `workDir`) and moves files by
 * copying them, with the same semantics as the SSH communicator: streamed stdio, exit
 * statuses (128 + signal number for a command killed by a signal), modes preserved, files
 * written under a temporary name and renamed into place.
 */
export class LocalCommunicator extends HostCommunicator {
  readonly workDir: string;
  readonly #shell: string;

  constructor(options: LocalCommunicatorOptions = {}) {
    super();
    this.workDir = path.resolve(options.workDir ?? process.cwd());
    this.#shell = options.shell ?? '/bin/sh';
  }

  protected processFor(command: string): HostProcess {
    return { file: this.#shell, args: ['-c', command], cwd: this.workDir };
  }

  protected async hostPath(machinePath: string): Promise<string> {
    return path.resolve(this.workDir, machinePath);
  }

  protected resolveLink(hostLinkPath: string): Promise<string> {
    return realpath(hostLinkPath);
  }

  /** Nothing to release; present so StepConnect can treat every communicator alike. */
  async close(): Promise<void> {}
}

/** A communicator for this machine. */
export function createLocalCommunicator(options: LocalCommunicatorOptions = {}): LocalCommunicator {
  return new LocalCommunicator(options);
}
