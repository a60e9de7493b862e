import { defineBuilder, keys, stepProvision, Type, type Step } from 'packer-plugin-sdk';
import { writeFile } from 'node:fs/promises';

const greet = (greeting: string, file: string): Step => ({
  name: 'greet',
  async run(state) {
    await state.require(keys.ui).say(`${greeting}, writing ${file}`);
    await writeFile(file, `${greeting}\n`);
    state.put(keys.generatedData, { Greeting: greeting });
    return 'continue';
  },
});

export const builder = defineBuilder({
  id: 'example.hello',
  schema: Type.Object(
    {
      greeting: Type.String({ default: 'Hello', description: 'What to write.' }),
      output: Type.String({ description: 'The file to write.' }),
    },
    { additionalProperties: false },
  ),
  generatedData: ['Greeting'],
  // The builder's own step, then the template's provisioners (through a local communicator).
  steps: ({ config }) => [greet(config.greeting, config.output), stepProvision()],
  artifact: (_state, { config }) => ({
    builderId: 'example.hello',
    id: config.output,
    files: [config.output],
  }),
});
