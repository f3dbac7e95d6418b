/**
 * KaTeX rendering for the learning aids. Formulas are our own constant strings; KaTeX escapes
 * what it renders and never evaluates code (the CSP forbids eval anyway). Results are cached.
 */
import katex from 'katex';
import 'katex/dist/katex.min.css';

const cache = new Map<string, string>();

/** HTML (with MathML for screen readers) for a TeX formula; errors show the source in red. */
export function renderTex(tex: string, display = false): string {
  const key = `${display ? 'D' : 'I'}${tex}`;
  let html = cache.get(key);
  if (html === undefined) {
    html = katex.renderToString(tex, { displayMode: display, throwOnError: false, output: 'htmlAndMathml', strict: 'ignore' });
    cache.set(key, html);
  }
  return html;
}
