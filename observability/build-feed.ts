import type { BuildEventMessage, StepGraphMessage } from './control-messages.js';

export interface FeedSubscriber {
  event(event: BuildEventMessage): void;
  /** The build is over: nothing more will come. */
  end(): void;
}

/**
 * Everything one build says, kept so a watcher who connects late still sees it: the step
 * graph (always first), then every event in order, then live events. The backlog is bounded;
 * past the bound the oldest events go (a long build's Ui output), never the graph.
 */
export class BuildFeed {
  #graph: BuildEventMessage | undefined;
  readonly #backlog: BuildEventMessage[] = [];
  readonly #subscribers = new Set<FeedSubscriber>();
  #ended = false;

  constructor(private readonly maxBacklog = 10_000) {}

  get ended(): boolean {
    return this.#ended;
  }

  /** Sets the graph and sends it to everyone already watching. */
  setGraph(graph: StepGraphMessage, at: number): void {
    this.#graph = { at, event: 'graph', graph };
    for (const s of this.#subscribers) s.event(this.#graph);
  }

  publish(event: BuildEventMessage): void {
    if (this.#ended) return;
    this.#backlog.push(event);
    if (this.#backlog.length > this.maxBacklog)
      this.#backlog.splice(0, this.#backlog.length - this.maxBacklog);
    for (const s of this.#subscribers) s.event(event);
  }

  /** Replays the graph and the backlog to `subscriber` at once, then sends live events. */
  subscribe(subscriber: FeedSubscriber): () => void {
    if (this.#graph) subscriber.event(this.#graph);
    for (const event of this.#backlog) subscriber.event(event);
    if (this.#ended) {
      subscriber.end();
      return () => undefined;
    }
    this.#subscribers.add(subscriber);
    return () => this.#subscribers.delete(subscriber);
  }

  /** Ends every subscription; later subscribers get the replay and then the end. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    const subscribers = [...this.#subscribers];
    this.#subscribers.clear();
    for (const s of subscribers) s.end();
  }
}
