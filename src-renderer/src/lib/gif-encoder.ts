/**
 * The learning animation as an animated GIF: RGBA frames in, file bytes out, by gifenc. One
 * global palette of up to 256 colours is chosen over all frames together, so a colour keeps its
 * index from frame to frame; every pixel takes its nearest palette colour. The views are flat
 * colour fields, lines and dots, so 256 colours lose little.
 */
import { applyPalette, GIFEncoder, quantize } from 'gifenc';

/** One frame: width x height RGBA pixels (alpha ignored) and how long it shows. */
export interface GifFrame {
  rgba: Uint8Array | Uint8ClampedArray;
  /** Display time in milliseconds (rounded to GIF's hundredths of a second, at least 20 ms). */
  delayMs: number;
}

/** Options of an encoding. */
export interface GifOptions {
  /** Times the animation plays again after the first: 0 = for ever (the default). */
  loop?: number;
}

/** Encodes frames of width x height pixels as an animated GIF89a file. */
export function encodeGif(width: number, height: number, frames: readonly GifFrame[], options: GifOptions = {}): Uint8Array {
  if (!(width > 0 && height > 0 && width < 65536 && height < 65536)) throw new RangeError(`a GIF is 1 to 65535 pixels wide and high, got ${width} x ${height}`);
  if (frames.length === 0) throw new RangeError('a GIF needs at least one frame');
  for (const f of frames) if (f.rgba.length !== width * height * 4) throw new RangeError(`every frame must have ${width * height * 4} RGBA bytes, got ${f.rgba.length}`);
  const all = new Uint8Array(frames.length * width * height * 4);
  frames.forEach((f, i) => all.set(f.rgba, i * f.rgba.length));
  const palette = quantize(all, 256);
  const gif = GIFEncoder();
  frames.forEach((f, i) => {
    gif.writeFrame(applyPalette(f.rgba, palette), width, height, {
      ...(i === 0 ? { palette, repeat: options.loop ?? 0 } : {}),
      delay: Math.max(20, f.delayMs),
    });
  });
  gif.finish();
  return gif.bytes();
}
