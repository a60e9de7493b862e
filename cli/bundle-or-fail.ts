import { describeError, SdkError } from '../errors/index.js';
import { bundlePluginEntry, type BundleOptions } from './bundle.js';

/** bundlePluginEntry with the bundler's errors turned into one coded error listing each with its place. */
export async function bundleOrFail(
  entry: string,
  outdir: string,
  options: BundleOptions = {},
): Promise<string> {
  try {
    return await bundlePluginEntry(entry, outdir, options);
  } catch (cause) {
    throw new SdkError('PKR_ERR_CLI_BUNDLE', `cannot bundle ${entry}:\n${bundlerErrors(cause)}`, {
      cause,
      details: { entry },
    });
  }
}

interface EsbuildMessage {
  text: string;
  location?: { file: string; line: number; column: number; lineText: string } | null;
}

function bundlerErrors(err: unknown): string {
  const errors = (err as { errors?: unknown }).errors;
  if (!Array.isArray(errors) || errors.length === 0) return `  ${describeError(err)}`;
  return (errors as EsbuildMessage[])
    .map((e) =>
      e.location ? `  ${e.location.file}:${e.location.line}:${e.location.column}: ${e.text}` : `  ${e.text}`,
    )
    .join('\n');
}
