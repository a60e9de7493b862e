export { errorCodes, type ErrorCode } from './codes.js';
export { SdkError, isSdkError, describeError, type SdkErrorOptions } from './sdk-error.js';
