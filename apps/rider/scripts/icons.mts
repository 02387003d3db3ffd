/**
 * Draws the rider app's icons: a five-petal mark in the app's colours, as PNGs for the web app
 * manifest (192 and 512 px, and a maskable one whose mark keeps inside the safe zone, the inner
 * 80 %, so a launcher may cut it to any shape). Run it after changing the mark; the PNGs it
 * writes to apps/rider/public/icons/ are committed.
 *
 *   node apps/rider/scripts/icons.mts
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const BACKGROUND = '#7a1f3d';
const PETAL = '#fff4f6';
const HEART = '#f2b134';

/** The mark, drawn in a 100 × 100 box; `scale` shrinks it around the centre (maskable icons keep to the safe zone). */
function mark(scale: number, rounded: boolean): string {
  const petals = Array.from({ length: 5 }, (_, i) => `<ellipse cx="50" cy="31" rx="12.5" ry="19" fill="${PETAL}" transform="rotate(${i * 72} 50 50)"/>`).join(
    '',
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">
  <rect width="100" height="100" ${rounded ? 'rx="22"' : ''} fill="${BACKGROUND}"/>
  <g transform="translate(50 50) scale(${scale}) translate(-50 -50)">${petals}<circle cx="50" cy="50" r="9" fill="${HEART}"/></g>
</svg>`;
}

const out = fileURLToPath(new URL('../public/icons/', import.meta.url));
await mkdir(out, { recursive: true });
const icons = [
  { name: 'icon-192.png', size: 192, svg: mark(0.9, true) },
  { name: 'icon-512.png', size: 512, svg: mark(0.9, true) },
  // The whole square is painted; the mark stays within the middle 80 %.
  { name: 'icon-maskable-512.png', size: 512, svg: mark(0.72, false) },
  { name: 'apple-touch-icon-180.png', size: 180, svg: mark(0.78, false) },
];
for (const icon of icons) {
  const png = await sharp(Buffer.from(icon.svg), { density: (72 * icon.size) / 100 })
    .resize(icon.size, icon.size)
    .png({ compressionLevel: 9, palette: true })
    .toBuffer();
  await writeFile(`${out}${icon.name}`, png);
}
await writeFile(`${out}icon.svg`, mark(0.9, true));
process.stdout.write(`icons written to ${out}\n`);
