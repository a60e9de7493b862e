/** What the scaffold needs to know. */
export interface ScaffoldOptions {
  /** Plugin short name (`acme` → packer-plugin-acme, builder `acme-file`). */
  readonly name: string;
  /** The dependency spec for packer-plugin-sdk, e.g. `file:../packer-plugin-sdk` or `^0.1.0`. */
  readonly sdk: string;
  /** Versions of the test tools, taken from the SDK's own devDependencies (known to work together). */
  readonly devDependencies: Readonly<Record<string, string>>;
}

/**
 * The files of a new plugin: one builder with two steps, a unit spec per step with the mocked
 * state bag, an acceptance spec with the acctest kit, and the tooling around them. The result
 * passes its own `npm test` as soon as `npm install` has run.
 */
export function scaffoldFiles(options: ScaffoldOptions): Record<string, string> {
  const { name } = options;
  const type = `${name}-file`;
  return {
    'package.json': `${JSON.stringify(
      {
        name: `packer-plugin-${name}`,
        version: '0.1.0',
        private: true,
        description: `Packer plugin "${name}", written in TypeScript`,
        type: 'module',
        engines: { node: '>=20' },
        scripts: {
          build: 'packer-plugin-sdk build main.ts --out dist',
          test: 'mocha',
          'test:acc': 'PACKER_ACC=1 mocha',
          typecheck: 'tsc --noEmit -p .',
          docs: 'packer-plugin-sdk docs main.ts --out docs',
        },
        dependencies: { 'packer-plugin-sdk': options.sdk },
        devDependencies: options.devDependencies,
      },
      null,
      2,
    )}\n`,
    'tsconfig.json': `${JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022',
          lib: ['ES2023'],
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          types: ['node', 'mocha'],
          strict: true,
          noUncheckedIndexedAccess: true,
          verbatimModuleSyntax: true,
          skipLibCheck: true,
          noEmit: true,
        },
        include: ['*.ts', 'spec'],
      },
      null,
      2,
    )}\n`,
    '.mocharc.json': `${JSON.stringify(
      { 'node-option': ['import=tsx'], extension: ['ts'], spec: ['spec/**/*.spec.ts'], timeout: 20000 },
      null,
      2,
    )}\n`,
    '.gitignore': 'node_modules/\ndist/\n',
    'main.ts': `// The executable entry: only PluginSet and serve load before Packer's handshake; the builder
// module loads when Packer asks for it.
import { PluginSet, serve } from 'packer-plugin-sdk/plugin';

await serve(
  new PluginSet({ name: '${name}', version: '0.1.0' }).register('builder', 'file', () =>
    import('./builder.js').then((m) => m.builder()),
  ),
);
`,
    'builder.ts': `import { join } from 'node:path';
import { defineBuilder, Type } from 'packer-plugin-sdk';
import { GREETING_FILE, stepCreateOutputDir, stepWriteGreeting } from './steps.js';

/** The \`${type}\` builder: writes a greeting into a fresh output directory. */
export const builder = defineBuilder({
  id: '${name}.file',
  schema: Type.Object(
    {
      greeting: Type.String({ default: 'Hello', description: 'What to write.' }),
      output_directory: Type.String({ description: 'Directory to create; it must not exist yet.' }),
    },
    { additionalProperties: false },
  ),
  generatedData: ['GreetingFile'],
  steps: ({ config }) => [stepCreateOutputDir(config.output_directory), stepWriteGreeting(config.greeting)],
  artifact: (_state, { config }) => ({
    builderId: '${name}.file',
    id: config.output_directory,
    files: [join(config.output_directory, GREETING_FILE)],
  }),
});
`,
    'steps.ts': `import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { keys, stateKey, type Step } from 'packer-plugin-sdk';

/** The directory the build writes into, once created. */
export const outputDirKey = stateKey<string>('output_dir');

export const GREETING_FILE = 'greeting.txt';

/** Creates the output directory (refusing an existing one) and removes it unless the build succeeds. */
export function stepCreateOutputDir(dir: string): Step {
  return {
    name: 'create-output-dir',
    async run(state) {
      await mkdir(dir);
      state.put(outputDirKey, dir);
      return 'continue';
    },
    async cleanup(state, { status }) {
      if (status !== 'done' && state.get(outputDirKey) !== undefined) {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Writes the greeting into the output directory and publishes the file as \`build.GreetingFile\`. */
export function stepWriteGreeting(greeting: string): Step {
  return {
    name: 'write-greeting',
    async run(state) {
      const file = join(state.require(outputDirKey), GREETING_FILE);
      await writeFile(file, \`\${greeting}\\n\`);
      await state.require(keys.ui).say(\`wrote \${file}\`);
      state.put(keys.generatedData, { GreetingFile: file });
      return 'continue';
    },
  };
}
`,
    'spec/steps.spec.ts': `import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keys } from 'packer-plugin-sdk';
import { createMockState, MockUi, runStep } from 'packer-plugin-sdk/testing';
import { outputDirKey, stepCreateOutputDir, stepWriteGreeting } from '../steps.js';

describe('steps', () => {
  let work: string;
  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), '${name}-spec-'));
  });
  afterEach(() => rm(work, { recursive: true, force: true }));

  describe('create-output-dir', () => {
    it('creates the directory and removes it when the build fails', async () => {
      const dir = join(work, 'out');
      const run = await runStep(stepCreateOutputDir(dir));
      expect(run.result).to.equal('continue');
      expect(run.state.get(outputDirKey)).to.equal(dir);
      expect(existsSync(dir)).to.equal(true);
      await run.cleanup('failed');
      expect(existsSync(dir)).to.equal(false);
    });

    it('keeps the directory after a successful build', async () => {
      const dir = join(work, 'out');
      const run = await runStep(stepCreateOutputDir(dir));
      await run.cleanup('done');
      expect(existsSync(dir)).to.equal(true);
    });

    it('refuses a directory that already exists, and leaves it alone', async () => {
      const run = await runStep(stepCreateOutputDir(work));
      expect(run.error).to.be.instanceOf(Error);
      await run.cleanup();
      expect(existsSync(work)).to.equal(true);
    });
  });

  describe('write-greeting', () => {
    it('writes the file, says so and publishes it as generated data', async () => {
      const ui = new MockUi();
      const state = createMockState([
        [keys.ui, ui],
        [outputDirKey, work],
      ]);
      const run = await runStep(stepWriteGreeting('Hi there'), { state });
      expect(run.result).to.equal('continue');
      const file = join(work, 'greeting.txt');
      expect(await readFile(file, 'utf8')).to.equal('Hi there\\n');
      expect(ui.lines).to.deep.equal([\`wrote \${file}\`]);
      expect(state.get(keys.generatedData)).to.deep.equal({ GreetingFile: file });
    });
  });
});
`,
    'spec/builder.acc.spec.ts': `import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { acceptance } from 'packer-plugin-sdk/acctest';

// Builds this plugin, installs it into a temporary plugin directory and runs real Packer.
// Skipped (with the reason printed) unless PACKER_ACC=1 and \`packer\` is installed.
describe('${type} builder under Packer', function () {
  this.timeout(300_000);
  const acc = acceptance(this, { entry: new URL('../main.ts', import.meta.url) });

  it('writes the greeting and reports the artifact', async () => {
    await acc.test({
      name: 'basic',
      template: \`
source "${type}" "test" {
  greeting         = "Hello from Packer"
  output_directory = "out"
}

build {
  sources = ["source.${type}.test"]
}
\`,
      async check(run) {
        expect(run.exitCode, run.output).to.equal(0);
        expect(run.artifacts).to.have.length(1);
        expect(run.artifacts[0]!.builderId).to.equal('${name}.file');
        expect(run.artifacts[0]!.files).to.deep.equal(['out/greeting.txt']);
        expect(await readFile(join(run.workDir, 'out/greeting.txt'), 'utf8')).to.equal('Hello from Packer\\n');
      },
    });
  });
});
`,
    'example.pkr.hcl': `source "${type}" "example" {
  greeting         = "Hello from TypeScript"
  output_directory = "output-example"
}

build {
  sources = ["source.${type}.example"]

  provisioner "shell-local" {
    inline = ["echo the greeting is in \${build.GreetingFile}"]
  }
}
`,
    Makefile: makefile(name),
    'README.md': readme(name, type),
  };
}

function makefile(name: string): string {
  const targets: [string, string, string[]][] = [
    [
      'help',
      'List the targets',
      [`@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\\n", $$1, $$2}'`],
    ],
    [
      'build',
      'Bundle the plugin: dist/packer-plugin-$(NAME) plus dist/$(NAME).bundle/',
      ['npx packer-plugin-sdk build main.ts --out dist'],
    ],
    [
      'sea',
      'Build a single executable instead (Linux, Node >= 20.12)',
      ['npx packer-plugin-sdk build main.ts --out dist --sea'],
    ],
    ['test', 'Unit specs (acceptance specs skip unless PACKER_ACC=1)', ['npm test']],
    ['testacc', 'Acceptance specs against real Packer', ['PACKER_ACC=1 npm test']],
    ['typecheck', 'Type-check the plugin and its specs', ['npx tsc --noEmit -p .']],
    ['docs', 'Write component reference pages into docs/', ['npx packer-plugin-sdk docs main.ts --out docs']],
    [
      'release',
      'Release artifact, _SHA256SUM, zip and _SHA256SUMS into dist/release/',
      ['npx packer-plugin-sdk release dist/packer-plugin-$(NAME) --version $(VERSION) --zip'],
    ],
    [
      'install-legacy',
      'Install for Packer <= 1.6 into ~/.packer.d/plugins',
      ['npx packer-plugin-sdk install-legacy dist/packer-plugin-$(NAME) --dir $(HOME)/.packer.d/plugins'],
    ],
  ];
  const deps: Record<string, string> = { release: ' build', 'install-legacy': ' build' };
  const lines = [
    `# packer-plugin-${name}: \`make help\` lists the targets.`,
    `NAME := ${name}`,
    `VERSION := 0.1.0`,
    '.DEFAULT_GOAL := help',
    `.PHONY: ${targets.map(([t]) => t).join(' ')}`,
    '',
  ];
  for (const [target, help, recipe] of targets) {
    lines.push(`${target}:${deps[target] ?? ''} ## ${help}`, ...recipe.map((r) => `\t${r}`), '');
  }
  return lines.join('\n');
}

function readme(name: string, type: string): string {
  return `# packer-plugin-${name}

A Packer plugin written in TypeScript with packer-plugin-sdk. It has one builder, \`${type}\`,
which writes a greeting into a new output directory in two steps (\`steps.ts\`).

\`\`\`sh
npm install
npm test            # unit specs: each step against a mocked state bag
make testacc        # builds the plugin and runs real Packer (needs packer on PATH)
make build          # dist/packer-plugin-${name}
make docs           # docs/: reference pages from the config schema
\`\`\`

Run the example with the built plugin:

\`\`\`sh
make build
PACKER_PLUGIN_PATH=$PWD/dist packer build example.pkr.hcl
\`\`\`

Packer ≤ 1.6 discovers \`packer-plugin-${name}\` in \`PACKER_PLUGIN_PATH\`; for Packer ≥ 1.7,
\`make release\` writes the versioned file and its \`_SHA256SUM\` that
\`packer plugins install --path\` expects.
`;
}
