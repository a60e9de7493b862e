/** One line of `packer -machine-readable` output: `timestamp,target,type,data…`. */
export interface MachineLine {
  /** Unix seconds. */
  readonly timestamp: number;
  /** The build it concerns (`hello-file.greeting`), or '' for Packer itself. */
  readonly target: string;
  /** `ui`, `artifact`, `artifact-count`, `error-count`, `error`, `version`… */
  readonly type: string;
  /** The data fields, decoded. */
  readonly data: readonly string[];
}

/** What a build's Ui said: `ui,say|message|error,TEXT`. */
export interface UiLine {
  readonly kind: 'say' | 'message' | 'error';
  readonly text: string;
}

/** One artifact a build reported, assembled from its `artifact,N,…` lines. */
export interface ArtifactLine {
  /** The build that made it. */
  readonly target: string;
  readonly index: number;
  readonly builderId: string | undefined;
  readonly id: string | undefined;
  /** Its `String()`, as Packer lists it at the end of a build. */
  readonly string: string | undefined;
  readonly files: readonly string[];
  /** True when the build returned no artifact (`artifact,N,nil`). */
  readonly nil: boolean;
}

/** A failed build from the summary: `target,error,MESSAGE`. */
export interface BuildError {
  readonly target: string;
  readonly message: string;
}

export interface MachineReadable {
  readonly lines: readonly MachineLine[];
  readonly ui: readonly UiLine[];
  readonly artifacts: readonly ArtifactLine[];
  readonly errors: readonly BuildError[];
  /** `error-count` when Packer printed one (a build failed). */
  readonly errorCount: number | undefined;
  /** Output lines that are not machine-readable (e.g. a crash), kept verbatim. */
  readonly other: readonly string[];
}

const COMMA = '%!(PACKER_COMMA)';

/**
 * Decodes one data field. Packer replaces `,` by `%!(PACKER_COMMA)`, CR by `\r` and LF by `\n`
 * (the two-character sequences) and escapes nothing else, so a message that itself contains a
 * backslash followed by `n` comes back as a line break: the encoding cannot tell them apart.
 */
export function decodeMachineField(field: string): string {
  return field.replaceAll(COMMA, ',').replace(/\\([nr])/g, (_, c: string) => (c === 'n' ? '\n' : '\r'));
}

/** Parses one line, or returns undefined when it is not in the machine-readable shape. */
export function parseMachineLine(line: string): MachineLine | undefined {
  const match = /^(\d+),([^,]*),([^,]+)(?:,(.*))?$/.exec(line);
  if (!match) return undefined;
  const rest = match[4];
  return {
    timestamp: Number(match[1]),
    target: match[2]!,
    type: match[3]!,
    data: rest === undefined ? [] : rest.split(',').map(decodeMachineField),
  };
}

/**
 * Parses everything `packer build|validate -machine-readable` printed on stdout into lines,
 * the Ui's messages, the artifacts (grouped by build and index, in the order Packer listed
 * them) and the failed builds of the final summary.
 */
export function parseMachineReadable(stdout: string): MachineReadable {
  const lines: MachineLine[] = [];
  const other: string[] = [];
  for (const raw of stdout.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line === '') continue;
    const parsed = parseMachineLine(line);
    if (parsed) lines.push(parsed);
    else other.push(line);
  }
  const ui: UiLine[] = [];
  const errors: BuildError[] = [];
  const artifacts = new Map<string, MutableArtifact>();
  let errorCount: number | undefined;
  for (const line of lines) {
    const [first, ...data] = line.data;
    switch (line.type) {
      case 'ui':
        if (first === 'say' || first === 'message' || first === 'error') {
          ui.push({ kind: first, text: data.join(',') });
        }
        break;
      case 'error-count':
        errorCount = Number(first);
        break;
      case 'error':
        errors.push({ target: line.target, message: line.data.join(',') });
        break;
      case 'artifact': {
        const index = Number(first);
        if (!Number.isInteger(index)) break;
        const key = `${line.target}\0${index}`;
        let artifact = artifacts.get(key);
        if (!artifact) {
          artifact = {
            target: line.target,
            index,
            builderId: undefined,
            id: undefined,
            string: undefined,
            files: [],
            nil: false,
          };
          artifacts.set(key, artifact);
        }
        applyArtifactField(artifact, data);
        break;
      }
      default:
        break;
    }
  }
  return { lines, ui, artifacts: [...artifacts.values()], errors, errorCount, other };
}

type MutableArtifact = {
  -readonly [K in keyof ArtifactLine]: K extends 'files' ? string[] : ArtifactLine[K];
};

function applyArtifactField(artifact: MutableArtifact, [field, ...values]: readonly string[]): void {
  const value = values.join(',');
  switch (field) {
    case 'builder-id':
      artifact.builderId = value;
      break;
    case 'id':
      artifact.id = value;
      break;
    case 'string':
      artifact.string = value;
      break;
    case 'file':
      // `file,INDEX,NAME`: the name may itself contain (decoded) commas.
      artifact.files.push(values.slice(1).join(','));
      break;
    case 'nil':
      artifact.nil = true;
      break;
    default:
      // files-count and end carry nothing the fields above do not.
      break;
  }
}
