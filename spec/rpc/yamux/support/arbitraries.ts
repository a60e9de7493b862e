import fc from 'fast-check';
import { FrameType, type FrameInput } from '../../../../rpc/yamux/frame.js';

/** Any frame the codec can carry; Data payloads stay small so runs stay fast. */
export const arbFrame: fc.Arbitrary<FrameInput> = fc.oneof(
  fc.record({
    type: fc.constant(FrameType.Data),
    flags: fc.integer({ min: 0, max: 0xffff }),
    streamId: fc.integer({ min: 0, max: 0xffffffff }),
    payload: fc.uint8Array({ maxLength: 300 }),
  }),
  fc.record({
    type: fc.constantFrom(FrameType.WindowUpdate, FrameType.Ping, FrameType.GoAway),
    flags: fc.integer({ min: 0, max: 0xffff }),
    streamId: fc.integer({ min: 0, max: 0xffffffff }),
    length: fc.integer({ min: 0, max: 0xffffffff }),
  }),
);
