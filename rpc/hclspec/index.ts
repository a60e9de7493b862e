/**
 * Packer's HCL2 ConfigSpec (hcldec.ObjectSpec) and its two wire forms: gob (every Packer) and
 * protobuf (`--protobuf`, Packer ≥1.12).
 */
export { assertHclSpec, hclSpecEquals, type HclSpec, type HclSpecNode } from './spec.js';
export { encodeSpecGob, decodeSpecGob, HCLDEC_PACKAGE, type SpecGobOptions } from './gob.js';
export { encodeSpecProtobuf, decodeSpecProtobuf } from './protobuf.js';
