/**
 * The stock step library: reusable steps builders compose (connect, provision, …).
 * @packageDocumentation
 */
export { StepConnect, type StepConnectOptions, type CommunicatorFactory } from './step-connect.js';
export {
  StepProvision,
  stepProvision,
  provisionHookData,
  type ProvisionConnection,
  type StepProvisionOptions,
} from './step-provision.js';
