import { SdkError } from '../../errors/index.js';

/** What open/accept/ping calls and open streams fail with once the session has ended. */
export function sessionClosed(reason: Error | undefined): SdkError {
  const why = reason ? `: ${reason.message}` : '';
  return new SdkError('PKR_ERR_YAMUX_SESSION_CLOSED', `the yamux session is closed${why}`, { cause: reason });
}

/** The connection under the session ended or failed. */
export function connectionLost(message: string, cause?: Error): SdkError {
  return new SdkError('PKR_ERR_YAMUX_CONNECTION_LOST', message, { cause });
}

/** `open()` after the peer's GoAway(0): Go's `ErrRemoteGoAway`. */
export function remoteGoAway(): SdkError {
  return new SdkError('PKR_ERR_YAMUX_GOAWAY', 'the peer sent GoAway: it accepts no new yamux streams');
}
