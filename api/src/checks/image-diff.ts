/**
 * Compares two screenshots with pixelmatch (anti-aliased pixels are not counted). Full-page shots can differ in
 * size: both are laid on a canvas of the larger width and height, the missing part painted a colour no page is,
 * so a page that grew or shrank counts the difference as changed. The diff image is pixelmatch's: changed pixels
 * red over a faded baseline.
 */
import type pixelmatchModule from 'pixelmatch' with { 'resolution-mode': 'import' };
import { PNG } from 'pngjs';

// An ES module: required (Node 24 loads it synchronously), its type imported as one.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pixelmatch = (require('pixelmatch') as { default: typeof pixelmatchModule }).default;

export interface ImageDiff {
  changedPixels: number;
  totalPixels: number;
  /** The box around every changed pixel; null when none changed. */
  changedRegion: { x: number; y: number; width: number; height: number } | null;
  diffPng: Buffer;
}

/** pixelmatch's per-pixel colour distance (0-1) below which a pixel counts as the same; its default. */
const COLOR_THRESHOLD = 0.1;
const DIFF_COLOR: [number, number, number] = [255, 0, 0];

/** The image on a canvas of `width` x `height`, the part it does not cover opaque magenta. */
function onCanvas(image: PNG, width: number, height: number): Uint8Array {
  if (image.width === width && image.height === height) return image.data;
  const canvas = new Uint8Array(width * height * 4);
  for (let i = 0; i < canvas.length; i += 4) {
    canvas[i] = 255;
    canvas[i + 2] = 255;
    canvas[i + 3] = 255;
  }
  for (let y = 0; y < image.height; y++) canvas.set(image.data.subarray(y * image.width * 4, (y + 1) * image.width * 4), y * width * 4);
  return canvas;
}

export function diffImages(stagingPng: Buffer, baselinePng: Buffer): ImageDiff {
  const staging = PNG.sync.read(stagingPng);
  const baseline = PNG.sync.read(baselinePng);
  const width = Math.max(staging.width, baseline.width);
  const height = Math.max(staging.height, baseline.height);
  const diff = new PNG({ width, height });
  const changedPixels = pixelmatch(onCanvas(baseline, width, height), onCanvas(staging, width, height), diff.data, width, height, {
    threshold: COLOR_THRESHOLD,
    diffColor: DIFF_COLOR,
  });
  return { changedPixels, totalPixels: width * height, changedRegion: changedPixels === 0 ? null : redBox(diff), diffPng: PNG.sync.write(diff) };
}

/** The box around the diff image's changed pixels (pure red: the faded rest is grey, anti-aliasing yellow). */
function redBox(diff: PNG): ImageDiff['changedRegion'] {
  let left = diff.width;
  let top = diff.height;
  let right = -1;
  let bottom = -1;
  const data = diff.data;
  for (let y = 0; y < diff.height; y++) {
    for (let x = 0; x < diff.width; x++) {
      const i = (y * diff.width + x) * 4;
      if (data[i] !== 255 || data[i + 1] !== 0 || data[i + 2] !== 0) continue;
      if (x < left) left = x;
      if (x > right) right = x;
      if (y < top) top = y;
      if (y > bottom) bottom = y;
    }
  }
  return right < 0 ? null : { x: left, y: top, width: right - left + 1, height: bottom - top + 1 };
}
