import { expect } from 'chai';
import { parseInvocation } from '../../../rpc/plugin/invocation.js';

describe('rpc/plugin/invocation', () => {
  const cases: [string[], string, unknown][] = [
    [['describe'], '/p/packer-plugin-x', { mode: 'describe' }],
    [
      ['start', 'builder', 'rootfs'],
      '/p/packer-plugin-x',
      { mode: 'start', kind: 'builder', name: 'rootfs', protobuf: false },
    ],
    // modern core puts the flag between kind and name (protocol §1.5)
    [
      ['start', 'builder', '--protobuf', 'rootfs'],
      'x',
      { mode: 'start', kind: 'builder', name: 'rootfs', protobuf: true },
    ],
    [
      ['--protobuf', 'start', 'datasource', 'rel'],
      'x',
      { mode: 'start', kind: 'datasource', name: 'rel', protobuf: true },
    ],
    [
      ['start', 'post-processor', '-packer-default-plugin-name-'],
      'x',
      { mode: 'start', kind: 'post-processor', name: '-packer-default-plugin-name-', protobuf: false },
    ],
    [[], '/usr/lib/packer/packer-builder-rootfs', { mode: 'legacy', kind: 'builder', name: 'rootfs' }],
    [[], 'packer-post-processor-manifest.exe', { mode: 'legacy', kind: 'post-processor', name: 'manifest' }],
    [[], 'packer-provisioner-debian-apt', { mode: 'legacy', kind: 'provisioner', name: 'debian-apt' }],
    [[], '/usr/bin/my-plugin', { mode: 'usage', problem: 'no command given' }],
    [['start', 'builder'], 'x', { mode: 'usage', problem: 'start needs exactly KIND NAME' }],
    [
      ['start', 'widget', 'a'],
      'x',
      {
        mode: 'usage',
        problem:
          'unknown component kind "widget" (expected builder, provisioner, post-processor, datasource)',
      },
    ],
    [['frobnicate'], 'x', { mode: 'usage', problem: 'unknown command "frobnicate"' }],
  ];
  for (const [args, invokedAs, expected] of cases) {
    it(`${JSON.stringify(args)} as ${invokedAs}`, () => {
      expect(parseInvocation(args, invokedAs)).to.deep.equal(expected);
    });
  }
});
