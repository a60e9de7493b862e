/** Set by Packer core in every plugin's environment (protocol §1.1); absent when run by hand. */
export const MAGIC_COOKIE_KEY = 'PACKER_PLUGIN_MAGIC_COOKIE';
export const MAGIC_COOKIE_VALUE = 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2';

/** Plugin API version: "5" (legacy line), "5"+"0" (modern line), "x5.0" in describe and file names. */
export const API_VERSION_MAJOR = '5';
export const API_VERSION_MINOR = '0';
export const API_VERSION = `x${API_VERSION_MAJOR}.${API_VERSION_MINOR}`;

/** A component registered under this name is addressed by the bare plugin name (Packer ≥ 1.7). */
export const DEFAULT_NAME = '-packer-default-plugin-name-';

/** This SDK's version, reported as `sdk_version` by describe (a spec keeps it equal to package.json). */
export const SDK_VERSION = '0.1.0';

/** Overrides the handshake choice: `legacy` (3 fields, Packer ≤ 1.6) or `modern` (4 fields, ≥ 1.7). */
export const HANDSHAKE_ENV = 'PACKER_SDK_HANDSHAKE';

/**
 * Overrides the Go package path of hcldec that ConfigSpec gob names nested blocks with (see
 * rpc/plugin/core-detect.ts); only needed for an unusual Packer build the SDK cannot recognise.
 */
export const HCLDEC_ENV = 'PACKER_SDK_HCLDEC_PACKAGE';

/** Set by launchers that cannot keep the invoked name in argv (see rpc/plugin/invocation.ts). */
export const INVOKED_AS_ENV = 'PACKER_SDK_INVOKED_AS';

export type ComponentKind = 'builder' | 'provisioner' | 'post-processor' | 'datasource';
export const COMPONENT_KINDS: readonly ComponentKind[] = [
  'builder',
  'provisioner',
  'post-processor',
  'datasource',
];
