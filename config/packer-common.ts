/**
 * The `packer_*` keys core mixes into the config maps it sends (protocol §5.1, §5.2): build
 * name and type, flags, user and sensitive variables. In HCL2 maps the booleans are the
 * strings "true"/"false".
 */
export interface PackerCommon {
  buildName?: string;
  builderType?: string;
  coreVersion?: string;
  debug: boolean;
  force: boolean;
  /** `-on-error`: "" (cleanup), "cleanup", "abort", "ask", "run-cleanup-provisioner". */
  onError: string;
  templatePath?: string;
  userVariables: Record<string, string>;
  /** Values (not names) Packer asks plugins to mask in output; ≥ 1.7 only. */
  sensitiveVariables: string[];
}

export const PACKER_COMMON_KEYS = [
  'packer_build_name',
  'packer_builder_type',
  'packer_core_version',
  'packer_debug',
  'packer_force',
  'packer_on_error',
  'packer_template_path',
  'packer_user_variables',
  'packer_sensitive_variables',
] as const;

export function emptyPackerCommon(): PackerCommon {
  return { debug: false, force: false, onError: '', userVariables: {}, sensitiveVariables: [] };
}

/** Moves every `packer_*` key of `raw` into `common` (later maps override earlier ones). */
export function takePackerCommon(
  raw: Record<string, unknown>,
  common: PackerCommon,
): Record<string, unknown> {
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!key.startsWith('packer_')) {
      rest[key] = value;
      continue;
    }
    if (value === null || value === undefined) continue;
    switch (key) {
      case 'packer_build_name':
        common.buildName = asText(value);
        break;
      case 'packer_builder_type':
        common.builderType = asText(value);
        break;
      case 'packer_core_version':
        common.coreVersion = asText(value);
        break;
      case 'packer_debug':
        common.debug = toBool(value);
        break;
      case 'packer_force':
        common.force = toBool(value);
        break;
      case 'packer_on_error':
        common.onError = asText(value);
        break;
      case 'packer_template_path':
        common.templatePath = asText(value);
        break;
      case 'packer_user_variables':
        if (typeof value === 'object') {
          // Packer 1.6.6 sends a stray "" key; it names no variable.
          for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
            if (k !== '') common.userVariables[k] = asText(v);
          }
        }
        break;
      case 'packer_sensitive_variables':
        if (Array.isArray(value)) common.sensitiveVariables = value.map(asText);
        break;
      default:
        // Unknown packer_* keys belong to newer cores; ignore rather than reject.
        break;
    }
  }
  return rest;
}

function toBool(value: unknown): boolean {
  return value === true || value === 'true' || value === 1 || value === '1';
}

function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  return JSON.stringify(value) ?? '';
}
