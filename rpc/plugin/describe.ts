import { API_VERSION, DEFAULT_NAME, SDK_VERSION } from './constants.js';

/** The JSON `describe` prints, field order and all, as the Go SDK v0.6.10 prints it. */
export interface Description {
  version: string;
  sdk_version: string;
  api_version: string;
  builders: string[];
  post_processors: string[];
  provisioners: string[];
  datasources: string[];
  protocol_version: 'v2';
}

export function describeComponents(
  version: string,
  names: {
    builders: Iterable<string>;
    postProcessors: Iterable<string>;
    provisioners: Iterable<string>;
    datasources: Iterable<string>;
  },
): Description {
  const sorted = (xs: Iterable<string>): string[] => [...xs].sort();
  return {
    version,
    sdk_version: SDK_VERSION,
    api_version: API_VERSION,
    builders: sorted(names.builders),
    post_processors: sorted(names.postProcessors),
    provisioners: sorted(names.provisioners),
    datasources: sorted(names.datasources),
    protocol_version: 'v2',
  };
}

/**
 * Serialises like Go's `json.Encoder`: compact, HTML-significant characters escaped as
 * \u003c \u003e \u0026 (and U+2028/U+2029), one trailing newline.
 */
export function encodeDescription(description: Description): string {
  const json = JSON.stringify(description)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return `${json}\n`;
}

export { DEFAULT_NAME };
