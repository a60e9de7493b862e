import { buildMachineConfig, type MachineConfigJson, type TransitionJson } from './machine.js';
import { Runner } from './runner.js';
import type { Step } from './step.js';

/**
 * Step-graph exports: the xstate machine config (importable by the Stately editor), Mermaid
 * `stateDiagram-v2` text and Graphviz DOT. All three come from the same generated config the
 * runner executes, with nested sequences expanded.
 */

type GraphSource = Runner | readonly Step[];

/** The machine config as plain JSON (nested sequences expanded). */
export function toMachineJson(source: GraphSource, name = 'build'): MachineConfigJson {
  return source instanceof Runner ? source.machineConfig() : buildMachineConfig(name, source, true);
}

interface GraphNode {
  readonly id: string;
  readonly key: string;
  readonly config: MachineConfigJson;
  readonly parent: GraphNode | undefined;
  readonly children: GraphNode[];
}

interface GraphEdge {
  readonly from: GraphNode;
  readonly to: GraphNode;
  readonly label: string;
}

interface Graph {
  readonly root: GraphNode;
  readonly edges: GraphEdge[];
}

function buildGraph(config: MachineConfigJson): Graph {
  let counter = 0;
  const byPath = new Map<string, GraphNode>();
  const make = (
    key: string,
    cfg: MachineConfigJson,
    parent: GraphNode | undefined,
    path: string,
  ): GraphNode => {
    const node: GraphNode = { id: `s${counter++}`, key, config: cfg, parent, children: [] };
    byPath.set(path, node);
    for (const [childKey, childCfg] of Object.entries(cfg.states ?? {})) {
      node.children.push(make(childKey, childCfg, node, path === '' ? childKey : `${path}.${childKey}`));
    }
    return node;
  };
  const root = make(config.id ?? 'machine', config, undefined, '');
  const rootPrefix = `#${config.id ?? 'machine'}.`;

  const pathOf = (node: GraphNode): string => {
    const parts: string[] = [];
    for (let n: GraphNode | undefined = node; n?.parent; n = n.parent) parts.unshift(n.key);
    return parts.join('.');
  };
  const resolve = (from: GraphNode, target: string): GraphNode | undefined => {
    if (target.startsWith('#')) {
      // Ids of nested machines appear only in targets that leave them; map to the root.
      const rest = target.startsWith(rootPrefix)
        ? target.slice(rootPrefix.length)
        : target.slice(target.indexOf('.') + 1);
      return byPath.get(rest);
    }
    const parentPath = from.parent ? pathOf(from.parent) : '';
    return byPath.get(parentPath === '' ? target : `${parentPath}.${target}`);
  };

  const edges: GraphEdge[] = [];
  const addEdge = (from: GraphNode, transition: TransitionJson, label: string): void => {
    const target = typeof transition === 'string' ? transition : transition.target;
    const to = resolve(from, target);
    if (to) {
      const guard = typeof transition === 'string' || !transition.guard ? '' : ` [${transition.guard.type}]`;
      edges.push({ from, to, label: `${label}${guard}` });
    }
  };
  const walk = (node: GraphNode): void => {
    for (const [event, transition] of Object.entries(node.config.on ?? {})) addEdge(node, transition, event);
    if (node.config.always) addEdge(node, node.config.always, 'always');
    if (node.config.onDone) addEdge(node, node.config.onDone, 'done');
    node.children.forEach(walk);
  };
  walk(root);
  return { root, edges };
}

function initialChild(node: GraphNode): GraphNode | undefined {
  return node.children.find((c) => c.key === node.config.initial);
}

/** Mermaid `stateDiagram-v2` text. */
export function toMermaid(source: GraphSource, name?: string): string {
  const { root, edges } = buildGraph(toMachineJson(source, name));
  const lines = ['stateDiagram-v2'];
  const emit = (node: GraphNode, indent: string): void => {
    const label = node.key.replace(/"/g, "'");
    if (node.children.length === 0) {
      lines.push(`${indent}state "${label}" as ${node.id}`);
      return;
    }
    lines.push(`${indent}state "${label}" as ${node.id} {`);
    const initial = initialChild(node);
    if (initial) lines.push(`${indent}  [*] --> ${initial.id}`);
    for (const child of node.children) emit(child, `${indent}  `);
    for (const child of node.children)
      if (child.config.type === 'final') lines.push(`${indent}  ${child.id} --> [*]`);
    lines.push(`${indent}}`);
  };
  const initial = initialChild(root);
  if (initial) lines.push(`  [*] --> ${initial.id}`);
  for (const child of root.children) emit(child, '  ');
  for (const child of root.children) if (child.config.type === 'final') lines.push(`  ${child.id} --> [*]`);
  for (const edge of edges) lines.push(`  ${edge.from.id} --> ${edge.to.id} : ${edge.label}`);
  return `${lines.join('\n')}\n`;
}

/** Graphviz DOT; compound states are clusters, edges into them land on their initial state. */
export function toDot(source: GraphSource, name?: string): string {
  const { root, edges } = buildGraph(toMachineJson(source, name));
  const lines = [
    `digraph "${(root.config.id ?? 'machine').replace(/"/g, '')}" {`,
    '  compound=true;',
    '  rankdir=TB;',
    '  node [shape=box, style=rounded];',
  ];
  const anchor = (node: GraphNode): GraphNode => {
    let n = node;
    while (n.children.length > 0) n = initialChild(n) ?? n.children[0]!;
    return n;
  };
  const emit = (node: GraphNode, indent: string): void => {
    const label = node.key.replace(/"/g, '\\"');
    if (node.children.length === 0) {
      const shape = node.config.type === 'final' ? ', shape=doublecircle' : '';
      lines.push(`${indent}${node.id} [label="${label}"${shape}];`);
      return;
    }
    lines.push(`${indent}subgraph cluster_${node.id} {`, `${indent}  label="${label}";`);
    for (const child of node.children) emit(child, `${indent}  `);
    lines.push(`${indent}}`);
  };
  for (const child of root.children) emit(child, '  ');
  const start = initialChild(root);
  if (start) lines.push('  __start [shape=point];', `  __start -> ${anchor(start).id};`);
  for (const edge of edges) {
    const attrs = [`label="${edge.label}"`];
    if (edge.from.children.length > 0) attrs.push(`ltail=cluster_${edge.from.id}`);
    if (edge.to.children.length > 0) attrs.push(`lhead=cluster_${edge.to.id}`);
    lines.push(`  ${anchor(edge.from).id} -> ${anchor(edge.to).id} [${attrs.join(', ')}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
