import { lstat, readlink } from 'node:fs/promises';
import path from 'node:path';
import { SdkError } from '../../errors/index.js';

// Linux's limit on symbolic links followed while resolving one path (MAXSYMLINKS).
const MAX_LINKS = 40;

/**
 * Maps `machinePath` (a path as a process inside the chroot sees it; relative paths start at
 * its `/`) to the host path under `root`, resolving symbolic links the way the chrooted
 * process would: an absolute link target starts again at the chroot's root, a relative one
 * at the link's directory. A `..` that would climb above the chroot's root, literally or
 * through a link, is refused rather than clamped, so a mistyped path never writes
 * somewhere unexpected.
 *
 * `root` must already be canonical (`fs.realpath`). Components that do not exist are taken
 * literally (an upload's target usually does not exist yet). A link swapped in between this
 * resolution and the file operation is not guarded against; the chroot directory is the
 * builder's own.
 */
export async function resolveChrootPath(root: string, machinePath: string): Promise<string> {
  const resolved: string[] = [];
  let pending = split(machinePath);
  let links = 0;
  let existing = true;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === '.' || part === '') continue;
    if (part === '..') {
      if (resolved.length === 0) throw escape(root, machinePath);
      resolved.pop();
      continue;
    }
    const candidate = path.join(root, ...resolved, part);
    const stats = existing ? await lstat(candidate).catch(() => undefined) : undefined;
    if (!stats) existing = false;
    if (stats?.isSymbolicLink()) {
      if (++links > MAX_LINKS) {
        throw new SdkError('PKR_ERR_COMM_TRANSFER', `too many levels of symbolic links in ${machinePath}`, {
          details: { path: machinePath },
        });
      }
      const target = await readlink(candidate);
      if (target.startsWith('/')) resolved.length = 0;
      pending = [...split(target), ...pending];
      continue;
    }
    resolved.push(part);
  }
  return path.join(root, ...resolved);
}

/** The chroot-side path of a host path under `root` (the inverse of the mapping above). */
export function machinePathOf(root: string, hostPath: string): string {
  const rel = path.relative(root, hostPath);
  if (rel.startsWith('..') || path.isAbsolute(rel)) throw escape(root, hostPath);
  return `/${rel.split(path.sep).join('/')}`;
}

function split(p: string): string[] {
  return p.split('/').filter((s) => s !== '');
}

function escape(root: string, machinePath: string): SdkError {
  return new SdkError(
    'PKR_ERR_CHROOT_PATH_ESCAPE',
    `the path ${JSON.stringify(machinePath)} leads outside the chroot ${root}`,
    { details: { root, path: machinePath } },
  );
}
