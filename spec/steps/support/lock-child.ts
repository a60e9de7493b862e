/**
 * A separate process that takes a file lock, prints "LOCKED", and gives it back when a line
 * arrives on stdin (or never, when the spec kills it). argv: lockPath.
 */
import { acquireFileLock } from '../../../steps/file-lock.js';

const release = await acquireFileLock(process.argv[2]!);
process.stdout.write('LOCKED\n');
process.stdin.once('data', () => {
  void release().then(() => {
    process.stdout.write('RELEASED\n');
    process.exit(0);
  });
});
