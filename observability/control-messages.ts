/**
 * The BuildControl messages (build-control.proto) as TypeScript types, with field names as
 * the proto loader gives them (camelCase). No gRPC here, so the terminal renderer and the
 * observer can use them without loading grpc-js. Decoders narrow what arrives from the wire,
 * which is as untrusted as anything else a peer sends.
 */

export interface StepGraphMessage {
  readonly name: string;
  readonly steps: readonly string[];
  readonly machineJson: string;
  readonly mermaid: string;
  readonly dot: string;
}

export interface EngineEventMessage {
  readonly type: string;
  readonly path: readonly string[];
  readonly result: string;
  readonly durationMs: number;
  readonly reason: string;
  readonly error: string;
  readonly status: string;
  readonly noteName: string;
  readonly noteJson: string;
  readonly steps: number;
}

export interface UiLineMessage {
  readonly kind: string;
  readonly text: string;
}

export interface ProgressMessage {
  readonly src: string;
  readonly total: number;
  readonly current: number;
  readonly done: boolean;
}

export interface BreakpointsMessage {
  readonly steps: readonly string[];
  readonly onError: boolean;
  readonly onStart: boolean;
}

export interface ControlStateMessage {
  readonly breakpoints: BreakpointsMessage;
  readonly paused: boolean;
  readonly pausedAt: readonly string[];
  readonly pausedReason: string;
}

/** One Watch event: exactly one of the payloads is set. */
export type BuildEventMessage =
  | { readonly at: number; readonly event: 'graph'; readonly graph: StepGraphMessage }
  | { readonly at: number; readonly event: 'engine'; readonly engine: EngineEventMessage }
  | { readonly at: number; readonly event: 'ui'; readonly ui: UiLineMessage }
  | { readonly at: number; readonly event: 'progress'; readonly progress: ProgressMessage }
  | { readonly at: number; readonly event: 'control'; readonly control: ControlStateMessage };

export interface StateEntryMessage {
  readonly key: string;
  readonly sensitive: boolean;
  readonly masked: boolean;
  readonly json: string;
  readonly summary: string;
}

export interface StateSnapshotMessage {
  readonly entries: readonly StateEntryMessage[];
  readonly running: boolean;
}

export interface ControlReplyMessage {
  readonly message: string;
}

// --- narrowing (client side) ------------------------------------------------------------

type Obj = Readonly<Record<string, unknown>>;

function obj(value: unknown): Obj {
  return typeof value === 'object' && value !== null ? (value as Obj) : {};
}
function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
function num(value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return 0;
}
function bool(value: unknown): boolean {
  return value === true;
}
function strs(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function decodeStepGraph(value: unknown): StepGraphMessage {
  const v = obj(value);
  return {
    name: str(v.name),
    steps: strs(v.steps),
    machineJson: str(v.machineJson),
    mermaid: str(v.mermaid),
    dot: str(v.dot),
  };
}

export function decodeBreakpoints(value: unknown): BreakpointsMessage {
  const v = obj(value);
  return { steps: strs(v.steps), onError: bool(v.onError), onStart: bool(v.onStart) };
}

/** A Watch event, or undefined when it carries no payload this client knows. */
export function decodeBuildEvent(value: unknown): BuildEventMessage | undefined {
  const v = obj(value);
  const at = num(v.at);
  switch (v.event) {
    case 'graph':
      return { at, event: 'graph', graph: decodeStepGraph(v.graph) };
    case 'engine': {
      const e = obj(v.engine);
      return {
        at,
        event: 'engine',
        engine: {
          type: str(e.type),
          path: strs(e.path),
          result: str(e.result),
          durationMs: num(e.durationMs),
          reason: str(e.reason),
          error: str(e.error),
          status: str(e.status),
          noteName: str(e.noteName),
          noteJson: str(e.noteJson),
          steps: num(e.steps),
        },
      };
    }
    case 'ui': {
      const u = obj(v.ui);
      return { at, event: 'ui', ui: { kind: str(u.kind), text: str(u.text) } };
    }
    case 'progress': {
      const p = obj(v.progress);
      return {
        at,
        event: 'progress',
        progress: { src: str(p.src), total: num(p.total), current: num(p.current), done: bool(p.done) },
      };
    }
    case 'control': {
      const c = obj(v.control);
      return {
        at,
        event: 'control',
        control: {
          breakpoints: decodeBreakpoints(c.breakpoints),
          paused: bool(c.paused),
          pausedAt: strs(c.pausedAt),
          pausedReason: str(c.pausedReason),
        },
      };
    }
    default:
      return undefined;
  }
}

export function decodeStateSnapshot(value: unknown): StateSnapshotMessage {
  const v = obj(value);
  const entries = Array.isArray(v.entries) ? v.entries : [];
  return {
    running: bool(v.running),
    entries: entries.map((entry) => {
      const e = obj(entry);
      return {
        key: str(e.key),
        sensitive: bool(e.sensitive),
        masked: bool(e.masked),
        json: str(e.json),
        summary: str(e.summary),
      };
    }),
  };
}

export function decodeControlReply(value: unknown): ControlReplyMessage {
  return { message: str(obj(value).message) };
}
