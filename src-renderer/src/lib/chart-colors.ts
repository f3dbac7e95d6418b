/**
 * Colours the ECharts charts (cost, evidence, curvature) give their axis tick labels. ECharts 6
 * draws them in its own dark grey (#54555a, its `neutral70` token) whatever the chart's text colour,
 * which is hard to read on the dark theme's panels; these are the app's muted text colours
 * (styles.css `--muted`).
 */

/** The tick-label colour on the light or dark theme, a CSS colour string. */
export function axisLabelColor(dark: boolean): string {
  return dark ? '#9aa4b2' : '#5d6673';
}
