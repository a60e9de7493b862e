/**
 * cty (github.com/zclconf/go-cty) types and values as Packer exchanges them: the JSON document
 * HCL2 configs arrive in, the gob forms of cty.Type/cty.Value (ConfigSpec, gob-mode
 * datasources) and the msgpack form of `--protobuf` mode datasources.
 */
export {
  cty,
  assertCtyType,
  ctyTypeEquals,
  ctyTypeHasDynamic,
  ctyPrimitiveGoString,
  compareGoStrings,
  type CtyType,
  type CtyTypeOf,
} from './type.js';
export { parseCtyType, formatCtyType, ctyTypeFromJsonNode } from './type-json.js';
export {
  ctyVal,
  ctyNumber,
  checkCtyValue,
  ctyValueEquals,
  type CtyValue,
  type CtyValueOf,
  type CtyTypedValue,
} from './value.js';
export { parseCtyJson, formatCtyJson, mentionsUnknown, PACKER_UNKNOWN_TEXT } from './json-value.js';
export { parseJson, goJsonString, type JsonNode } from './json-text.js';
export {
  encodeCtyTypeGob,
  decodeCtyTypeGob,
  ctyTypeGobEncodable,
  ctyTypeGo,
  type CtyGobFlavor,
} from './gob-type.js';
export { encodeCtyValueGob, decodeCtyValueGob } from './gob-value.js';
export { encodeCtyValueMsgpack, decodeCtyValueMsgpack } from './msgpack.js';
