/**
 * Builds the parse tree from tokens, following Go's text/template/parse grammar and error
 * wording (`unexpected "}" in operand`, `function "foo" not defined`, `missing value for if`…).
 * Unsupported Go features — `define`, `template`, `block` and complex constants — fail with a
 * clear message instead of being half-handled.
 */
import type {
  ArgNode,
  BranchNode,
  CommandNode,
  ListNode,
  NumberNode,
  ParsedTemplate,
  PipeNode,
  TemplateNode,
  VariableNode,
} from './ast.js';
import { nodeString } from './ast.js';
import { quote, unquote, unquoteRune } from './go-strconv.js';
import { parseNumberLiteral } from './number-literal.js';
import { isKeyword, lex, type Token, type TokenType } from './lexer.js';
import { parseError } from './template-error.js';

/** Options for {@link parse}. */
export interface ParseOptions {
  /**
   * Names of the functions the template may call. Go checks calls at parse time, so a call to
   * anything else is a syntax error (`function "foo" not defined`).
   */
  readonly functions: ReadonlySet<string>;
}

/** Marker nodes for `{{end}}` and `{{else}}`; they never reach the finished tree. */
interface EndMarker {
  readonly kind: 'end';
  readonly pos: number;
}
interface ElseMarker {
  readonly kind: 'else';
  readonly pos: number;
}
type ParsedItem = TemplateNode | EndMarker | ElseMarker;

/** A syntax error at a source offset; `parse` turns it into a coded SdkError. */
class ParseFailure extends Error {
  constructor(
    readonly pos: number,
    message: string,
  ) {
    super(message);
  }
}

/** Parses `source` into a tree; throws a `PKR_ERR_TEMPLATE_SYNTAX` SdkError on bad input. */
export function parse(name: string, source: string, options: ParseOptions): ParsedTemplate {
  const parser = new Parser(name, source, options.functions);
  try {
    return { name, source, root: parser.parseRoot() };
  } catch (error) {
    if (error instanceof ParseFailure) throw parseError(name, source, error.pos, error.message);
    throw error;
  }
}

function tokenString(token: Token): string {
  if (token.type === 'eof') return 'EOF';
  if (token.type === 'error') return token.value;
  if (isKeyword(token.type)) return `<${token.value}>`;
  const runes = [...token.value];
  if (runes.length > 10) return `${quote(runes.slice(0, 10).join(''))}...`;
  return quote(token.value);
}

const operandStarts: ReadonlySet<TokenType> = new Set<TokenType>([
  'bool',
  'charConstant',
  'complex',
  'dot',
  'field',
  'identifier',
  'number',
  'nil',
  'rawString',
  'string',
  'variable',
  'leftParen',
]);

class Parser {
  private readonly tokens: Token[];
  private index = 0;
  /** Highest token index read so far: Go reports errors at its most recently lexed item. */
  private lastRead = 0;
  private vars: string[] = ['$'];
  private actionLine = 0;
  private rangeDepth = 0;

  constructor(
    private readonly name: string,
    source: string,
    private readonly functions: ReadonlySet<string>,
  ) {
    this.tokens = lex(source);
  }

  // ---- token stream -------------------------------------------------------------------------

  private next(): Token {
    const token = this.tokens[Math.min(this.index, this.tokens.length - 1)];
    if (token === undefined) throw new Error('lexer produced no tokens');
    this.index++;
    this.lastRead = Math.max(this.lastRead, this.index - 1);
    return token;
  }

  private backup(count = 1): void {
    this.index -= count;
  }

  private peek(): Token {
    const token = this.next();
    this.backup();
    return token;
  }

  private nextNonSpace(): Token {
    for (;;) {
      const token = this.next();
      if (token.type !== 'space') return token;
    }
  }

  private peekNonSpace(): Token {
    const token = this.nextNonSpace();
    this.backup();
    return token;
  }

  private fail(message: string, pos?: number): never {
    const at = this.tokens[Math.min(this.lastRead, this.tokens.length - 1)];
    throw new ParseFailure(pos ?? at?.pos ?? 0, message);
  }

  private expect(type: TokenType, context: string): Token {
    const token = this.nextNonSpace();
    if (token.type !== type) this.unexpected(token, context);
    return token;
  }

  private unexpected(token: Token, context: string): never {
    if (token.type === 'error') {
      let extra = '';
      if (this.actionLine !== 0 && this.actionLine !== token.line) {
        extra = ` in action started at ${this.name}:${this.actionLine}`;
        // Go avoids "unclosed action in action started at …".
        if (token.value.endsWith(' action')) extra = extra.slice(' in action'.length);
      }
      this.fail(`${token.value}${extra}`, token.pos);
    }
    this.fail(`unexpected ${tokenString(token)} in ${context}`, token.pos);
  }

  // ---- structure ----------------------------------------------------------------------------

  parseRoot(): ListNode {
    const nodes: TemplateNode[] = [];
    const pos = this.peek().pos;
    while (this.peek().type !== 'eof') {
      if (this.peek().type === 'leftDelim') {
        const delimIndex = this.index;
        this.next();
        const keyword = this.nextNonSpace();
        if (keyword.type === 'define') this.unsupported(keyword, 'define');
        this.index = delimIndex;
      }
      const n = this.textOrAction();
      if (n.kind === 'end' || n.kind === 'else') {
        this.fail(`unexpected {{${n.kind}}}`, n.pos);
      }
      nodes.push(n);
    }
    return { kind: 'list', pos, nodes };
  }

  private unsupported(token: Token, what: string): never {
    this.fail(`{{${what}}} is not supported in Packer template strings`, token.pos);
  }

  private itemList(): { list: ListNode; next: EndMarker | ElseMarker } {
    const nodes: TemplateNode[] = [];
    const pos = this.peekNonSpace().pos;
    while (this.peekNonSpace().type !== 'eof') {
      const n = this.textOrAction();
      if (n.kind === 'end' || n.kind === 'else') return { list: { kind: 'list', pos, nodes }, next: n };
      nodes.push(n);
    }
    this.fail('unexpected EOF');
  }

  private textOrAction(): ParsedItem {
    const token = this.nextNonSpace();
    switch (token.type) {
      case 'text':
        return { kind: 'text', pos: token.pos, text: token.value };
      case 'leftDelim': {
        this.actionLine = token.line;
        try {
          return this.action();
        } finally {
          this.actionLine = 0;
        }
      }
      default:
        this.unexpected(token, 'input');
    }
  }

  private action(): ParsedItem {
    const token = this.nextNonSpace();
    switch (token.type) {
      case 'block':
        this.unsupported(token, 'block');
        break;
      case 'template':
        this.unsupported(token, 'template');
        break;
      case 'define':
        this.unsupported(token, 'define');
        break;
      case 'break':
      case 'continue':
        return this.loopControl(token);
      case 'else':
        return this.elseControl(token);
      case 'end':
        this.expect('rightDelim', 'end');
        return { kind: 'end', pos: token.pos };
      case 'if':
      case 'range':
      case 'with':
        return this.branch(token.type);
    }
    this.backup();
    const first = this.peek();
    return { kind: 'action', pos: first.pos, pipe: this.pipeline('command', 'rightDelim') };
  }

  private loopControl(token: Token): TemplateNode {
    const kind = token.type === 'break' ? 'break' : 'continue';
    const close = this.nextNonSpace();
    if (close.type !== 'rightDelim') this.unexpected(close, `{{${kind}}}`);
    if (this.rangeDepth === 0) this.fail(`{{${kind}}} outside {{range}}`, token.pos);
    return { kind, pos: token.pos };
  }

  private elseControl(keyword: Token): ElseMarker {
    // "{{else if …}}" leaves the "if" for the enclosing if to consume.
    if (this.peekNonSpace().type !== 'if') this.expect('rightDelim', 'else');
    return { kind: 'else', pos: keyword.pos };
  }

  private branch(kind: 'if' | 'range' | 'with'): BranchNode {
    const varsMark = this.vars.length;
    try {
      const pipe = this.pipeline(kind, 'rightDelim');
      if (kind === 'range') this.rangeDepth++;
      const body = this.itemList();
      if (kind === 'range') this.rangeDepth--;
      let elseList: ListNode | undefined;
      if (body.next.kind === 'else') {
        if (kind === 'if' && this.peek().type === 'if') {
          this.next();
          elseList = { kind: 'list', pos: body.next.pos, nodes: [this.branch('if')] };
        } else {
          const rest = this.itemList();
          if (rest.next.kind !== 'end') this.fail(`expected end; found {{${rest.next.kind}}}`, rest.next.pos);
          elseList = rest.list;
        }
      }
      return { kind, pos: pipe.pos, pipe, list: body.list, elseList };
    } finally {
      this.vars.length = varsMark;
    }
  }

  // ---- pipelines ----------------------------------------------------------------------------

  private pipeline(context: string, end: 'rightDelim' | 'rightParen'): PipeNode {
    const pos = this.peekNonSpace().pos;
    const decl: VariableNode[] = [];
    let isAssign = false;
    for (;;) {
      const v = this.peekNonSpace();
      if (v.type !== 'variable') break;
      const variableIndex = this.index;
      this.next();
      const following = this.peekNonSpace();
      if (following.type === 'assign' || following.type === 'declare') {
        isAssign = following.type === 'assign';
        this.nextNonSpace();
        decl.push(this.variableNode(v.pos, v.value));
        this.vars.push(v.value);
        break;
      }
      if (following.type === 'char' && following.value === ',') {
        this.nextNonSpace();
        decl.push(this.variableNode(v.pos, v.value));
        this.vars.push(v.value);
        if (context === 'range' && decl.length < 2) {
          const after = this.peekNonSpace().type;
          if (after === 'variable' || after === 'rightDelim' || after === 'rightParen') continue;
          this.fail('range can only initialize variables');
        }
        this.fail(`too many declarations in ${context}`);
      }
      this.index = variableIndex;
      break;
    }
    const pipe: PipeNode = { kind: 'pipe', pos, isAssign, decl, cmds: [] };
    for (;;) {
      const token = this.nextNonSpace();
      if (token.type === end) {
        this.checkPipeline(pipe, context, token);
        return pipe;
      }
      if (!operandStarts.has(token.type)) this.unexpected(token, context);
      this.backup();
      pipe.cmds.push(this.command());
    }
  }

  private checkPipeline(pipe: PipeNode, context: string, end: Token): void {
    if (pipe.cmds.length === 0) this.fail(`missing value for ${context}`, end.pos);
    pipe.cmds.slice(1).forEach((c, i) => {
      const first = c.args[0];
      if (first === undefined) return;
      if (['bool', 'dot', 'nil', 'number', 'string'].includes(first.kind)) {
        this.fail(`non executable command in pipeline stage ${i + 2}`, first.pos);
      }
    });
  }

  private command(): CommandNode {
    const cmd: CommandNode = { kind: 'command', pos: this.peekNonSpace().pos, args: [] };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand !== undefined) cmd.args.push(operand);
      const token = this.next();
      if (token.type === 'space') continue;
      if (token.type === 'rightDelim' || token.type === 'rightParen') this.backup();
      else if (token.type !== 'pipe') this.unexpected(token, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.fail('empty command');
    return cmd;
  }

  private operand(): ArgNode | undefined {
    const node = this.term();
    if (node === undefined) return undefined;
    if (this.peek().type !== 'field') return node;
    const chainPos = this.peek().pos;
    const fields: string[] = [];
    while (this.peek().type === 'field') fields.push(this.next().value.slice(1));
    switch (node.kind) {
      case 'field':
        return { kind: 'field', pos: chainPos, ident: [...node.ident, ...fields] };
      case 'variable':
        return { kind: 'variable', pos: chainPos, ident: [...node.ident, ...fields] };
      case 'bool':
      case 'string':
      case 'number':
      case 'nil':
      case 'dot':
        this.fail(`unexpected . after term ${quote(nodeString(node))}`, chainPos);
        break;
    }
    return { kind: 'chain', pos: chainPos, node, fields };
  }

  private term(): ArgNode | undefined {
    const token = this.nextNonSpace();
    switch (token.type) {
      case 'identifier':
        if (!this.functions.has(token.value))
          this.fail(`function ${quote(token.value)} not defined`, token.pos);
        return { kind: 'identifier', pos: token.pos, name: token.value };
      case 'dot':
        return { kind: 'dot', pos: token.pos };
      case 'nil':
        return { kind: 'nil', pos: token.pos };
      case 'variable':
        return this.useVar(token);
      case 'field':
        return { kind: 'field', pos: token.pos, ident: token.value.slice(1).split('.') };
      case 'bool':
        return { kind: 'bool', pos: token.pos, value: token.value === 'true' };
      case 'charConstant':
      case 'complex':
      case 'number':
        return this.numberNode(token);
      case 'leftParen':
        return this.pipeline('parenthesized pipeline', 'rightParen');
      case 'string':
      case 'rawString':
        return { kind: 'string', pos: token.pos, quoted: token.value, text: this.unquoteOrFail(token) };
    }
    this.backup();
    return undefined;
  }

  private unquoteOrFail(token: Token): string {
    try {
      return unquote(token.value);
    } catch {
      this.fail('invalid syntax', token.pos);
    }
  }

  private variableNode(pos: number, name: string): VariableNode {
    return { kind: 'variable', pos, ident: name.split('.') };
  }

  private useVar(token: Token): VariableNode {
    const v = this.variableNode(token.pos, token.value);
    const name = v.ident[0] ?? '';
    if (!this.vars.includes(name)) this.fail(`undefined variable ${quote(name)}`, token.pos);
    return v;
  }

  private numberNode(token: Token): NumberNode {
    const text = token.value;
    const base = { kind: 'number', pos: token.pos, text } as const;
    if (token.type === 'charConstant') {
      let rune: number;
      try {
        rune = unquoteRune(text);
      } catch (error) {
        this.fail(error instanceof Error ? error.message : 'invalid syntax', token.pos);
      }
      const n = BigInt(rune);
      return { ...base, int: n, uint: n, float: rune };
    }
    if (token.type === 'complex' || text.endsWith('i')) {
      this.fail(`complex constant ${text} is not supported`, token.pos);
    }
    const parsed = parseNumberLiteral(text);
    if (typeof parsed === 'string') this.fail(parsed, token.pos);
    return { ...base, ...parsed };
  }
}
