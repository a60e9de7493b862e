import { Type } from '@sinclair/typebox';
import { decodeMulti } from '@msgpack/msgpack';
import { expect } from 'chai';
import { decodeConfig } from '../../config/decode.js';
import { Duration, Sensitive } from '../../config/schema.js';
import { traceStreams } from '../support/traces.js';

const sshSchema = Type.Object(
  {
    communicator: Type.Union([Type.Literal('ssh'), Type.Literal('none')], { default: 'ssh' }),
    ssh_host: Type.Optional(Type.String()),
    ssh_port: Type.Integer({ default: 22, minimum: 1, maximum: 65535 }),
    ssh_username: Type.String(),
    ssh_private_key_file: Type.Optional(Type.String()),
    ssh_password: Type.Optional(Sensitive(Type.String())),
    ssh_timeout: Duration({ default: '5m' }),
    disk: Type.Optional(
      Type.Array(
        Type.Object(
          { size: Type.Integer(), label: Type.Optional(Type.String()) },
          { additionalProperties: false },
        ),
      ),
    ),
    tags: Type.Optional(Type.Array(Type.String())),
    headless: Type.Boolean({ default: false }),
    legacy_flag: Type.Optional(Type.Boolean({ 'x-deprecated': 'use headless' })),
  },
  { additionalProperties: false },
);

/** The `Configs` argument of the Builder.Prepare call in a real capture (stream 1, after the broker id). */
function preparedConfigs(trace: string): unknown[] {
  const rpc = traceStreams(trace).get('1:core->plugin')!.subarray(4);
  const values = [...decodeMulti(rpc, { useBigInt64: true })];
  const header = values.findIndex(
    (v) => (v as { ServiceMethod?: string } | null)?.ServiceMethod === 'Builder.Prepare',
  );
  return (values[header + 1] as { Configs: unknown[] }).Configs;
}

describe('config/decode', () => {
  it('decodes the JSON-template Prepare real Packer 1.6.6 sent (float64 numbers, packer_* keys)', () => {
    const result = decodeConfig(
      sshSchema,
      preparedConfigs('packer-1.6.6-traces/json-template/packer-builder-tapnull.jsonl'),
    );
    expect(result.problems).to.deep.equal([]);
    expect(result.config).to.deep.include({
      communicator: 'ssh',
      ssh_host: '127.0.0.1',
      ssh_port: 2222,
      ssh_username: 'root',
      ssh_timeout: '5m',
    });
    expect(result.common).to.deep.equal({
      buildName: 'tapnull',
      builderType: 'tapnull',
      coreVersion: '1.6.6',
      debug: false,
      force: false,
      onError: '',
      templatePath: '/tmp/cap/build.json',
      userVariables: { foo: 'bar' },
      sensitiveVariables: [],
    });
  });

  it('decodes the HCL2 Prepare real Packer 1.6.6 sent (string booleans, cty JSON in a bin, nulls for unset)', () => {
    const raws = preparedConfigs('packer-1.6.6-traces/hcl2-template/packer-builder-tapnull.jsonl');
    expect(raws[1]).to.be.instanceOf(Uint8Array);
    const result = decodeConfig(sshSchema, raws);
    expect(result.problems).to.deep.equal([]);
    expect(result.config).to.deep.include({
      ssh_host: '127.0.0.1',
      ssh_port: 2222,
      ssh_private_key_file: '/tmp/sshd/clientkey',
    });
    expect(result.common).to.include({
      buildName: 'example',
      builderType: 'tapnull',
      debug: false,
      force: false,
    });
  });

  it('merges several configs in order, nested maps key by key', () => {
    const result = decodeConfig(sshSchema, [
      { ssh_username: 'a', ssh_port: 2200, tags: ['x'] },
      { ssh_username: 'b', tags: ['y', 'z'] },
    ]);
    expect(result.config).to.deep.include({ ssh_username: 'b', ssh_port: 2200, tags: ['y', 'z'] });
  });

  it('accepts what mapstructure accepts weakly: numeric strings, "true", a lone string for a list', () => {
    const result = decodeConfig(sshSchema, [
      { ssh_username: 'u', ssh_port: '2022', headless: 'true', tags: 'solo' },
    ]);
    expect(result.problems).to.deep.equal([]);
    expect(result.config).to.deep.include({ ssh_port: 2022, headless: true, tags: ['solo'] });
  });

  it('reports every problem at once, with field paths and a did-you-mean', () => {
    const result = decodeConfig(sshSchema, [
      {
        communicator: 'winrn',
        ssh_prot: 22,
        ssh_port: 70000,
        ssh_timeout: 'five minutes',
        disk: [{ size: 10 }, { size: 'big', lable: 'x' }],
        headless: 'perhaps',
      },
    ]);
    expect(result.problems).to.have.deep.members([
      { path: 'communicator', message: 'must be one of "ssh", "none", got string "winrn"' },
      { path: 'ssh_prot', message: 'unknown field', suggestion: 'ssh_port' },
      { path: 'ssh_port', message: 'must be <= 65535, got number 70000' },
      {
        path: 'ssh_timeout',
        message: 'expected a duration like "30s", "5m" or "1h30m", got string "five minutes"',
      },
      { path: 'disk[1].size', message: 'expected an integer, got string "big"' },
      { path: 'disk[1].lable', message: 'unknown field', suggestion: 'label' },
      { path: 'headless', message: 'expected a boolean, got string "perhaps"' },
      { path: 'ssh_username', message: 'is required' },
    ]);
  });

  it('turns a float where an integer is declared into a problem, not a crash', () => {
    const result = decodeConfig(sshSchema, [{ ssh_username: 'u', ssh_port: 22.5 }]);
    expect(result.problems).to.deep.equal([
      { path: 'ssh_port', message: 'expected an integer, got number 22.5' },
    ]);
  });

  it('reports raw configs it cannot read', () => {
    const result = decodeConfig(sshSchema, [
      42,
      new TextEncoder().encode('{"value":[1]}'),
      null,
      { ssh_username: 'u' },
    ]);
    expect(result.problems.map((p) => p.message)).to.deep.equal([
      'config 0 is a number, expected a map',
      'config 1 is cty JSON but not an object',
    ]);
  });

  it('collects deprecation warnings and sensitive values', () => {
    const result = decodeConfig(sshSchema, [
      { ssh_username: 'u', ssh_password: 'hunter2', legacy_flag: true },
    ]);
    expect(result.warnings).to.deep.equal(['legacy_flag is deprecated: use headless']);
    expect(result.secrets).to.deep.equal(['hunter2']);
  });

  it('drops Packer 1.6.6’s stray empty user-variable key and reads sensitive variables', () => {
    const result = decodeConfig(sshSchema, [
      { ssh_username: 'u' },
      {
        packer_user_variables: { '': '', region: 'eu' },
        packer_sensitive_variables: ['s3cret'],
        packer_debug: 'true',
      },
    ]);
    expect(result.common.userVariables).to.deep.equal({ region: 'eu' });
    expect(result.common.sensitiveVariables).to.deep.equal(['s3cret']);
    expect(result.common.debug).to.equal(true);
  });
});
