import { Type, type SchemaOptions, type TSchema, type TString } from '@sinclair/typebox';

/**
 * Schema annotations the SDK understands, on top of plain TypeBox/JSON Schema. They ride in
 * the schema objects as extension keywords, so one declaration drives validation, HCL2 spec,
 * interpolation, masking and generated docs.
 */
export interface PackerSchemaOptions {
  /** `'defer'`: leave `{{ … }}` for the step that renders it (e.g. boot_command); `false`: never render. */
  'x-interpolate'?: 'defer' | false;
  /** Never shown in logs, Ui output or state snapshots. */
  'x-sensitive'?: boolean;
  /** Shown as a Prepare warning when the field is set. */
  'x-deprecated'?: string;
}

declare module '@sinclair/typebox' {
  // Declaration merging: adds our keywords to every TypeBox options object.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface SchemaOptions extends PackerSchemaOptions {}
}

/** A Go duration string (`"5m"`, `"1h30m"`, `"300ms"`), as Packer templates write timeouts. */
export function Duration(options: SchemaOptions = {}): TString {
  return Type.String({ format: 'duration', ...options });
}

/** Marks a field whose templates are rendered later, by the step that has the data. */
export function Deferred<T extends TSchema>(schema: T): T {
  return { ...schema, 'x-interpolate': 'defer' };
}

/** Marks a field as secret. */
export function Sensitive<T extends TSchema>(schema: T): T {
  return { ...schema, 'x-sensitive': true };
}

/** Go's time.ParseDuration grammar. */
export const GO_DURATION = /^[-+]?(0|((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+)$/;
