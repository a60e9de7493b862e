import { API_VERSION_MAJOR, API_VERSION_MINOR, HANDSHAKE_ENV } from './constants.js';
import type { CoreGuess } from './core-detect.js';
import type { Invocation } from './invocation.js';

/** `legacy`: `5|unix|/path` (Packer ≤ 1.6). `modern`: `5|0|unix|/path` (Packer ≥ 1.7). */
export type HandshakeFlavor = 'legacy' | 'modern';

export interface HandshakeChoice {
  readonly flavor: HandshakeFlavor;
  readonly reason: string;
}

/** The one stdout line core reads (protocol §1.3); each core rejects the other's form. */
export function formatHandshake(flavor: HandshakeFlavor, network: 'unix' | 'tcp', address: string): string {
  return flavor === 'legacy'
    ? `${API_VERSION_MAJOR}|${network}|${address}\n`
    : `${API_VERSION_MAJOR}|${API_VERSION_MINOR}|${network}|${address}\n`;
}

/**
 * Chooses the handshake line for the core that started us, with no configuration:
 *
 * 1. `PACKER_SDK_HANDSHAKE=legacy|modern` wins (for unusual launch chains);
 * 2. `--protobuf` is only ever passed by Packer ≥ 1.12 → modern;
 * 3. the parent's executable says which generation it is (rpc/plugin/core-detect.ts);
 * 4. otherwise the invocation decides: a `packer-builder-NAME` style binary started without
 *    arguments is what Packer 1.6 runs → legacy; `start …` → modern.
 */
export function chooseHandshake(
  invocation: Extract<Invocation, { mode: 'start' | 'legacy' }>,
  env: NodeJS.ProcessEnv,
  detect: () => CoreGuess,
): HandshakeChoice {
  const override = env[HANDSHAKE_ENV];
  if (override === 'legacy' || override === 'modern')
    return { flavor: override, reason: `${HANDSHAKE_ENV}=${override}` };
  if (invocation.mode === 'start' && invocation.protobuf)
    return { flavor: 'modern', reason: '--protobuf given (Packer ≥ 1.12)' };
  const core = detect();
  if (core.generation !== 'unknown') return { flavor: core.generation, reason: core.reason };
  return invocation.mode === 'legacy'
    ? { flavor: 'legacy', reason: `single-component invocation; ${core.reason}` }
    : { flavor: 'modern', reason: `start invocation; ${core.reason}` };
}
