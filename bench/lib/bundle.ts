import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Table } from './section-report';

export interface BundleFigures {
  /** What index.html loads before anything is shown: scripts, module preloads, styles (gzip -6). */
  initialJsGzip: number;
  initialCssGzip: number;
  initialFiles: string[];
  /** Every other script, loaded with the screen that needs it. */
  lazyJsGzip: number;
  largestLazy: Array<{ file: string; gzip: number }>;
}

/**
 * A built browser app's first bundle as the browser meets it: index.html's script, its module
 * preloads and styles. `base` is the path the app is served under (`/` the console, `/rider/`).
 */
export function bundleFigures(dir: string, base = '/'): BundleFigures {
  const gzip = (file: string) => gzipSync(readFileSync(join(dir, file))).length;
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const prefix = base.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const referenced = [...html.matchAll(new RegExp(`(?:src|href)="${prefix}([^"]+\\.(?:js|css))"`, 'g'))].map((m) => m[1]);
  const js = referenced.filter((f) => f.endsWith('.js'));
  const css = referenced.filter((f) => f.endsWith('.css'));
  const lazy = readdirSync(join(dir, 'assets'))
    .filter((f) => f.endsWith('.js') && !js.includes(`assets/${f}`))
    .map((f) => ({ file: f, gzip: gzip(join('assets', f)) }))
    .sort((a, b) => b.gzip - a.gzip);
  return {
    initialJsGzip: js.reduce((sum, f) => sum + gzip(f), 0),
    initialCssGzip: css.reduce((sum, f) => sum + gzip(f), 0),
    initialFiles: referenced,
    lazyJsGzip: lazy.reduce((sum, f) => sum + f.gzip, 0),
    largestLazy: lazy.slice(0, 3),
  };
}

export const kB = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;

export function bundleTable(b: BundleFigures): Table {
  return {
    headers: ['part', 'gzip', 'files'],
    rows: [
      ['first bundle, JavaScript', kB(b.initialJsGzip), b.initialFiles.filter((f) => f.endsWith('.js')).join(', ')],
      ['first bundle, CSS', kB(b.initialCssGzip), b.initialFiles.filter((f) => f.endsWith('.css')).join(', ')],
      ['loaded with their screens (all other scripts)', kB(b.lazyJsGzip), b.largestLazy.map((l) => `${l.file} ${kB(l.gzip)}`).join(', ')],
    ],
  };
}
