import type { TSchema } from '@sinclair/typebox';
import type * as Encoding from './config-spec-encoding.js';
import type { ServiceContext } from './context.js';

type EncodingContext = Pick<ServiceContext, 'protobuf' | 'hcldecPackage'>;

// The gob/protobuf/cty encoders are only needed for HCL2 templates and data sources; JSON
// builds never ask for a ConfigSpec. Loading them on first use keeps them out of every other
// plugin process's start-up.
const encoding = (): Promise<typeof Encoding> => import('./config-spec-encoding.js');

/** `ConfigSpecResponse{ConfigSpec []byte}` (see config-spec-encoding.ts). */
export async function configSpecReply(
  schema: TSchema,
  ctx: EncodingContext,
): Promise<{ ConfigSpec: Uint8Array }> {
  return (await encoding()).configSpecReply(schema, ctx);
}

/** A data source's OutputSpec. */
export async function encodeOutputSpec(schema: TSchema, ctx: EncodingContext): Promise<Uint8Array> {
  return (await encoding()).encodeOutputSpec(schema, ctx);
}

/** A data source's result value. */
export async function encodeOutputValue(
  schema: TSchema,
  output: unknown,
  ctx: EncodingContext,
): Promise<Uint8Array> {
  return (await encoding()).encodeOutputValue(schema, output, ctx);
}
