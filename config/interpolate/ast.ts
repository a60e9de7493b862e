/**
 * The parse tree of a template, shaped like Go's text/template/parse nodes, and the printer
 * that turns nodes back into template text. Go's `Node.String()` text appears in execution
 * errors (`executing "root" at <.Foo>`), so {@link nodeString} reproduces it exactly.
 */

interface At {
  /** Offset of the node in the template source (UTF-16 code units). */
  readonly pos: number;
}

export interface TextNode extends At {
  readonly kind: 'text';
  readonly text: string;
}

export interface CommentNode extends At {
  readonly kind: 'comment';
  readonly text: string;
}

export interface ActionNode extends At {
  readonly kind: 'action';
  readonly pipe: PipeNode;
}

export interface BranchNode extends At {
  readonly kind: 'if' | 'range' | 'with';
  readonly pipe: PipeNode;
  readonly list: ListNode;
  /** `undefined` when there is no `{{else}}`. */
  readonly elseList: ListNode | undefined;
}

export interface BreakNode extends At {
  readonly kind: 'break';
}

export interface ContinueNode extends At {
  readonly kind: 'continue';
}

export interface ListNode extends At {
  readonly kind: 'list';
  readonly nodes: TemplateNode[];
}

/** Nodes that make up a template body. */
export type TemplateNode = TextNode | CommentNode | ActionNode | BranchNode | BreakNode | ContinueNode;

export interface PipeNode extends At {
  readonly kind: 'pipe';
  /** True for `$x = …` (assignment), false for `$x := …` (declaration). */
  readonly isAssign: boolean;
  readonly decl: VariableNode[];
  readonly cmds: CommandNode[];
}

export interface CommandNode extends At {
  readonly kind: 'command';
  readonly args: ArgNode[];
}

export interface IdentifierNode extends At {
  readonly kind: 'identifier';
  readonly name: string;
}

export interface FieldNode extends At {
  readonly kind: 'field';
  /** `.A.B` is `['A', 'B']`. */
  readonly ident: string[];
}

export interface VariableNode extends At {
  readonly kind: 'variable';
  /** `$x.A` is `['$x', 'A']`. */
  readonly ident: string[];
}

export interface ChainNode extends At {
  readonly kind: 'chain';
  readonly node: ArgNode;
  readonly fields: string[];
}

export interface DotNode extends At {
  readonly kind: 'dot';
}

export interface NilNode extends At {
  readonly kind: 'nil';
}

export interface BoolNode extends At {
  readonly kind: 'bool';
  readonly value: boolean;
}

export interface NumberNode extends At {
  readonly kind: 'number';
  /** The literal as written. */
  readonly text: string;
  /** Set when the constant has an exact int64 value. */
  readonly int: bigint | undefined;
  /** Set when the constant has an exact uint64 value. */
  readonly uint: bigint | undefined;
  /** Set when the constant has a float64 value. */
  readonly float: number | undefined;
}

export interface StringNode extends At {
  readonly kind: 'string';
  /** The literal with its quotes, as written. */
  readonly quoted: string;
  readonly text: string;
}

/** Nodes that can appear as a command's words. */
export type ArgNode =
  | IdentifierNode
  | FieldNode
  | VariableNode
  | ChainNode
  | DotNode
  | NilNode
  | BoolNode
  | NumberNode
  | StringNode
  | PipeNode;

export type AnyNode = TemplateNode | ListNode | ArgNode | CommandNode;

/** A parsed template: its name (used in messages), source and body. */
export interface ParsedTemplate {
  readonly name: string;
  readonly source: string;
  readonly root: ListNode;
}

/** Go's `Node.String()`: the text used as context in execution errors. */
export function nodeString(node: AnyNode): string {
  const out: string[] = [];
  write(node, out, false);
  return out.join('');
}

/**
 * Prints a parsed template back to template text. Comments are dropped and spacing inside
 * actions is normalised; rendering the printed text gives the same output as the original.
 */
export function printTemplate(template: ParsedTemplate): string {
  const out: string[] = [];
  write(template.root, out, true);
  return out.join('');
}

function openAction(out: string[], faithful: boolean): void {
  // Text ending in "{" right before "{{" would lex as "{{{": separate them with a space that a
  // left trim marker then removes again.
  const last = out.length > 0 ? out[out.length - 1] : undefined;
  out.push(faithful && last !== undefined && last.endsWith('{') ? ' {{- ' : '{{');
}

function write(node: AnyNode, out: string[], faithful: boolean): void {
  switch (node.kind) {
    case 'list':
      for (const n of node.nodes) write(n, out, faithful);
      return;
    case 'text':
      if (node.text !== '') out.push(node.text);
      return;
    case 'comment':
      if (!faithful) out.push('{{', node.text, '}}');
      return;
    case 'action':
      openAction(out, faithful);
      write(node.pipe, out, faithful);
      out.push('}}');
      return;
    case 'if':
    case 'range':
    case 'with':
      openAction(out, faithful);
      out.push(node.kind, ' ');
      write(node.pipe, out, faithful);
      out.push('}}');
      write(node.list, out, faithful);
      if (node.elseList !== undefined) {
        openAction(out, faithful);
        out.push('else}}');
        write(node.elseList, out, faithful);
      }
      openAction(out, faithful);
      out.push('end}}');
      return;
    case 'break':
    case 'continue':
      openAction(out, faithful);
      out.push(node.kind, '}}');
      return;
    case 'pipe':
      if (node.decl.length > 0) {
        node.decl.forEach((v, i) => {
          if (i > 0) out.push(', ');
          write(v, out, faithful);
        });
        // Go's String() always prints ":=", even for assignments.
        out.push(faithful && node.isAssign ? ' = ' : ' := ');
      }
      node.cmds.forEach((c, i) => {
        if (i > 0) out.push(' | ');
        write(c, out, faithful);
      });
      return;
    case 'command':
      node.args.forEach((arg, i) => {
        if (i > 0) out.push(' ');
        if (arg.kind === 'pipe') {
          out.push('(');
          write(arg, out, faithful);
          out.push(')');
        } else {
          write(arg, out, faithful);
        }
      });
      return;
    case 'identifier':
      out.push(node.name);
      return;
    case 'field':
      for (const id of node.ident) out.push('.', id);
      return;
    case 'variable':
      out.push(node.ident.join('.'));
      return;
    case 'chain':
      if (node.node.kind === 'pipe') {
        out.push('(');
        write(node.node, out, faithful);
        out.push(')');
      } else {
        write(node.node, out, faithful);
      }
      for (const f of node.fields) out.push('.', f);
      return;
    case 'dot':
      out.push('.');
      return;
    case 'nil':
      out.push('nil');
      return;
    case 'bool':
      out.push(node.value ? 'true' : 'false');
      return;
    case 'number':
      out.push(node.text);
      return;
    case 'string':
      out.push(node.quoted);
      return;
  }
}
