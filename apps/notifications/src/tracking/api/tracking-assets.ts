import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/** The page's stylesheet and script, plain files that the build copies beside the compiled code as they are. */
const ROOT = join(__dirname, 'public');
const STYLE = 'tracking.css';
const SCRIPT = 'tracking.js';

export interface TrackingAssets {
  /** Where they are served: /track/assets/<hash of their contents>/ */
  prefix: string;
  styleUrl: string;
  scriptUrl: string;
}

let assets: TrackingAssets | undefined;

/**
 * Their URL carries a hash of their contents, so a browser may keep them for a year: changed files
 * get a new URL, and an old URL is never answered with new contents.
 */
export function trackingAssets(): TrackingAssets {
  if (!assets) {
    const hash = createHash('sha256');
    for (const file of [STYLE, SCRIPT]) hash.update(readFileSync(join(ROOT, file)));
    const prefix = `/track/assets/${hash.digest('hex').slice(0, 16)}/`;
    assets = { prefix, styleUrl: `${prefix}${STYLE}`, scriptUrl: `${prefix}${SCRIPT}` };
  }
  return assets;
}

/** Serves them; the router prefers this prefix to the tracking page's `track/*`, and a token never reads "assets". */
export function serveTrackingAssets(app: NestFastifyApplication): void {
  app.useStaticAssets({
    root: ROOT,
    prefix: trackingAssets().prefix,
    // Swagger UI's static files decorate nothing either: two plugins may not add the same decorator.
    decorateReply: false,
    index: false,
    maxAge: '365d',
    immutable: true,
  });
}
