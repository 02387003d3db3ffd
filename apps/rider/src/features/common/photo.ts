/** The longest side a photo is sent at: enough to see a door number, small enough for a weak network. */
export const MAX_PHOTO_SIDE = 1600;

/** The size a photo is drawn at so that its longer side is at most `max` (never enlarged). */
export function fitWithin(width: number, height: number, max = MAX_PHOTO_SIDE): { width: number; height: number } {
  const scale = Math.min(1, max / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/**
 * The camera's photo as a JPEG of at most 1600 px on its longer side, turned upright (the
 * browser applies the EXIF orientation when decoding), before it is kept in the outbox.
 */
export async function downscalePhoto(file: Blob): Promise<Blob> {
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  const { width, height } = fitWithin(bitmap.width, bitmap.height);
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  canvas.getContext('2d')?.drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('photo not encoded'))), 'image/jpeg', 0.85));
}
