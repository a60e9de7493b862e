import { Type } from '@sinclair/typebox';
import { expect } from 'chai';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  docFileName,
  renderComponentDoc,
  renderDocsIndex,
  templateTypeName,
  typeName,
  type ComponentDoc,
} from '../../cli/render-docs.js';
import { Duration, Sensitive } from '../../config/schema.js';
import { DEFAULT_NAME } from '../../rpc/plugin/constants.js';

/** Compares with a stored snapshot; `UPDATE_SNAPSHOTS=1` rewrites it (then review the diff). */
function matchSnapshot(name: string, actual: string): void {
  const path = fileURLToPath(new URL(`./__snapshots__/${name}`, import.meta.url));
  if (process.env.UPDATE_SNAPSHOTS === '1') writeFileSync(path, actual);
  expect(existsSync(path), `${path} is missing: run with UPDATE_SNAPSHOTS=1 and review it`).to.equal(true);
  expect(actual).to.equal(readFileSync(path, 'utf8'));
}

/** A small schema that uses every shape the renderer knows. */
const vmSchema = Type.Object(
  {
    image: Type.String({ description: 'Image to boot.' }),
    cpus: Type.Integer({ default: 2, minimum: 1, maximum: 64, description: 'Virtual CPUs.' }),
    memory_mb: Type.Optional(Type.Number({ description: 'Memory | in MiB.' })),
    headless: Type.Boolean({ default: true, description: 'No console window.' }),
    boot_wait: Duration({ default: '10s', description: 'Wait before typing.' }),
    password: Sensitive(Type.String({ default: '', description: 'Login password.' })),
    disk_type: Type.Union([Type.Literal('ssd'), Type.Literal('hdd')], {
      default: 'ssd',
      description: 'Disk kind.',
    }),
    tags: Type.Record(Type.String(), Type.String(), { default: {}, description: 'Labels.' }),
    old_name: Type.Optional(Type.String({ 'x-deprecated': 'use image', description: 'Former image field.' })),
    network: Type.Object(
      {
        mode: Type.String({ default: 'nat', description: 'nat or bridge.' }),
        mtu: Type.Optional(Type.Integer({ description: 'Link MTU.' })),
      },
      { description: 'How the VM is connected.' },
    ),
    disk: Type.Array(
      Type.Object({
        size_gb: Type.Integer({ description: 'Size.' }),
        label: Type.String({ default: 'data', description: 'Label,\nshown in the guest.' }),
      }),
      { default: [], description: 'Extra disks.' },
    ),
  },
  { additionalProperties: false },
);

const doc: ComponentDoc = {
  plugin: 'acme',
  version: '1.2.3',
  kind: 'builder',
  name: 'vm',
  configSchema: vmSchema,
};

describe('cli/render-docs', () => {
  it('renders a builder page: every field, required only without a default, nested blocks as sub-tables', () => {
    matchSnapshot('builder-vm.md', renderComponentDoc(doc));
  });

  it('renders a data source page with its output', () => {
    const page = renderComponentDoc({
      plugin: 'acme',
      version: '1.2.3',
      kind: 'datasource',
      name: 'image',
      configSchema: Type.Object({ family: Type.String({ description: 'Image family.' }) }),
      outputSchema: Type.Object({ id: Type.String({ description: 'Image id.' }), size: Type.Number() }),
    });
    matchSnapshot('datasource-image.md', page);
  });

  it('names the default component after the plugin', () => {
    expect(templateTypeName('acme', 'vm')).to.equal('acme-vm');
    expect(templateTypeName('acme', DEFAULT_NAME)).to.equal('acme');
    expect(docFileName('post-processor', 'pack', 'acme')).to.equal('post-processors/pack.md');
    expect(docFileName('builder', DEFAULT_NAME, 'acme')).to.equal('builders/acme.md');
    const page = renderComponentDoc({ ...doc, name: DEFAULT_NAME, kind: 'provisioner' });
    expect(page).to.contain('# `acme` provisioner');
    expect(page).to.contain('provisioner "acme" {');
  });

  it('indexes every component with a link to its page', () => {
    const index = renderDocsIndex('acme', '1.2.3', [
      doc,
      { ...doc, kind: 'post-processor', name: 'pack' },
      { ...doc, kind: 'builder', name: DEFAULT_NAME },
    ]);
    expect(index).to.contain('| [vm](builders/vm.md) | builder | `acme-vm` |');
    expect(index).to.contain('| [pack](post-processors/pack.md) | post-processor | `acme-pack` |');
    expect(index).to.contain('| [acme](builders/acme.md) | builder | `acme` |');
    expect(renderDocsIndex('acme', '1.2.3', [])).to.contain('registers no components');
  });

  it('names types as HCL does', () => {
    const table: [object, string][] = [
      [Type.String(), 'string'],
      [Duration(), 'duration'],
      [Type.Number(), 'number'],
      [Type.Integer(), 'number (whole)'],
      [Type.Boolean(), 'bool'],
      [Type.Array(Type.String()), 'list(string)'],
      [Type.Array(Type.Array(Type.Integer())), 'list(list(number (whole)))'],
      [Type.Record(Type.String(), Type.Number()), 'map(number)'],
      [Type.Union([Type.Literal(1), Type.Literal(2)]), 'number'],
      [Type.Union([Type.String(), Type.Number()]), 'string or number'],
      [Type.Unknown(), 'any'],
    ];
    for (const [schema, name] of table)
      expect(typeName(schema as never), JSON.stringify(schema)).to.equal(name);
  });

  it('reads the fields of intersections (allOf) too', () => {
    const schema = Type.Intersect([
      Type.Object({ a: Type.String({ description: 'A.' }) }),
      Type.Object({ b: Type.Optional(Type.Boolean({ description: 'B.' })) }),
    ]);
    const page = renderComponentDoc({ ...doc, configSchema: schema });
    expect(page).to.contain('| `a` | string | **yes** |  | A. |');
    expect(page).to.contain('| `b` | bool | no |  | B. |');
  });
});
