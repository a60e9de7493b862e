import { expect } from 'chai';
import fc from 'fast-check';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isSdkError } from '../../errors/index.js';
import { glob, globMatch, hasGlobMeta } from '../../steps/glob.js';
import { collectMedia, contentPath, type MediaDir } from '../../steps/media-sources.js';

/** Every file of a collected tree as "path" → source (a path relative to `base`, or "=content"). */
function listing(dir: MediaDir, base: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of dir.files) {
    out[`${prefix}${f.name}`] =
      'data' in f.source ? `=${f.source.data.toString()}` : path.relative(base, f.source.path);
  }
  for (const d of dir.dirs) Object.assign(out, listing(d, base, `${prefix}${d.name}/`));
  return out;
}

describe('steps/media-sources and steps/glob', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pkr-media-'));
    await mkdir(path.join(dir, 'drivers', 'net'), { recursive: true });
    await writeFile(path.join(dir, 'Autounattend.xml'), 'a');
    await writeFile(path.join(dir, 'setup.ps1'), 'b');
    await writeFile(path.join(dir, 'drivers', 'disk.inf'), 'c');
    await writeFile(path.join(dir, 'drivers', 'net', 'nic.inf'), 'd');
    await writeFile(path.join(dir, '.hidden'), 'e');
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('matches Go globs: classes, escapes, no separator crossing, dot files included', () => {
    const table: [string, string, boolean][] = [
      ['*.xml', 'Autounattend.xml', true],
      ['*', '.hidden', true],
      ['*.inf', 'net/nic.inf', false],
      ['*/*.inf', 'net/nic.inf', true],
      ['set?p.ps1', 'setup.ps1', true],
      ['[a-c]*', 'b.txt', true],
      ['[^a-c]*', 'b.txt', false],
      ['[^a-c]', '/', false],
      ['\\*', '*', true],
      ['\\*', 'x', false],
    ];
    for (const [pattern, name, expected] of table)
      expect(globMatch(pattern, name), `${pattern} ~ ${name}`).to.equal(expected);
    expect(hasGlobMeta('a/b.txt')).to.equal(false);
    expect(() => globMatch('[', 'x')).to.throw(/syntax error in pattern/);
    expect(() => globMatch('[]', 'x')).to.throw(/syntax error in pattern/);
  });

  it('matches any literal name against itself (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }).filter((s) => !s.includes('/')),
        (name) => {
          const escaped = name.replace(/[*?[\\]/g, (c) => `\\${c}`);
          expect(globMatch(escaped, name)).to.equal(true);
        },
      ),
    );
  });

  it('expands globs on disk, sorted, relative to the working directory', async () => {
    expect(await glob('drivers/*', dir)).to.deep.equal(['drivers/disk.inf', 'drivers/net']);
    expect(await glob('*/*/*.inf', dir)).to.deep.equal(['drivers/net/nic.inf']);
    expect(await glob(path.join(dir, '*.ps1'))).to.deep.equal([path.join(dir, 'setup.ps1')]);
    expect(await glob('nope/*', dir)).to.deep.equal([]);
    expect(await glob('setup.ps1', dir)).to.deep.equal(['setup.ps1']);
    expect(await glob('missing.ps1', dir)).to.deep.equal([]);
  });

  it('puts floppy_files flat, floppy_dirs as trees, and lets content win', async () => {
    const notes: string[] = [];
    const got = await collectMedia(
      {
        flat: ['*.xml', 'drivers'],
        tree: ['drivers'],
        content: { '/setup/run.cmd': 'x', 'Autounattend.xml': 'override' },
      },
      { cwd: dir, caseInsensitive: true, onNote: (l) => notes.push(l) },
    );
    expect(listing(got.root, dir)).to.deep.equal({
      'Autounattend.xml': '=override',
      'disk.inf': 'drivers/disk.inf',
      'nic.inf': 'drivers/net/nic.inf',
      'drivers/disk.inf': 'drivers/disk.inf',
      'drivers/net/nic.inf': 'drivers/net/nic.inf',
      'setup/run.cmd': '=x',
    });
    expect(got.totalBytes).to.equal('override'.length + 4 + 1);
    expect(notes).to.include('Adding file: Autounattend.xml');
    expect(notes).to.include(`Adding file: ${path.join(dir, 'drivers', 'disk.inf')} => disk.inf`);
  });

  it('refuses clashes (case-insensitively for FAT) and names what clashed', async () => {
    await writeFile(path.join(dir, 'drivers', 'AUTOUNATTEND.XML'), 'x');
    const clash = await collectMedia(
      { flat: ['Autounattend.xml', 'drivers/AUTOUNATTEND.XML'] },
      { cwd: dir, caseInsensitive: true },
    ).catch((e: unknown) => e);
    expect(isSdkError(clash, 'PKR_ERR_MEDIA_NAME')).to.equal(true);
    expect((clash as Error).message)
      .to.contain('Autounattend.xml')
      .and.to.contain('AUTOUNATTEND.XML');
    const fine = await collectMedia({ flat: ['Autounattend.xml', 'drivers/AUTOUNATTEND.XML'] }, { cwd: dir });
    expect(fine.added).to.have.length(2);
    const dirVsFile = await collectMedia(
      { tree: ['drivers'], content: { drivers: 'x' } },
      { cwd: dir },
    ).catch((e: unknown) => e);
    expect(isSdkError(dirVsFile, 'PKR_ERR_MEDIA_NAME')).to.equal(true);
  });

  it('follows symbolic links, refuses loops, and names missing sources', async () => {
    await symlink(path.join(dir, 'setup.ps1'), path.join(dir, 'drivers', 'linked.ps1'));
    const linked = await collectMedia({ tree: ['drivers'] }, { cwd: dir });
    expect(listing(linked.root, dir)['drivers/linked.ps1']).to.equal('drivers/linked.ps1');
    await symlink(path.join(dir, 'drivers'), path.join(dir, 'drivers', 'net', 'loop'));
    const loop = await collectMedia({ tree: ['drivers'] }, { cwd: dir }).catch((e: unknown) => e);
    expect(isSdkError(loop, 'PKR_ERR_MEDIA_SOURCE')).to.equal(true);
    expect((loop as Error).message).to.contain('loops back');
    const missing = await collectMedia({ flat: ['nope.xml'] }, { cwd: dir }).catch((e: unknown) => e);
    expect(isSdkError(missing, 'PKR_ERR_MEDIA_SOURCE')).to.equal(true);
    expect((missing as Error).message).to.contain('nope.xml does not exist');
  });

  it('says when a glob matches nothing and adds nothing, as Packer does', async () => {
    const notes: string[] = [];
    const got = await collectMedia({ flat: ['*.cfg'] }, { cwd: dir, onNote: (l) => notes.push(l) });
    expect(got.added).to.deep.equal([]);
    expect(notes).to.deep.equal(['floppy_files: *.cfg matched nothing']);
  });

  it('refuses content paths that leave the image', () => {
    expect(contentPath('/a/b.txt')).to.deep.equal(['a', 'b.txt']);
    for (const bad of ['../x', '/a//b', 'a/./b', '/']) {
      let err: unknown;
      try {
        contentPath(bad);
      } catch (e) {
        err = e;
      }
      expect(isSdkError(err, 'PKR_ERR_MEDIA_NAME'), bad).to.equal(true);
    }
  });
});
