import type { TSchema } from '@sinclair/typebox';
import { schemaToCtyType, schemaToHclSpec } from '../../config/hcl-spec.js';
import { jsToCtyValue } from '../../config/cty-value.js';
import { encodeCtyValueGob, encodeCtyValueMsgpack } from '../cty/index.js';
import { encodeSpecGob, encodeSpecProtobuf } from '../hclspec/index.js';
import type { ServiceContext } from './context.js';

const gobSpecs = new WeakMap<TSchema, Uint8Array>();
const protoSpecs = new WeakMap<TSchema, Uint8Array>();

/**
 * A component's ConfigSpec as core asked for it (protocol §5.4): protobuf `Spec` when started
 * with `--protobuf`, else gob of an `hcldec.ObjectSpec` in Packer 1.6.6's layout (which every
 * later gob decoder reads too), nested blocks named after the core's own hcldec package path.
 * Computed once per schema (one process serves one core).
 */
export function encodeSpec(
  schema: TSchema,
  ctx: Pick<ServiceContext, 'protobuf' | 'hcldecPackage'>,
): Uint8Array {
  const cache = ctx.protobuf ? protoSpecs : gobSpecs;
  let bytes = cache.get(schema);
  if (!bytes) {
    const spec = schemaToHclSpec(schema);
    bytes = ctx.protobuf
      ? encodeSpecProtobuf(spec)
      : encodeSpecGob(spec, 'packer166', ctx.hcldecPackage ? { hcldecPackage: ctx.hcldecPackage } : {});
    cache.set(schema, bytes);
  }
  return bytes;
}

/** `ConfigSpecResponse{ConfigSpec []byte}`. */
export function configSpecReply(
  schema: TSchema,
  ctx: Pick<ServiceContext, 'protobuf'>,
): { ConfigSpec: Uint8Array } {
  return { ConfigSpec: encodeSpec(schema, ctx) };
}

/** A data source's OutputSpec: the same encoding as a ConfigSpec. */
export function encodeOutputSpec(
  schema: TSchema,
  ctx: Pick<ServiceContext, 'protobuf' | 'hcldecPackage'>,
): Uint8Array {
  return encodeSpec(schema, ctx);
}

/**
 * A data source's result (protocol §6.2): cty msgpack with a DynamicPseudoType wrapper in
 * protobuf mode, else `(cty.Value).GobEncode()` in the layout of the SDK's go-cty fork (what
 * Packer 1.7–1.11 decode).
 */
export function encodeOutputValue(
  schema: TSchema,
  output: unknown,
  ctx: Pick<ServiceContext, 'protobuf'>,
): Uint8Array {
  const type = schemaToCtyType(schema);
  const value = jsToCtyValue(output, type);
  return ctx.protobuf ? encodeCtyValueMsgpack(value, type) : encodeCtyValueGob(value, type, 'sdkfork');
}
