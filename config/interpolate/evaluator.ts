/**
 * Executes a parsed template against data, following Go's text/template exec rules: pipelines
 * pass their value as the last argument of the next command, `and`/`or` short-circuit, `range`
 * walks maps in sorted key order, a missing map key prints `<no value>` (Go's default
 * `missingkey` option, which Packer keeps), and errors carry Go's `executing … at <…>` context.
 */
import type {
  ArgNode,
  BranchNode,
  ChainNode,
  CommandNode,
  FieldNode,
  IdentifierNode,
  NumberNode,
  ParsedTemplate,
  PipeNode,
  TemplateNode,
  VariableNode,
  AnyNode,
  ListNode,
} from './ast.js';
import { nodeString } from './ast.js';
import type { EvaluatorFunction, TemplateParam } from './functions.js';
import { formatValue } from './go-fmt.js';
import { execError } from './template-error.js';
import { fromHost, kindOf, mapLookup, sortedEntries, truth, typeName } from './values.js';

/** What a missing map key yields, as Go's `Option("missingkey=…")`. */
export type MissingKey = 'default' | 'zero' | 'error';

export interface ExecuteOptions {
  readonly functions: ReadonlyMap<string, EvaluatorFunction>;
  readonly missingKey?: MissingKey;
}

/** A value plus whether it sits in an interface (a map or slice element), which Go's messages show. */
interface Ref {
  readonly value: unknown;
  readonly boxed: boolean;
}

const MISSING: unique symbol = Symbol('missing final argument');
type Final = unknown;

/** Thrown by {{break}} and {{continue}} and caught by the enclosing range. */
class LoopSignal extends Error {
  constructor(readonly kind: 'break' | 'continue') {
    super(kind);
  }
}

/** An execution error in Go's wording; `execute` turns it into a coded SdkError at the failing node. */
class ExecFailure extends Error {
  constructor(
    message: string,
    readonly reason: unknown,
  ) {
    super(message);
  }
}

const unboxed = (value: unknown): Ref => ({ value, boxed: false });

/** Renders `template` with `data` as dot; throws a `PKR_ERR_TEMPLATE_EXEC` SdkError on failure. */
export function execute(template: ParsedTemplate, data: unknown, options: ExecuteOptions): string {
  const dot = unboxed(fromHost(data));
  const state = new ExecState(dot, options);
  try {
    state.walk(dot, template.root);
  } catch (error) {
    if (error instanceof ExecFailure) {
      const node = state.node;
      throw execError(
        template.name,
        template.source,
        node === undefined ? undefined : { pos: node.pos, context: nodeString(node) },
        error.message,
        error.reason,
      );
    }
    throw error;
  }
  return state.out.join('');
}

function goParamName(t: TemplateParam): string {
  return t === 'float' ? 'float64' : t;
}

class ExecState {
  readonly out: string[] = [];
  node: AnyNode | undefined;
  private readonly vars: Array<{ name: string; ref: Ref }>;
  private readonly missingKey: MissingKey;

  constructor(
    root: Ref,
    private readonly options: ExecuteOptions,
  ) {
    this.vars = [{ name: '$', ref: root }];
    this.missingKey = options.missingKey ?? 'default';
  }

  private at(node: AnyNode): void {
    this.node = node;
  }

  private errorf(message: string, cause?: unknown): never {
    throw new ExecFailure(message, cause);
  }

  // ---- variables ----------------------------------------------------------------------------

  private mark(): number {
    return this.vars.length;
  }

  private pop(mark: number): void {
    this.vars.length = mark;
  }

  private setVar(name: string, ref: Ref): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i]!;
      if (v.name === name) {
        v.ref = ref;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }

  private setTopVar(n: number, ref: Ref): void {
    const v = this.vars[this.vars.length - n];
    if (v !== undefined) v.ref = ref;
  }

  private varValue(name: string): Ref {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i]!;
      if (v.name === name) return v.ref;
    }
    this.errorf(`undefined variable: ${name}`);
  }

  // ---- walking ------------------------------------------------------------------------------

  walk(dot: Ref, node: TemplateNode | ListNode): void {
    this.at(node);
    switch (node.kind) {
      case 'action': {
        const val = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, val);
        return;
      }
      case 'break':
      case 'continue':
        throw new LoopSignal(node.kind);
      case 'comment':
        return;
      case 'if':
      case 'with':
        this.walkIfOrWith(dot, node);
        return;
      case 'list':
        for (const n of node.nodes) this.walk(dot, n);
        return;
      case 'range':
        this.walkRange(dot, node);
        return;
      case 'text':
        this.out.push(node.text);
        return;
    }
  }

  private walkIfOrWith(dot: Ref, node: BranchNode): void {
    const mark = this.mark();
    try {
      const val = this.evalPipeline(dot, node.pipe);
      if (truth(val)) {
        this.walk(node.kind === 'with' ? unboxed(val) : dot, node.list);
      } else if (node.elseList !== undefined) {
        this.walk(dot, node.elseList);
      }
    } finally {
      this.pop(mark);
    }
  }

  private walkRange(dot: Ref, node: BranchNode): void {
    this.at(node);
    const outer = this.mark();
    try {
      const val = this.evalPipeline(dot, node.pipe);
      const mark = this.mark();
      const oneIteration = (index: unknown, elem: Ref): boolean => {
        if (node.pipe.decl.length > 0) this.setTopVar(1, elem);
        if (node.pipe.decl.length > 1) this.setTopVar(2, unboxed(index));
        try {
          this.walk(elem, node.list);
        } catch (signal) {
          if (!(signal instanceof LoopSignal)) throw signal;
          if (signal.kind === 'break') return false;
        } finally {
          this.pop(mark);
        }
        return true;
      };
      switch (kindOf(val)) {
        case 'slice': {
          const items = val as unknown[];
          if (items.length === 0) break;
          for (let i = 0; i < items.length; i++) {
            if (!oneIteration(BigInt(i), { value: fromHost(items[i]), boxed: true })) break;
          }
          return;
        }
        case 'map': {
          const entries = sortedEntries(val as object);
          if (entries.length === 0) break;
          for (const [k, v] of entries) {
            if (!oneIteration(k, { value: v, boxed: true })) break;
          }
          return;
        }
        case 'invalid':
        case 'nil':
          break; // like a nil map: acts as empty
        default:
          this.errorf(`range can't iterate over ${formatValue(val)}`);
      }
      if (node.elseList !== undefined) this.walk(dot, node.elseList);
    } finally {
      this.pop(outer);
    }
  }

  private printValue(node: TemplateNode, value: unknown): void {
    this.at(node);
    if (value === undefined || value === null) {
      this.out.push('<no value>');
      return;
    }
    if (kindOf(value) === 'func') this.errorf(`can't print ${nodeString(node)} of type ${typeName(value)}`);
    this.out.push(formatValue(value));
  }

  // ---- pipelines and commands ---------------------------------------------------------------

  private evalPipeline(dot: Ref, pipe: PipeNode): unknown {
    this.at(pipe);
    let value: unknown = MISSING;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, cmd, value);
      // Go unwraps interface values between commands: a nil interface becomes "no value".
      if (value === null) value = undefined;
    }
    for (const variable of pipe.decl) {
      const name = variable.ident[0] ?? '';
      if (pipe.isAssign) this.setVar(name, unboxed(value));
      else this.vars.push({ name, ref: unboxed(value) });
    }
    return value;
  }

  private notAFunction(args: readonly ArgNode[], final: Final): void {
    if (args.length > 1 || final !== MISSING) {
      this.errorf(`can't give argument to non-function ${nodeString(args[0]!)}`);
    }
  }

  private evalCommand(dot: Ref, cmd: CommandNode, final: Final): unknown {
    const first = cmd.args[0]!;
    switch (first.kind) {
      case 'field':
        return this.evalFieldNode(dot, first, cmd.args, final).value;
      case 'chain':
        return this.evalChainNode(dot, first, cmd.args, final).value;
      case 'identifier':
        return this.evalFunction(dot, first, cmd, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case 'variable':
        return this.evalVariableNode(dot, first, cmd.args, final).value;
    }
    this.at(first);
    this.notAFunction(cmd.args, final);
    switch (first.kind) {
      case 'bool':
        return first.value;
      case 'dot':
        return dot.value;
      case 'nil':
        return this.errorf('nil is not a command');
      case 'number':
        return this.idealConstant(first);
      case 'string':
        return first.text;
    }
  }

  private idealConstant(constant: NumberNode): unknown {
    this.at(constant);
    const t = constant.text;
    const isHexInt = /^[+-]?0[xX]/.test(t) && !/[pP]/.test(t);
    if (constant.float !== undefined && !isHexInt && !t.startsWith("'") && /[.eEpP]/.test(t)) {
      return constant.float;
    }
    if (constant.int !== undefined) return constant.int;
    if (constant.uint !== undefined) this.errorf(`${t} overflows int`);
    return undefined;
  }

  private evalFieldNode(dot: Ref, field: FieldNode, args: readonly ArgNode[], final: Final): Ref {
    this.at(field);
    return this.evalFieldChain(dot, dot, field, field.ident, args, final);
  }

  private evalChainNode(dot: Ref, chain: ChainNode, args: readonly ArgNode[], final: Final): Ref {
    this.at(chain);
    if (chain.node.kind === 'nil') this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const pipe = this.evalArg(dot, undefined, chain.node);
    return this.evalFieldChain(dot, unboxed(pipe), chain, chain.fields, args, final);
  }

  private evalVariableNode(dot: Ref, variable: VariableNode, args: readonly ArgNode[], final: Final): Ref {
    this.at(variable);
    const ref = this.varValue(variable.ident[0] ?? '');
    if (variable.ident.length === 1) {
      this.notAFunction(args, final);
      return ref;
    }
    return this.evalFieldChain(dot, ref, variable, variable.ident.slice(1), args, final);
  }

  private evalFieldChain(
    dot: Ref,
    receiver: Ref,
    node: AnyNode,
    ident: readonly string[],
    args: readonly ArgNode[] | undefined,
    final: Final,
  ): Ref {
    let current = receiver;
    for (let i = 0; i < ident.length - 1; i++) {
      current = this.evalField(dot, ident[i]!, node, undefined, MISSING, current);
    }
    return this.evalField(dot, ident[ident.length - 1]!, node, args, final, current);
  }

  private evalFunction(
    dot: Ref,
    node: IdentifierNode,
    cmd: AnyNode,
    args: readonly ArgNode[] | undefined,
    final: Final,
  ): unknown {
    this.at(node);
    const fn = this.options.functions.get(node.name);
    if (fn === undefined) this.errorf(`"${node.name}" is not a defined function`);
    return this.evalCall(dot, fn, cmd, node.name, args, final);
  }

  private evalField(
    dot: Ref,
    fieldName: string,
    node: AnyNode,
    args: readonly ArgNode[] | undefined,
    final: Final,
    receiver: Ref,
  ): Ref {
    const value = receiver.value;
    if (value === undefined) {
      if (this.missingKey === 'error') this.errorf(`nil data; no entry for key "${fieldName}"`);
      return unboxed(undefined);
    }
    const typ = receiver.boxed ? 'interface {}' : typeName(value);
    if (value === null) this.errorf(`nil pointer evaluating ${typ}.${fieldName}`);
    const kind = kindOf(value);
    if (kind === 'struct') {
      const member: unknown = (value as Record<string, unknown>)[fieldName];
      if (typeof member === 'function') {
        const method: EvaluatorFunction = {
          params: [],
          variadic: 'any',
          raw: false,
          call: (...a: unknown[]) => (member as (...x: unknown[]) => unknown).apply(value, a),
        };
        return unboxed(this.evalCall(dot, method, node, fieldName, args, final));
      }
    }
    const hasArgs = (args !== undefined && args.length > 1) || final !== MISSING;
    if (kind === 'struct' && typeof value === 'object' && fieldName in value) {
      if (hasArgs) this.errorf(`${fieldName} has arguments but cannot be invoked as function`);
      return unboxed(fromHost((value as Record<string, unknown>)[fieldName]));
    }
    if (kind === 'map') {
      if (hasArgs) this.errorf(`${fieldName} is not a method but has arguments`);
      const result = mapLookup(value, fieldName);
      if (result === undefined) {
        if (this.missingKey === 'error') this.errorf(`map has no entry for key "${fieldName}"`);
        if (this.missingKey === 'zero') return { value: null, boxed: true };
        return unboxed(undefined);
      }
      return { value: result, boxed: true };
    }
    this.errorf(`can't evaluate field ${fieldName} in type ${typ}`);
  }

  // ---- calls --------------------------------------------------------------------------------

  private evalCall(
    dot: Ref,
    fn: EvaluatorFunction,
    node: AnyNode,
    name: string,
    allArgs: readonly ArgNode[] | undefined,
    final: Final,
  ): unknown {
    const args = allArgs === undefined ? [] : allArgs.slice(1);
    const numIn = args.length + (final !== MISSING ? 1 : 0);
    let numFixed = args.length;
    if (fn.variadic !== undefined) {
      numFixed = fn.params.length;
      if (numIn < numFixed) {
        this.errorf(`wrong number of args for ${name}: want at least ${fn.params.length} got ${args.length}`);
      }
    } else if (numIn !== fn.params.length) {
      this.errorf(`wrong number of args for ${name}: want ${fn.params.length} got ${numIn}`);
    }

    if (fn.shortCircuit !== undefined) {
      let v: unknown = undefined;
      for (const arg of args) {
        v = this.evalArg(dot, 'any', arg);
        if (truth(v) === (fn.shortCircuit === 'or')) return v;
      }
      if (final !== MISSING) v = final;
      return v;
    }

    const argv: unknown[] = [];
    let i = 0;
    for (; i < numFixed && i < args.length; i++) argv.push(this.evalArg(dot, fn.params[i], args[i]!));
    if (fn.variadic !== undefined) {
      for (; i < args.length; i++) argv.push(this.evalArg(dot, fn.variadic, args[i]!));
    }
    if (final !== MISSING) {
      let t: TemplateParam | undefined = fn.params[fn.params.length - 1];
      if (fn.variadic !== undefined) t = numIn - 1 < numFixed ? fn.params[numIn - 1] : fn.variadic;
      argv.push(this.validateType(final, t ?? 'any'));
    }
    const callArgs = fn.raw ? argv : argv.map(toHost);
    let result: unknown;
    try {
      result = fn.call(...callArgs);
    } catch (error) {
      this.at(node);
      const message = error instanceof Error ? error.message : String(error);
      this.errorf(`error calling ${name}: ${message}`, error);
    }
    return fromHost(result);
  }

  private validateType(value: unknown, typ: TemplateParam | undefined): unknown {
    if (typ === undefined || typ === 'any') return value;
    if (value === undefined) this.errorf(`invalid value; expected ${goParamName(typ)}`);
    const kind = kindOf(value);
    const ok =
      (typ === 'string' && kind === 'string') ||
      (typ === 'int' && kind === 'int') ||
      (typ === 'float' && kind === 'float') ||
      (typ === 'bool' && kind === 'bool');
    if (!ok) this.errorf(`wrong type for value; expected ${goParamName(typ)}; got ${typeName(value)}`);
    return value;
  }

  private evalArg(dot: Ref, typ: TemplateParam | undefined, n: ArgNode): unknown {
    this.at(n);
    switch (n.kind) {
      case 'dot':
        return this.validateType(dot.value, typ);
      case 'nil':
        if (typ === undefined || typ === 'any') return null;
        return this.errorf(`cannot assign nil to ${goParamName(typ)}`);
      case 'field':
        return this.validateType(this.evalFieldNode(dot, n, [n], MISSING).value, typ);
      case 'variable':
        return this.validateType(this.evalVariableNode(dot, n, [], MISSING).value, typ);
      case 'pipe':
        return this.validateType(this.evalPipeline(dot, n), typ);
      case 'identifier':
        return this.validateType(this.evalFunction(dot, n, n, undefined, MISSING), typ);
      case 'chain':
        return this.validateType(this.evalChainNode(dot, n, [], MISSING).value, typ);
    }
    switch (typ) {
      case 'bool':
        if (n.kind === 'bool') return n.value;
        return this.errorf(`expected bool; found ${nodeString(n)}`);
      case 'float':
        if (n.kind === 'number' && n.float !== undefined) return n.float;
        return this.errorf(`expected float; found ${nodeString(n)}`);
      case 'int':
        if (n.kind === 'number' && n.int !== undefined) return n.int;
        return this.errorf(`expected integer; found ${nodeString(n)}`);
      case 'string':
        if (n.kind === 'string') return n.text;
        return this.errorf(`expected string; found ${nodeString(n)}`);
      default:
        return this.evalEmptyInterface(n);
    }
  }

  private evalEmptyInterface(n: ArgNode): unknown {
    this.at(n);
    switch (n.kind) {
      case 'bool':
        return n.value;
      case 'number':
        return this.idealConstant(n);
      case 'string':
        return n.text;
    }
    return this.errorf(`can't handle assignment of ${nodeString(n)} to empty interface argument`);
  }
}

/** Converts an evaluator value to what a plugin function receives: ints become numbers. */
function toHost(value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : value;
  }
  return value;
}
