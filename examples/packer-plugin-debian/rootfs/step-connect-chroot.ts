import { keys, type Step } from 'packer-plugin-sdk';
import { createChrootCommunicator } from 'packer-plugin-sdk/communicators';
import { rootDir } from './state.js';

/** Puts a chroot communicator in state, so the template's provisioners run inside the image. */
export const stepConnectChroot: Step = {
  name: 'connect',
  async run(state) {
    const root = state.require(rootDir);
    state.put(keys.communicator, await createChrootCommunicator({ root }));
    state.put(keys.host, root);
    await state.require(keys.ui).say(`Using the chroot communicator in ${root}`);
    return 'continue';
  },
  async cleanup(state) {
    await state.get(keys.communicator)?.close?.();
    state.delete(keys.communicator);
  },
};
