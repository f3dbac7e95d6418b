/**
 * What every canvas view needs: its width following its container (between 100 px and `max`),
 * and redraws coalesced into one per animation frame however many inputs change at once.
 */
import { onBeforeUnmount, onMounted, type Ref, ref } from 'vue';

/** A view's width and its redraw scheduler. */
export interface CanvasView {
  /** The drawing width in CSS pixels. */
  width: Ref<number>;
  /** Asks for a redraw at the next animation frame (once, however often called). */
  schedule(): void;
}

/** Wires `render` to animation frames and `box`'s size; cleans up when the component goes. */
export function useCanvasView(box: Ref<HTMLElement | null>, render: () => void, initial: number, max: number): CanvasView {
  const width = ref(initial);
  let raf = 0;
  const frame = () => {
    raf = 0;
    render();
  };
  const schedule = () => {
    if (!raf) raf = requestAnimationFrame(frame);
  };
  let observer: ResizeObserver | null = null;
  onMounted(() => {
    observer = new ResizeObserver(([entry]) => {
      const w = Math.floor(entry.contentRect.width);
      if (w > 100) width.value = Math.min(max, w);
    });
    if (box.value) observer.observe(box.value);
    schedule();
  });
  onBeforeUnmount(() => {
    observer?.disconnect();
    if (raf) cancelAnimationFrame(raf);
  });
  return { width, schedule };
}

/** Space around a plot area, in CSS pixels. */
export interface Margin {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** A plot area: its size and the maps from data x and y to canvas pixels (y grows upwards). */
export interface PlotArea {
  pw: number;
  ph: number;
  X(x: number): number;
  Y(y: number): number;
}

/**
 * The plot area of a W x H canvas inside `m` for data ranges [x0, x1] and [y0, y1], with the
 * context saved and clipped to it (the caller restores).
 */
export function clipPlotArea(
  ctx: CanvasRenderingContext2D, W: number, H: number, m: Margin,
  [x0, x1]: readonly [number, number], [y0, y1]: readonly [number, number],
): PlotArea {
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  ctx.save();
  ctx.beginPath();
  ctx.rect(m.left, m.top, pw, ph);
  ctx.clip();
  return {
    pw,
    ph,
    X: (x) => m.left + ((x - x0) / (x1 - x0)) * pw,
    Y: (y) => m.top + ((y1 - y) / (y1 - y0)) * ph,
  };
}
