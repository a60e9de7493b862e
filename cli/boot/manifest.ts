/**
 * What a self-contained plugin (single executable or single-file launcher) carries about its
 * embedded bundle. Built by the packaging CLI, read by the boot code at every start.
 */
export interface BootManifest {
  /** The plugin's short name (names the cache directory). */
  readonly name: string;
  /** SHA-256 over the bundle's file names and contents: the cache directory is keyed by it. */
  readonly hash: string;
  /** The bundle's entry file, relative to the bundle directory. */
  readonly entry: string;
  /** Every file of the bundle, in payload order. */
  readonly files: readonly { readonly path: string; readonly size: number }[];
}

/** Overrides where self-contained plugins unpack their bundle (default: the user's cache directory). */
export const CACHE_DIR_ENV = 'PACKER_SDK_CACHE_DIR';

/** Opens the comment of a single-file launcher that carries the bundle (base64 never contains its end). */
export const PAYLOAD_START = '/*PACKER-SDK-PAYLOAD\n';
export const PAYLOAD_END = '\n*/';
