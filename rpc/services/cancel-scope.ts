import { SdkError } from '../../errors/index.js';

/**
 * Tracks the running calls a `*.Cancel` RPC must abort. Each running call gets a signal that
 * fires on Cancel or when its own RPC stream drops. Cancel may arrive before anything runs
 * (the 1.6.6 Go SDK would panic there); that is simply a no-op.
 */
export class CancelScope {
  readonly #running = new Set<AbortController>();

  begin(streamSignal: AbortSignal): AbortSignal {
    const controller = new AbortController();
    this.#running.add(controller);
    const onDrop = (): void =>
      controller.abort(new SdkError('PKR_ERR_CANCELLED', 'the connection to Packer dropped; cancelling'));
    if (streamSignal.aborted) onDrop();
    else streamSignal.addEventListener('abort', onDrop, { once: true });
    return controller.signal;
  }

  end(signal: AbortSignal): void {
    for (const c of this.#running) if (c.signal === signal) this.#running.delete(c);
  }

  cancelAll(by: string): void {
    for (const c of this.#running)
      c.abort(new SdkError('PKR_ERR_CANCELLED', `the build was cancelled (${by})`));
  }
}
