/**
 * The result of a builder or post-processor (Packer's `packersdk.Artifact`). Methods are
 * async because an artifact may live in another process: a post-processor's input artifact
 * is an RPC proxy to core.
 */
export interface Artifact {
  /** Id of the builder that produced it, e.g. `acme.rootfs`; post-processors check it. */
  builderId(): Promise<string>;
  /** Local files that make up the artifact. */
  files(): Promise<string[]>;
  /** An id such as an image id; shown in machine-readable output. */
  id(): Promise<string>;
  /** Human-readable summary (`--> build: <string>`). */
  string(): Promise<string>;
  /** Arbitrary state; `"generated_data"` returns the build's generated data map. */
  state(name: string): Promise<unknown>;
  /** Deletes the artifact (core calls it for intermediate artifacts that are not kept). */
  destroy(): Promise<void>;
}

/** Plain data for `createArtifact`. */
export interface ArtifactData {
  builderId: string;
  files?: readonly string[];
  id?: string;
  string?: string;
  state?: Readonly<Record<string, unknown>>;
  destroy?: () => Promise<void>;
}

/** An in-process artifact from plain data. */
export function createArtifact(data: ArtifactData): Artifact {
  return {
    builderId: async () => data.builderId,
    files: async () => [...(data.files ?? [])],
    id: async () => data.id ?? '',
    string: async () => data.string ?? `${data.builderId} artifact`,
    state: async (name) => data.state?.[name],
    destroy: async () => {
      await data.destroy?.();
    },
  };
}

/** Tells an Artifact (methods) from ArtifactData (plain fields). */
export function isArtifact(value: ArtifactData | Artifact): value is Artifact {
  return typeof (value as Artifact).builderId === 'function';
}
