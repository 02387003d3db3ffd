import type { TrackingView } from '../domain/tracking-view';
import type { TrackingAssets } from './tracking-assets';

/**
 * The customer's tracking page: one small HTML document, a stylesheet and a script
 * (public/tracking.css and public/tracking.js), no framework, no fonts, nothing from another site, so
 * it opens fast on a slow phone and needs no app. The first view is embedded in the page as data;
 * the script then follows /events (server-sent events) and falls back to polling /state. Everything
 * the server sends is put on the page as text, never as HTML. The rider is drawn as a dot on a small
 * SVG plot around the destination (no map tiles: nothing is loaded from a map provider, and the
 * recipient's address never reaches the page).
 */

export interface PageOptions {
  view: TrackingView;
  assets: TrackingAssets;
}

export function trackingPage({ view, assets }: PageOptions): string {
  // Inside <script>, only "</" could end it early: escape every "<".
  const embedded = JSON.stringify(view).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex">
<title>Your flower order</title><link rel="stylesheet" href="${assets.styleUrl}"></head>
<body><main>
<div id="page">
<h1 id="title">Your flower order</h1>
<section><span id="live" hidden>● live</span><p id="headline"></p><p id="when"></p></section>
<section id="rider" hidden><h2>Where your flowers are</h2>
<svg viewBox="-110 -110 220 220" role="img" aria-label="The rider on the way"><circle r="105" fill="#f1f8e9"/>
<g id="dest"><circle r="8" fill="#2e7d32"/><text y="24" text-anchor="middle" font-size="12">destination</text></g><circle id="dot" r="9" fill="#c2185b" stroke="#fff" stroke-width="3"/></svg>
<p id="distance" class="note"></p></section>
<section><h2>Progress</h2><ol id="steps"></ol></section>
<section id="arrangement" hidden><h2>Your arrangement</h2><img alt="The finished arrangement"></section>
<section id="proof" hidden><h2>Delivered</h2><img alt="Photo taken at delivery"></section>
<section><h2>Message the shop</h2><div id="messages"></div>
<form id="send"><textarea id="text" maxlength="1000" aria-label="Your message to the shop" placeholder="A question about this order?"></textarea><button>Send</button> <span id="sendnote" class="note"></span></form></section>
<p id="expires" class="note"></p>
</div>
<section id="gone" hidden><h1>This link no longer works</h1><p>Tracking ends a little while after delivery, or when the shop withdraws a link. For anything about this order, please contact the shop.</p></section>
<noscript><p>This page needs JavaScript to show your order's progress.</p></noscript>
</main>
<script type="application/json" id="view">${embedded}</script>
<script src="${assets.scriptUrl}"></script>
</body></html>`;
}

/**
 * The friendly page for a link that does not work: the same for one that never existed, has ended or
 * was withdrawn, so a caller learns nothing about which ids were ever links.
 */
export function noticePage(assets: TrackingAssets): string {
  const title = 'We could not find this order';
  const text =
    'The link may be incomplete, or it no longer works (tracking ends a little while after delivery). Please open it again from the message the shop sent you, or ask the shop for a new one.';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${title}</title>
<link rel="stylesheet" href="${assets.styleUrl}"></head>
<body><main id="notice"><h1>${title}</h1><p>${text}</p></main></body></html>`;
}
