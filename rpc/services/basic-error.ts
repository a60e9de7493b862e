import { describeError } from '../../errors/index.js';

/** Go's `*BasicError` body field: `{Message}` for an error, nil for none (protocol §3.4). */
export function basicError(err: unknown): { Message: string } {
  return { Message: describeError(err) };
}
