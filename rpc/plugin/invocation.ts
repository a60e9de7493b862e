import { basename } from 'node:path';
import { COMPONENT_KINDS, INVOKED_AS_ENV, type ComponentKind } from './constants.js';

/** How core asked this process to run (protocol §1.4, §1.5). */
export type Invocation =
  | { mode: 'describe' }
  | { mode: 'start'; kind: ComponentKind; name: string; protobuf: boolean }
  | { mode: 'legacy'; kind: Exclude<ComponentKind, 'datasource'>; name: string }
  | { mode: 'usage'; problem: string };

const LEGACY = /^packer-(builder|provisioner|post-processor)-(.+?)(\.exe)?$/;

/**
 * Parses the command line. `--protobuf` may appear anywhere (modern core puts it between
 * kind and name: `start builder --protobuf NAME`). With no arguments, the executable's name
 * decides: `packer-builder-NAME` and friends are Packer 1.6 single-component binaries.
 */
export function parseInvocation(args: readonly string[], invokedAs: string): Invocation {
  const protobuf = args.includes('--protobuf');
  const rest = args.filter((a) => a !== '--protobuf');
  if (rest.length === 0) {
    const match = LEGACY.exec(basename(invokedAs));
    if (match) return { mode: 'legacy', kind: match[1] as 'builder', name: match[2]! };
    return { mode: 'usage', problem: 'no command given' };
  }
  if (rest[0] === 'describe' && rest.length === 1) return { mode: 'describe' };
  if (rest[0] === 'start') {
    const [, kind, name, ...extra] = rest;
    if (kind === undefined || name === undefined || extra.length > 0) {
      return { mode: 'usage', problem: 'start needs exactly KIND NAME' };
    }
    if (!(COMPONENT_KINDS as readonly string[]).includes(kind)) {
      return {
        mode: 'usage',
        problem: `unknown component kind "${kind}" (expected ${COMPONENT_KINDS.join(', ')})`,
      };
    }
    return { mode: 'start', kind: kind as ComponentKind, name, protobuf };
  }
  return { mode: 'usage', problem: `unknown command "${rest.join(' ')}"` };
}

/**
 * The name this executable was started as. A Node single executable sees it in argv0; a
 * script run by `node` (directly or through a shebang) in argv[1]; a launcher that must
 * exec `node bundle.js` passes it in PACKER_SDK_INVOKED_AS.
 */
export function invokedName(
  env: NodeJS.ProcessEnv = process.env,
  argv: readonly string[] = process.argv,
): string {
  const fromEnv = env[INVOKED_AS_ENV];
  if (fromEnv) return fromEnv;
  // A Node single executable (Node 20) sees [resolved exe, name as started, …args]: argv[1] is
  // then the invoked (symlink) name already. argv0 covers an argv[1] equal to the executable.
  // (Checked by argv rather than node:sea, which costs start-up time.)
  const script = argv[1];
  if (script !== undefined && script !== process.execPath && !script.startsWith('-')) return script;
  return process.argv0;
}
