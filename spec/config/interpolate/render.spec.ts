import { expect } from 'chai';
import { isAbsolute } from 'node:path';
import { isSdkError, type SdkError } from '../../../errors/index.js';
import {
  BUILD_PLACEHOLDER_MESSAGE,
  buildPlaceholderData,
  cleanResourceName,
  parseTemplate,
  render,
  renderValue,
  validateTemplate,
  type InterpolationContext,
} from '../../../config/interpolate/index.js';
import { CASE_NOW, goCases, type GoCase } from './go-cases.js';

function contextOf(c: GoCase): InterpolationContext {
  const { now, env, ...rest } = c.context ?? {};
  return { ...rest, env: env === true, data: c.data, now: new Date(now ?? CASE_NOW) };
}

function caught(fn: () => unknown): SdkError {
  try {
    fn();
  } catch (error) {
    if (isSdkError(error)) return error;
    throw error;
  }
  throw new Error('expected an SdkError, but nothing was thrown');
}

describe('config/interpolate/render: cases checked against Go', () => {
  for (const c of goCases) {
    it(c.name, () => {
      const run = (): string => render(c.template, contextOf(c), { missingKey: c.missingKey });
      if (c.error === undefined) {
        expect(run()).to.equal(c.output);
        return;
      }
      const error = caught(run);
      expect(error.message).to.equal(c.error);
      expect(error.code).to.equal(c.code);
    });
  }
});

describe('config/interpolate/render', () => {
  it('gives template errors their line, column and reason as details', () => {
    // Go positions a field chain at its last link: `.B` starts at byte 7 of line 2.
    const error = caught(() => render('ok\n  {{ .A.B }}', { data: { A: 's' } }));
    expect(error.details).to.include({ template: 'root', line: 2, column: 7, context: '.A.B' });
    expect(error.details.reason).to.equal("can't evaluate field B in type interface {}");
    const syntax = caught(() => render('{{ nope }}'));
    expect(syntax.details).to.include({ line: 1, column: 3, reason: 'function "nope" not defined' });
  });

  it('uses the given template name in messages', () => {
    expect(caught(() => render('{{ nope }}', {}, { name: 'ami_name' })).message).to.equal(
      'template: ami_name:1:3: function "nope" not defined',
    );
  });

  it('treats class instances as structs: a missing field is an error, methods can be called', () => {
    class BootData {
      constructor(
        readonly HTTPIP: string,
        readonly HTTPPort: number,
      ) {}
      Addr(scheme: string): string {
        return `${scheme}://${this.HTTPIP}:${this.HTTPPort}`;
      }
    }
    const data = new BootData('10.0.2.2', 8080);
    expect(render('{{ .HTTPIP }}:{{ .HTTPPort }} {{ .Addr "http" }}', { data })).to.equal(
      '10.0.2.2:8080 http://10.0.2.2:8080',
    );
    expect(caught(() => render('{{ .HTTPIp }}', { data })).message).to.equal(
      'template: root:1:3: executing "root" at <.HTTPIp>: can\'t evaluate field HTTPIp in type BootData',
    );
    expect(caught(() => render('{{ .HTTPIP 1 }}', { data })).message).to.contain(
      'HTTPIP has arguments but cannot be invoked as function',
    );
  });

  it('prints a struct with its own toString like a Go Stringer', () => {
    class Version {
      toString(): string {
        return 'v1.2.3';
      }
    }
    expect(render('{{ . }} {{ printf "%q" . }}', { data: new Version() })).to.equal('v1.2.3 "v1.2.3"');
  });

  it('reads Maps like Go maps, in sorted key order', () => {
    const data = new Map<string, unknown>([
      ['b', 2],
      ['a', 1],
    ]);
    expect(render('{{ .a }} {{ range $k, $v := . }}{{ $k }}{{ $v }}{{ end }} {{ .zz }}', { data })).to.equal(
      '1 a1b2 <no value>',
    );
  });

  it('sorts map keys by code point, as Go compares strings', () => {
    const data = { '\u{1F600}': 1, '\uFF5E': 2, b: 3, B: 4 };
    expect(render('{{ range $k, $v := . }}{{ $v }}{{ end }}', { data })).to.equal('4321');
  });

  it('parses once and renders many times', () => {
    const parsed = parseTemplate('{{ .N }}');
    expect(render(parsed, { data: { N: 1 } })).to.equal('1');
    expect(render(parsed, { data: { N: 2 } })).to.equal('2');
  });

  it('calls functions a plugin adds, checking their parameter types like Go', () => {
    const ctx: InterpolationContext = {
      functions: {
        repeat: { params: ['string', 'int'], call: (s: string, n: number) => s.repeat(n) },
        clean_resource_name: { params: ['string'], call: (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '-') },
        fail: {
          params: [],
          call: () => {
            throw new Error('quota exceeded');
          },
        },
      },
    };
    expect(render('{{ repeat "ab" 3 }} {{ clean_resource_name "A b:c" }}', ctx)).to.equal('ababab A-b-c');
    expect(caught(() => render('{{ repeat 1 2 }}', ctx)).message).to.contain('expected string; found 1');
    const error = caught(() => render('{{ fail }}', ctx));
    expect(error.message).to.equal(
      'template: root:1:3: executing "root" at <fail>: error calling fail: quota exceeded',
    );
    expect((error.cause as Error).message).to.equal('quota exceeded');
  });

  it('rejects a plugin function whose name is not an identifier', () => {
    const error = caught(() => render('x', { functions: { 'bad-name': { params: [], call: () => '' } } }));
    expect(error.code).to.equal('PKR_ERR_OPTION_INVALID');
  });

  it('takes timestamp, isotime and strftime from one build time', () => {
    const now = new Date('2021-03-04T05:06:07.089Z');
    expect(render('{{ timestamp }} {{ isotime }} {{ strftime "%Y%m%d-%H%M%S%L" }}', { now })).to.equal(
      '1614834367 2021-03-04T05:06:07Z 20210304-050607.089',
    );
  });

  it('defaults the build time to one instant shared by every render', () => {
    const first = render('{{ isotime "2006-01-02T15:04:05.000" }}');
    expect(render('{{ isotime "2006-01-02T15:04:05.000" }}')).to.equal(first);
  });

  it('generates time-ordered uuids unless the context provides them', () => {
    const id = render('{{ uuid }}');
    expect(id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const seconds = parseInt(id.slice(0, 8), 16);
    expect(Math.abs(seconds - Date.now() / 1000)).to.be.lessThan(3600);
    expect(render('{{ uuid }}')).to.not.equal(id);
    expect(render('{{ uuid }}', { uuid: () => 'fixed' })).to.equal('fixed');
  });

  it('returns the working directory for pwd', () => {
    expect(render('{{ pwd }}')).to.equal(process.cwd());
    expect(render('{{ pwd }}', { workingDirectory: '/build' })).to.equal('/build');
  });

  it('resolves template_dir against the working directory like filepath.Abs', () => {
    const dir = render('{{ template_dir }}', { templatePath: 'templates/web.json' });
    expect(isAbsolute(dir)).to.equal(true);
    expect(dir).to.equal(`${process.cwd()}/templates`);
  });

  it('reads env only where the context allows it', () => {
    expect(
      render('{{ env "PKR_TEST_VALUE" }}|{{ env "PKR_TEST_UNSET" }}', { env: { PKR_TEST_VALUE: 'v' } }),
    ).to.equal('v|');
    expect(render('{{ env "PATH" }}', { env: true })).to.equal(process.env.PATH ?? '');
    expect(caught(() => render('{{ env "PATH" }}', { env: false })).message).to.contain(
      'env vars are not allowed here',
    );
  });

  it('explains that removed and network-backed functions are unavailable', () => {
    expect(caught(() => render('{{ sed "s/a/b/" "a" }}')).message).to.contain(
      'template function `sed` was removed from Packer: use `replace` or `replace_all` instead',
    );
    expect(caught(() => render('{{ clean_ami_name "x" }}')).message).to.contain(
      '`clean_ami_name` was renamed: use `clean_resource_name` instead',
    );
    for (const call of [
      'consul_key "k"',
      'vault "p" "k"',
      'aws_secretsmanager "s"',
      'aws_secretsmanager_raw "s"',
    ]) {
      expect(caught(() => render(`{{ ${call} }}`)).message).to.contain(
        'can only be used in the variables section of a template',
      );
    }
  });

  it('keeps build placeholders for the provisioning-time render', () => {
    const placeholders = buildPlaceholderData();
    expect(placeholders.Host).to.equal(`Build_Host. ${BUILD_PLACEHOLDER_MESSAGE}`);
    expect(render('ssh {{ build `User` }}@{{ build `Host` }}', { data: placeholders })).to.equal(
      'ssh {{.User}}@{{.Host}}',
    );
    expect(render('{{.User}}@{{.Host}}', { data: { User: 'root', Host: '10.0.0.9' } })).to.equal(
      'root@10.0.0.9',
    );
    expect(render('{{ build `WinRMPassword` }}', { data: placeholders })).to.equal('{{.WinRMPassword}}');
  });

  it('cleans resource names by the documented rule, byte by byte', () => {
    expect(cleanResourceName('mybuild-2017-10-18T02:06:30Z')).to.equal('mybuild-2017-10-18t02-06-30z');
    expect(cleanResourceName('é')).to.equal('--');
  });
});

describe('config/interpolate/validateTemplate', () => {
  it('accepts valid templates without rendering them', () => {
    expect(() => validateTemplate('{{ .HTTPIP }}:{{ .HTTPPort }} {{ build_name }}')).to.not.throw();
  });

  it('rejects syntax errors and unknown functions', () => {
    expect(caught(() => validateTemplate('{{ if .X }}')).message).to.equal(
      'template: root:1:11: unexpected EOF',
    );
    expect(caught(() => validateTemplate('{{ shout }}')).code).to.equal('PKR_ERR_TEMPLATE_SYNTAX');
    expect(() =>
      validateTemplate('{{ shout }}', { functions: { shout: { params: [], call: () => '' } } }),
    ).to.not.throw();
  });
});

describe('config/interpolate/renderValue', () => {
  const ctx: InterpolationContext = { buildName: 'web', userVariables: { size: '20G' } };

  it('renders strings in nested arrays and objects and leaves other values alone', () => {
    const config = {
      vm_name: 'vm-{{ build_name }}',
      disk: [{ size: '{{ user `size` }}', bus: 'virtio' }],
      cpus: 2,
      headless: true,
      nothing: null,
    };
    expect(renderValue(config, ctx)).to.deep.equal({
      vm_name: 'vm-web',
      disk: [{ size: '20G', bus: 'virtio' }],
      cpus: 2,
      headless: true,
      nothing: null,
    });
    expect(config.vm_name).to.equal('vm-{{ build_name }}');
  });

  it('renders object keys too, as Packer does', () => {
    expect(renderValue({ http_content: { '/{{ build_name }}.cfg': 'x' } }, ctx)).to.deep.equal({
      http_content: { '/web.cfg': 'x' },
    });
  });

  it('names the field path and column in errors', () => {
    const error = caught(() =>
      renderValue(
        { boot_command: ['<esc>', '<wait>', 'linux {{ .Boot.X 1 }}'] },
        { ...ctx, data: { Boot: {} } },
      ),
    );
    expect(error.message).to.equal(
      'boot_command[2]: template: root:1:14: executing "root" at <.Boot.X>: X is not a method but has arguments',
    );
    expect(error.details.path).to.equal('boot_command[2]');
  });

  it('quotes keys that are not identifiers in paths', () => {
    const error = caught(() => renderValue({ http_content: { '/ks.cfg': '{{ nope }}' } }, ctx));
    expect(error.message).to.equal(
      'http_content["/ks.cfg"]: template: root:1:3: function "nope" not defined',
    );
  });

  it('leaves deferred fields unrendered but still checks their syntax', () => {
    const config = {
      vm_name: '{{ build_name }}',
      boot_command: ['ks=http://{{ .HTTPIP }}:{{ .HTTPPort }}/ks.cfg'],
    };
    expect(renderValue(config, ctx, { skip: ['boot_command'] })).to.deep.equal({
      vm_name: 'web',
      boot_command: ['ks=http://{{ .HTTPIP }}:{{ .HTTPPort }}/ks.cfg'],
    });
    const error = caught(() =>
      renderValue({ boot_command: ['{{ .HTTPIP '] }, ctx, { skip: ['boot_command'] }),
    );
    expect(error.message).to.equal('boot_command[0]: template: root:1:11: unclosed action');
  });

  it('accepts a predicate for deferred paths and a base path', () => {
    const skip = (path: string): boolean => path.endsWith('.command');
    expect(
      renderValue({ steps: [{ command: '{{ .Later }}', name: '{{ build_name }}' }] }, ctx, {
        skip,
        path: 'cfg',
      }),
    ).to.deep.equal({ steps: [{ command: '{{ .Later }}', name: 'web' }] });
    const error = caught(() => renderValue(['{{ nope }}'], ctx, { path: 'list' }));
    expect(error.details.path).to.equal('list[0]');
  });

  it('renders strings inside Maps and renders a bare string', () => {
    const out = renderValue(new Map([['k', '{{ build_name }}']]), ctx);
    expect([...out.entries()]).to.deep.equal([['k', 'web']]);
    expect(renderValue('{{ build_name }}', ctx)).to.equal('web');
  });
});
