import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { routeFileGlobs, sourceFromSelector } from '../../client/src/comment-source';

describe('comment-source: where a comment on a preview points in the code', () => {
  it('reads a data-source attribute in the selector, with its line and column', () => {
    assert.deepEqual(sourceFromSelector('main > [data-source="src/components/Header.tsx:12:5"] > h1'), {
      file: 'src/components/Header.tsx',
      line: 12,
      column: 5,
    });
    assert.deepEqual(sourceFromSelector("[data-source='server.js:40']"), { file: 'server.js', line: 40 });
    assert.deepEqual(sourceFromSelector('[data-source=views/index.ejs]'), { file: 'views/index.ejs' });
  });

  it('never leaves the folder and ignores selectors without the attribute', () => {
    assert.equal(sourceFromSelector('[data-source="../../etc/passwd:1"]'), undefined);
    assert.equal(sourceFromSelector('[data-source="/etc/passwd"]'), undefined);
    assert.equal(sourceFromSelector('body > h1:nth-of-type(2)'), undefined);
    assert.equal(sourceFromSelector(null), undefined);
  });

  it('turns a route into the files the common frameworks render it from, most likely first', () => {
    const globs = routeFileGlobs('/blog/hello-world?ref=mail#top');
    assert.equal(globs[0], '{pages,src/pages}/blog/hello-world.{js,jsx,ts,tsx,mjs,vue,svelte,astro,md,mdx}');
    assert.ok(globs.includes('{app,src/app}/blog/hello-world/page.{js,jsx,ts,tsx,mjs,vue,svelte,astro,md,mdx}'));
    assert.ok(globs.includes('{public,static,.}/blog/hello-world.html'));
    const home = routeFileGlobs('/');
    assert.ok(home.includes('{pages,src/pages}/index.{js,jsx,ts,tsx,mjs,vue,svelte,astro,md,mdx}'));
    assert.ok(home.includes('{public,static,.}/index.html'));
  });

  it('gives nothing for a route that is not plain names (a visitor wrote the URL)', () => {
    assert.deepEqual(routeFileGlobs('/a/../../secret'), []);
    assert.deepEqual(routeFileGlobs('/{x,y}/**'), []);
    assert.deepEqual(routeFileGlobs(null), []);
  });
});
