import { DomainError } from '@petalpost/contracts';
import sharp from 'sharp';
import { inspectImage, looksLikeHeic } from './image-inspection';

const limits = { maxPixels: 1_000_000 };
const refusal = async (bytes: Buffer) => {
  const error = await inspectImage(bytes, limits).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
};
const heicHeader = (brands: string) => {
  const box = Buffer.from(`\0\0\0\0ftyp${brands}`, 'latin1');
  box.writeUInt32BE(box.length, 0);
  return Buffer.concat([box, Buffer.alloc(64)]);
};

describe('inspecting an upload by its content', () => {
  it('recognises HEIC by the brands of its ftyp box, and not AVIF', async () => {
    expect(looksLikeHeic(heicHeader('heic\0\0\0\0mif1heic'))).toBe(true);
    expect(looksLikeHeic(heicHeader('mif1\0\0\0\0mif1heix'))).toBe(true);
    const avif = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } })
      .avif()
      .toBuffer();
    expect(looksLikeHeic(avif)).toBe(false);
    expect(looksLikeHeic(Buffer.from('ftyp but not at offset 4'))).toBe(false);
  });

  it('names the format it refuses: AVIF, SVG, TIFF', async () => {
    const canvas = () => sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } });
    expect(await refusal(await canvas().avif().toBuffer())).toMatchObject({ code: 'UNSUPPORTED_IMAGE_FORMAT', details: { format: 'avif' } });
    expect(await refusal(await canvas().tiff().toBuffer())).toMatchObject({ code: 'UNSUPPORTED_IMAGE_FORMAT', details: { format: 'tiff' } });
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>');
    expect(await refusal(svg)).toMatchObject({ code: 'UNSUPPORTED_IMAGE_FORMAT', details: { format: 'svg' } });
  });

  it('tells a damaged photo from something that is no photo at all', async () => {
    expect(await refusal(Buffer.alloc(0))).toMatchObject({ code: 'NOT_AN_IMAGE' });
    expect(await refusal(Buffer.from('%PDF-1.7 not a bouquet'))).toMatchObject({ code: 'NOT_AN_IMAGE' });
    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#f0f' } })
      .png()
      .toBuffer();
    expect(await refusal(png.subarray(0, 20))).toMatchObject({ code: 'CORRUPT_IMAGE' });
  });

  it('refuses an image whose declared size exceeds the pixel limit before decoding it', async () => {
    const huge = await sharp({ create: { width: 1001, height: 1000, channels: 3, background: '#000' } })
      .png()
      .toBuffer();
    expect(await refusal(huge)).toMatchObject({ code: 'IMAGE_TOO_MANY_PIXELS', details: { width: 1001, height: 1000, maxPixels: 1_000_000 } });
  });

  it('hashes the original bytes and strips every metadata from the clean version and the thumbnail', async () => {
    const bytes = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#0a0' } })
      .jpeg()
      .withExif({ IFD0: { Copyright: 'Petal' }, IFD3: { GPSMapDatum: 'WGS-84' } })
      .toBuffer();
    const image = await inspectImage(bytes, limits);
    expect(image.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(image).toMatchObject({ format: 'jpeg', width: 40, height: 30 });
    expect(image.original).toBe(bytes);
    for (const derived of [image.clean, image.thumbnail]) expect((await sharp(derived).metadata()).exif).toBeUndefined();
  });
});
