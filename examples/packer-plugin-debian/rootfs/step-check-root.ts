import type { Step } from 'packer-plugin-sdk';

/** The builder mounts file systems and chroots: both need root. Say so before doing anything. */
export const stepCheckRoot: Step = {
  name: 'check-root',
  async run() {
    if (process.getuid?.() !== 0) {
      throw new Error(
        'the rootfs builder needs root (it runs mmdebstrap, mount and chroot): run packer as root, e.g. with sudo',
      );
    }
    return 'continue';
  },
};
