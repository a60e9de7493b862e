import * as grpc from '@grpc/grpc-js';
import { fromJSON } from '@grpc/proto-loader';
import { buildControlDescriptor } from './build-control-descriptor.js';

/** gRPC metadata key carrying the SDK error code of a failed call. */
export const ERROR_CODE_METADATA = 'pkr-error-code';

/** The service's full name on the wire (build-control.proto). */
export const SERVICE_NAME = 'packer_sdk.control.v1.BuildControl';

/**
 * How messages map to JavaScript: camelCase fields, 64-bit integers as numbers, every field
 * present with its default, and a oneof's case named in a virtual field (`event`).
 */
export const LOADER_OPTIONS = { keepCase: false, longs: Number, enums: String, defaults: true, oneofs: true };

let loaded: grpc.ServiceDefinition | undefined;

/** The BuildControl service definition, from the embedded descriptor (loaded once). */
export function buildControlService(): grpc.ServiceDefinition {
  if (!loaded) {
    const pkg = fromJSON(buildControlDescriptor, LOADER_OPTIONS);
    const service = pkg[SERVICE_NAME];
    if (!service || 'format' in service) throw new Error(`${SERVICE_NAME} is missing from the descriptor`);
    loaded = service;
  }
  return loaded;
}

/** A client class for BuildControl (methods are looked up by name on instances). */
export function buildControlClient(): grpc.ServiceClientConstructor {
  return grpc.makeGenericClientConstructor(buildControlService(), 'BuildControl');
}
