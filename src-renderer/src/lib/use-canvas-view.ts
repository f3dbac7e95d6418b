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
