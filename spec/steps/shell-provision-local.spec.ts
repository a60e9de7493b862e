import { createLocalCommunicator } from '../../communicators/local/local-communicator.js';
import { shellContract } from './support/shell-contract.js';

describe('steps/shell-provision through the local communicator (real /bin/sh)', () => {
  const communicator = createLocalCommunicator();
  shellContract(() => ({ communicator }));
});
