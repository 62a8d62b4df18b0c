// Where a comment on a preview points in the source: a `data-source="path:line:column"` attribute the app
// renders on its elements (the widget's selector keeps it), else the files that render the page's route in
// the conventions of the common frameworks. Plain functions: the extension looks the files up.

export interface SourceHint {
  /** Relative to the project's folder. */
  file: string;
  /** 1-based, when the attribute says. */
  line?: number;
  column?: number;
}

const DATA_SOURCE = /\[data-source=(["']?)([^"'\]]+)\1\]/;

/** The file (and line) a `[data-source=…]` in the selector names; never a path out of the folder. */
export function sourceFromSelector(selector: string | null): SourceHint | undefined {
  const value = selector ? DATA_SOURCE.exec(selector)?.[2] : undefined;
  if (!value) return undefined;
  const [, file, line, column] = /^(.+?)(?::(\d+))?(?::(\d+))?$/.exec(value) ?? [];
  if (!file || file.startsWith('/') || file.split(/[\\/]/).includes('..')) return undefined;
  return { file, ...(line ? { line: Number(line) } : {}), ...(column ? { column: Number(column) } : {}) };
}

const SCRIPT = '{js,jsx,ts,tsx,mjs,vue,svelte,astro,md,mdx}';
const TEMPLATE = '{html,ejs,hbs,pug,njk,erb,php}';

/**
 * Glob patterns (relative to the project's folder), most likely first, of the files that may render the page
 * at `pageUrl`: Next.js pages/ and app/, SvelteKit and Remix routes/, Astro and Nuxt pages/, server views and
 * static HTML. Segments that are not plain names (a visitor's URL is not trusted) give no patterns.
 */
export function routeFileGlobs(pageUrl: string | null): string[] {
  if (!pageUrl) return [];
  const path = pageUrl.split(/[?#]/)[0]!.replace(/\/+$/, '');
  const segments = path.split('/').filter(Boolean);
  if (!segments.every((segment) => /^[A-Za-z0-9._-]+$/.test(segment) && segment !== '..' && segment !== '.')) return [];
  const route = segments.join('/');
  const nested = (base: string, file: string): string => (route ? `${base}/${route}/${file}` : `${base}/${file}`);
  const pages = '{pages,src/pages}';
  const views = '{views,templates,src/views,app/views}';
  const statics = '{public,static,.}';
  return route
    ? [
        `${pages}/${route}.${SCRIPT}`,
        nested(pages, `index.${SCRIPT}`),
        nested('{app,src/app}', `page.${SCRIPT}`),
        nested('{routes,src/routes,app/routes}', `+page.${SCRIPT}`),
        `{routes,src/routes,app/routes}/${route}.${SCRIPT}`,
        `${views}/${route}.${TEMPLATE}`,
        `${statics}/${route}.html`,
        nested(statics, 'index.html'),
      ]
    : [
        `${pages}/index.${SCRIPT}`,
        `{app,src/app}/page.${SCRIPT}`,
        `{routes,src/routes}/+page.${SCRIPT}`,
        `{routes,src/routes,app/routes}/_index.${SCRIPT}`,
        `${views}/index.${TEMPLATE}`,
        `${statics}/index.html`,
      ];
}
