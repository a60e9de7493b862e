import { MASK, maskSecrets } from '../components/masking-ui.js';

export { MASK };

/**
 * Masks every secret in `text`, in its raw form and in its JSON-escaped form (a secret with
 * a quote, backslash or newline looks different inside JSON text).
 */
export function maskText(text: string, secrets: readonly string[]): string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret === '') continue;
    forms.add(secret);
    forms.add(JSON.stringify(secret).slice(1, -1));
  }
  return forms.size === 0 ? text : maskSecrets(text, [...forms]);
}
