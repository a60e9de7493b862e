import type { ComponentsByKind } from '../../packer/components.js';
import { SdkError } from '../../errors/index.js';
import { DEFAULT_NAME, type ComponentKind } from './constants.js';
import { describeComponents, type Description } from './describe.js';

/**
 * Makes one component instance. Core starts a fresh process per component use, so a factory
 * runs once per process. Return a promise (e.g. from `import()`) to keep heavy modules out of
 * the plugin's start-up path: they then load while core is already connecting.
 */
export type ComponentFactory<K extends ComponentKind> = () =>
  ComponentsByKind[K] | Promise<ComponentsByKind[K]>;

export interface PluginSetOptions {
  /** The plugin's version, semver without a leading "v" (only `-dev` is accepted as pre-release by Packer). */
  version: string;
  /**
   * The plugin's short name (`debian` for `packer-plugin-debian`). Lets a legacy binary named
   * `packer-builder-debian-rootfs` find component `rootfs`, and `packer-builder-debian` the default one.
   */
  name?: string;
}

/**
 * The components one plugin executable offers, by kind and name.
 *
 * @example
 * const set = new PluginSet({ name: 'debian', version: '1.0.0' })
 *   .register('builder', 'rootfs', () => import('./rootfs.js').then((m) => m.builder))
 *   .register('post-processor', 'manifest', () => manifest);
 * await serve(set);
 */
export class PluginSet {
  readonly version: string;
  readonly name: string | undefined;
  readonly #components = new Map<ComponentKind, Map<string, ComponentFactory<ComponentKind>>>();

  constructor(options: PluginSetOptions) {
    if (!/^\d+\.\d+\.\d+(-dev)?$/.test(options.version)) {
      throw new SdkError(
        'PKR_ERR_OPTION_INVALID',
        `plugin version must look like 1.2.3 or 1.2.3-dev, got "${options.version}"`,
      );
    }
    this.version = options.version;
    this.name = options.name;
  }

  /** Registers a component; `DEFAULT_NAME` makes it addressable by the bare plugin name. */
  register<K extends ComponentKind>(kind: K, name: string, factory: ComponentFactory<K>): this {
    if (name === '' || /\s/.test(name)) {
      throw new SdkError('PKR_ERR_OPTION_INVALID', `component name ${JSON.stringify(name)} is not usable`);
    }
    let byName = this.#components.get(kind);
    if (!byName) this.#components.set(kind, (byName = new Map<string, ComponentFactory<ComponentKind>>()));
    if (byName.has(name))
      throw new SdkError('PKR_ERR_OPTION_INVALID', `${kind} "${name}" is registered twice`);
    byName.set(name, factory);
    return this;
  }

  /** The factory for `name`, or a coded error listing what this plugin offers. */
  resolve<K extends ComponentKind>(kind: K, name: string): ComponentFactory<K> {
    const byName = this.#components.get(kind) ?? new Map<string, ComponentFactory<ComponentKind>>();
    const candidates = [name];
    if (this.name !== undefined) {
      if (name === this.name) candidates.push(DEFAULT_NAME);
      if (name.startsWith(`${this.name}-`)) candidates.push(name.slice(this.name.length + 1));
    }
    for (const candidate of candidates) {
      const factory = byName.get(candidate);
      if (factory) return factory as ComponentFactory<K>;
    }
    const offered = [...byName.keys()].join(', ') || 'none';
    throw new SdkError(
      'PKR_ERR_PLUGIN_UNKNOWN_COMPONENT',
      `this plugin has no ${kind} named "${name}" (it has: ${offered})`,
      {
        details: { kind, name },
      },
    );
  }

  describe(): Description {
    const names = (kind: ComponentKind): string[] => [...(this.#components.get(kind)?.keys() ?? [])];
    return describeComponents(this.version, {
      builders: names('builder'),
      postProcessors: names('post-processor'),
      provisioners: names('provisioner'),
      datasources: names('datasource'),
    });
  }
}
