import type { TObject } from '@sinclair/typebox';
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cdConfig } from '../../steps/step-create-cd.js';
import { floppyConfig } from '../../steps/step-create-floppy.js';
import { isoConfig } from '../../steps/step-download.js';
import { httpConfig } from '../../steps/step-http-server.js';
import { outputDirConfig } from '../../steps/step-output-dir.js';
import { shutdownConfig } from '../../steps/step-shutdown.js';

const doc = readFileSync(fileURLToPath(new URL('../../docs/steps.md', import.meta.url)), 'utf8');
const schemas: Record<string, TObject> = {
  httpConfig,
  outputDirConfig,
  isoConfig,
  floppyConfig,
  cdConfig,
  shutdownConfig,
};

describe('docs/steps.md, the step catalogue', () => {
  for (const [name, schema] of Object.entries(schemas)) {
    it(`documents every ${name} field with its default, and each has a description and a default`, () => {
      for (const [field, raw] of Object.entries(schema.properties)) {
        const prop = raw as { description?: unknown; default?: unknown };
        expect(prop.description, `${name}.${field} description`).to.be.a('string').and.not.equal('');
        expect(prop, `${name}.${field} default`).to.have.property('default');
        const row = doc.split('\n').find((l) => l.startsWith(`| \`${field}\``));
        expect(row, `${field} row`).to.be.a('string');
        expect(row, `${field} default`).to.contain(`\`${JSON.stringify(prop.default)}\``);
      }
    });
  }

  it('names every stock step file, and keeps the sections of the shell and boot command steps', () => {
    const dir = fileURLToPath(new URL('../../steps/', import.meta.url));
    for (const file of readdirSync(dir).filter((f) => /^step-.*\.ts$/.test(f))) {
      expect(doc, file).to.contain(`(\`${file}\`)`);
    }
    expect(doc).to.contain('## Shell provisioning (`steps/shell-*.ts`)');
    expect(doc).to.contain('## Boot command (`steps/boot-command*.ts`)');
  });
});
