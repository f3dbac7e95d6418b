/** Number and time formatting for read-outs. */

/** A number with `digits` significant digits, switching to exponent form when very small or large. */
export function num(v: number | undefined | null, digits = 4): string {
  if (v === undefined || v === null || Number.isNaN(v)) return '–';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(Math.max(0, digits - 1));
  return Number(v.toPrecision(digits)).toString();
}

/** A fraction as a percentage with one decimal. */
export function percent(v: number | undefined): string {
  return v === undefined || Number.isNaN(v) ? '–' : `${(v * 100).toFixed(1)}%`;
}

/** A whole number with thousands separators. */
export function count(v: number): string {
  return Math.round(v).toLocaleString('en-US');
}

/** Seconds as m:ss or h:mm:ss. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
