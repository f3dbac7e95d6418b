/**
 * KaTeX rendering for the learning aids. Formulas are our own constant strings; KaTeX escapes
 * what it renders and never evaluates code (the CSP forbids eval anyway).
 *
 * Rendered into the element with `katex.render`, which builds the DOM and sets each element's
 * sizes through the CSSOM (`element.style.height = ...`). `renderToString` + `v-html` would put
 * the same sizes in `style="..."` attributes, which the window's CSP (no inline styles) refuses:
 * the struts that set each formula's height and the fraction bars would collapse.
 */
import katex from 'katex';
import 'katex/dist/katex.min.css';

/** Renders a TeX formula into `element` (HTML, with MathML for screen readers); errors show the source in red. */
export function renderTexInto(element: HTMLElement, tex: string, display = false): void {
  katex.render(tex, element, { displayMode: display, throwOnError: false, output: 'htmlAndMathml', strict: 'ignore' });
}
