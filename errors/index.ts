export { errorCodes, type ErrorCode } from './codes.js';
export { SdkError, isSdkError, describeError, asError, type SdkErrorOptions } from './sdk-error.js';
