import { stateKey } from 'packer-plugin-sdk';

/** The root file system being built (a directory inside the work directory). */
export const rootDir = stateKey<string>('root_dir');
/** Files of the artifact, in order (tarball, checksum file). */
export const artifactFiles = stateKey<string[]>('artifact_files');
/** The tarball's sha256 (the artifact id). */
export const tarballSha256 = stateKey<string>('tarball_sha256');
