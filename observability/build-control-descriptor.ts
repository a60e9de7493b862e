// Generated from build-control.proto (protobufjs JSON form); spec/observability/descriptor.spec.ts
// checks it against the .proto and rewrites it with UPDATE_SNAPSHOTS=1. Do not edit by hand.
// Embedded rather than read from disk so the service works from a bundle, where the .proto
// file is not next to the code.
import type { fromJSON } from '@grpc/proto-loader';

export const buildControlDescriptor: Parameters<typeof fromJSON>[0] = {
  nested: {
    packer_sdk: {
      nested: {
        control: {
          nested: {
            v1: {
              nested: {
                BuildControl: {
                  methods: {
                    Watch: {
                      requestType: 'WatchRequest',
                      responseType: 'BuildEvent',
                      responseStream: true,
                      comment:
                        'The step graph first (as soon as the build has one), then everything that happened so\nfar, then live events until the build ends.',
                    },
                    GetState: {
                      requestType: 'GetStateRequest',
                      responseType: 'StateSnapshot',
                      comment:
                        'The state bag now, redacted: sensitive keys and every known secret are masked.',
                    },
                    SetBreakpoints: {
                      requestType: 'Breakpoints',
                      responseType: 'Breakpoints',
                      comment: 'Replaces the breakpoints; returns them as now set.',
                    },
                    Resume: {
                      requestType: 'ResumeRequest',
                      responseType: 'ControlReply',
                      comment: 'Leaves a pause; the build runs to the next breakpoint.',
                    },
                    StepOver: {
                      requestType: 'StepOverRequest',
                      responseType: 'ControlReply',
                      comment:
                        'Leaves a pause and pauses again before the next step at the same depth or shallower.',
                    },
                    Cancel: {
                      requestType: 'CancelRequest',
                      responseType: 'ControlReply',
                      comment:
                        "Cancels the build as Packer's Cancel would: the running step sees its signal abort and\ncleanup runs.",
                    },
                    Graph: {
                      requestType: 'GraphRequest',
                      responseType: 'StepGraph',
                      comment: 'The step graph a build with these configs would run; nothing runs.',
                    },
                  },
                },
                WatchRequest: { fields: {} },
                BuildEvent: {
                  oneofs: { event: { oneof: ['graph', 'engine', 'ui', 'progress', 'control'] } },
                  fields: {
                    at: { type: 'double', id: 1 },
                    graph: { type: 'StepGraph', id: 2 },
                    engine: { type: 'EngineEvent', id: 3 },
                    ui: { type: 'UiLine', id: 4 },
                    progress: { type: 'Progress', id: 5 },
                    control: { type: 'ControlState', id: 6 },
                  },
                },
                StepGraph: {
                  fields: {
                    name: { type: 'string', id: 1 },
                    steps: { rule: 'repeated', type: 'string', id: 2 },
                    machineJson: { type: 'string', id: 3 },
                    mermaid: { type: 'string', id: 4 },
                    dot: { type: 'string', id: 5 },
                  },
                },
                EngineEvent: {
                  fields: {
                    type: { type: 'string', id: 1 },
                    path: { rule: 'repeated', type: 'string', id: 2 },
                    result: { type: 'string', id: 3 },
                    durationMs: { type: 'double', id: 4 },
                    reason: { type: 'string', id: 5 },
                    error: { type: 'string', id: 6 },
                    status: { type: 'string', id: 7 },
                    noteName: { type: 'string', id: 8 },
                    noteJson: { type: 'string', id: 9 },
                    steps: { type: 'uint32', id: 10 },
                  },
                },
                UiLine: { fields: { kind: { type: 'string', id: 1 }, text: { type: 'string', id: 2 } } },
                Progress: {
                  fields: {
                    src: { type: 'string', id: 1 },
                    total: { type: 'double', id: 2 },
                    current: { type: 'double', id: 3 },
                    done: { type: 'bool', id: 4 },
                  },
                },
                ControlState: {
                  fields: {
                    breakpoints: { type: 'Breakpoints', id: 1 },
                    paused: { type: 'bool', id: 2 },
                    pausedAt: { rule: 'repeated', type: 'string', id: 3 },
                    pausedReason: { type: 'string', id: 4 },
                  },
                },
                GetStateRequest: { fields: {} },
                StateSnapshot: {
                  fields: {
                    entries: { rule: 'repeated', type: 'StateEntry', id: 1 },
                    running: { type: 'bool', id: 2 },
                  },
                },
                StateEntry: {
                  fields: {
                    key: { type: 'string', id: 1 },
                    sensitive: { type: 'bool', id: 2 },
                    masked: { type: 'bool', id: 3 },
                    json: { type: 'string', id: 4 },
                    summary: { type: 'string', id: 5 },
                  },
                },
                Breakpoints: {
                  fields: {
                    steps: { rule: 'repeated', type: 'string', id: 1 },
                    onError: { type: 'bool', id: 2 },
                    onStart: { type: 'bool', id: 3 },
                  },
                },
                ResumeRequest: { fields: {} },
                StepOverRequest: { fields: {} },
                CancelRequest: { fields: { reason: { type: 'string', id: 1 } } },
                ControlReply: { fields: { message: { type: 'string', id: 1 } } },
                GraphRequest: { fields: { configsJson: { rule: 'repeated', type: 'string', id: 1 } } },
              },
            },
          },
        },
      },
    },
  },
};
