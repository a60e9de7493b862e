import { Type } from '@sinclair/typebox';
import { expect } from 'chai';
import { decodeConfig } from '../../config/decode.js';
import { packerRenderer } from '../../config/render-config.js';
import { Deferred } from '../../config/schema.js';

const schema = Type.Object(
  {
    name: Type.String(),
    boot_command: Type.Optional(Deferred(Type.Array(Type.String()))),
    raw: Type.Optional(Type.String({ 'x-interpolate': false })),
    nested: Type.Optional(Type.Object({ label: Type.String() })),
    inline: Type.Optional(Type.Array(Type.String())),
  },
  { additionalProperties: false },
);
const render = packerRenderer();
const common = {
  packer_build_name: 'web',
  packer_builder_type: 'acme',
  packer_user_variables: { env: 'prod' },
};

describe('config/render-config', () => {
  it('renders build_name, build_type and user variables in every string, nested ones too', () => {
    const result = decodeConfig(
      schema,
      [
        {
          name: 'vm-{{ build_name }}-{{ user `env` }}',
          nested: { label: '{{ build_type | upper }}' },
          inline: ['echo {{user `env`}}'],
        },
        common,
      ],
      { render },
    );
    expect(result.problems).to.deep.equal([]);
    expect(result.config).to.deep.include({
      name: 'vm-web-prod',
      nested: { label: 'ACME' },
      inline: ['echo prod'],
    });
  });

  it('leaves deferred fields for later but still checks their syntax', () => {
    const ok = decodeConfig(schema, [{ name: 'x', boot_command: ['<enter>{{ .HTTPIP }}:{{ .HTTPPort }}'] }], {
      render,
    });
    expect(ok.problems).to.deep.equal([]);
    expect(ok.config.boot_command).to.deep.equal(['<enter>{{ .HTTPIP }}:{{ .HTTPPort }}']);
    const bad = decodeConfig(schema, [{ name: 'x', boot_command: ['<enter>', '{{ .HTTPIP '] }], { render });
    expect(bad.problems).to.have.length(1);
    expect(bad.problems[0]!.path).to.equal('boot_command[1]');
    expect(bad.problems[0]!.message).to.match(/^template: root:1:\d+: /);
  });

  it('never touches fields marked x-interpolate: false', () => {
    const result = decodeConfig(schema, [{ name: 'x', raw: '{{ not a template' }], { render });
    expect(result.problems).to.deep.equal([]);
    expect(result.config.raw).to.equal('{{ not a template');
  });

  it('reports each failing field with its path and the template column, all at once', () => {
    const result = decodeConfig(
      schema,
      [{ name: '{{ nosuchfunc }}', inline: ['ok', '{{ env `HOME` }}'] }, common],
      { render },
    );
    expect(result.problems.map((p) => p.path)).to.deep.equal(['inline[1]', 'name']);
    expect(result.problems.find((p) => p.path === 'name')!.message).to.equal(
      'template: root:1:3: function "nosuchfunc" not defined',
    );
  });

  it('uses the generated-data placeholders core appends as template data, not as config', () => {
    const placeholders = {
      Host: 'Build_Host. To set this dynamically in the Packer template, you must use the `build` function',
      PackerRunUUID:
        'Build_PackerRunUUID. To set this dynamically in the Packer template, you must use the `build` function',
    };
    const result = decodeConfig(schema, [{ name: 'ssh {{ .Host }}' }, common, placeholders], { render });
    expect(result.problems).to.deep.equal([]);
    expect(result.config.name).to.equal(`ssh ${placeholders.Host}`);
    expect(result.placeholders).to.deep.equal(placeholders);
  });
});
