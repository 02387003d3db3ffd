import { createHash } from 'node:crypto';
import { DomainError } from '@petalpost/contracts';
import sharp from 'sharp';

export const IMAGE_FORMATS = ['jpeg', 'png', 'webp'] as const;
export type ImageFormat = (typeof IMAGE_FORMATS)[number];

export const EXTENSION_OF: Record<ImageFormat, string> = { jpeg: 'jpg', png: 'png', webp: 'webp' };
export const CONTENT_TYPE_OF: Record<ImageFormat, string> = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp' };

export const THUMBNAIL_SIZE = 320;

/** An upload that passed every check, with the versions derived from it. */
export interface InspectedImage {
  sha256: string;
  format: ImageFormat;
  width: number;
  height: number;
  original: Buffer;
  /** Re-encoded without any metadata (no EXIF location), upright: what everyone but staff sees. */
  clean: Buffer;
  /** WebP, at most THUMBNAIL_SIZE on its longer side, without metadata. */
  thumbnail: Buffer;
}

export interface InspectionLimits {
  maxPixels: number;
}

/** HEIF-family brands whose pictures are HEVC-coded (HEIC), as opposed to AV1 (AVIF). */
const HEIC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs']);

/** The brands of an ISO-BMFF `ftyp` box at the start of the bytes, or none. */
function ftypBrands(bytes: Buffer): string[] {
  if (bytes.length < 16 || bytes.toString('latin1', 4, 8) !== 'ftyp') return [];
  const boxSize = Math.min(bytes.readUInt32BE(0), bytes.length, 256);
  const brands = [bytes.toString('latin1', 8, 12)];
  for (let offset = 16; offset + 4 <= boxSize; offset += 4) brands.push(bytes.toString('latin1', offset, offset + 4));
  return brands;
}

export function looksLikeHeic(bytes: Buffer): boolean {
  return ftypBrands(bytes).some((brand) => HEIC_BRANDS.has(brand));
}

/** Signatures of the formats we take, to tell a damaged photo from something that is no photo at all. */
function hasImageSignature(bytes: Buffer): boolean {
  return (
    (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) ||
    (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) ||
    (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP')
  );
}

const refuse = (code: string, message: string, details?: Record<string, unknown>) => new DomainError('invalid', code, message, details);

const heicRefused = () =>
  refuse('UNSUPPORTED_IMAGE_FORMAT', 'HEIC photos cannot be decoded here: send JPEG, PNG or WebP (iPhones: Settings › Camera › Formats › Most Compatible)', {
    format: 'heic',
    accepted: [...IMAGE_FORMATS],
  });

/**
 * Checks an upload by its content, never its name or declared type: the real format from the
 * bytes, a size in pixels below the limit (decompression bombs), and a full decode, which is
 * what proves the image is real. Throws a DomainError naming the reason; returns the original
 * with its clean version and thumbnail otherwise.
 */
export async function inspectImage(bytes: Buffer, limits: InspectionLimits): Promise<InspectedImage> {
  if (bytes.length === 0) throw refuse('NOT_AN_IMAGE', 'the file is empty');
  // libvips reads a HEIC's header but the bundled libheif decodes no HEVC: refuse it by name up front.
  if (looksLikeHeic(bytes)) throw heicRefused();

  let metadata: sharp.Metadata;
  try {
    metadata = await sharp(bytes).metadata();
  } catch {
    throw hasImageSignature(bytes)
      ? refuse('CORRUPT_IMAGE', 'the file starts like an image but cannot be read')
      : refuse('NOT_AN_IMAGE', 'the file is not an image (its content matches no image format)');
  }

  const format = metadata.format as string;
  if (!IMAGE_FORMATS.includes(format as ImageFormat)) {
    const named = format === 'heif' ? (metadata.compression === 'av1' ? 'avif' : 'heif') : format;
    throw refuse('UNSUPPORTED_IMAGE_FORMAT', `${named.toUpperCase()} images are not accepted: send JPEG, PNG or WebP`, {
      format: named,
      accepted: [...IMAGE_FORMATS],
    });
  }
  const { width, height } = metadata;
  if (!width || !height) throw refuse('CORRUPT_IMAGE', 'the image declares no size');
  if (width * height > limits.maxPixels) {
    throw refuse('IMAGE_TOO_MANY_PIXELS', `the image is ${width}×${height} pixels; at most ${limits.maxPixels} pixels are accepted`, {
      width,
      height,
      maxPixels: limits.maxPixels,
    });
  }

  const imageFormat = format as ImageFormat;
  // failOn 'error': a truncated file is refused rather than stored half-grey; phones' minor warnings pass.
  const decode = () => sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: 'error' }).rotate();
  let clean: Buffer;
  let thumbnail: Buffer;
  try {
    clean = await decode()
      .toFormat(imageFormat, imageFormat === 'png' ? {} : { quality: 90 })
      .toBuffer();
    thumbnail = await decode().resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 80 }).toBuffer();
  } catch (err) {
    throw refuse('CORRUPT_IMAGE', `the ${imageFormat.toUpperCase()} image cannot be decoded: ${(err as Error).message}`);
  }
  // Width and height as seen: an EXIF orientation of 90° swaps them.
  const upright = (metadata.orientation ?? 1) >= 5;
  return {
    sha256: createHash('sha256').update(bytes).digest('hex'),
    format: imageFormat,
    width: upright ? height : width,
    height: upright ? width : height,
    original: bytes,
    clean,
    thumbnail,
  };
}
