import { findChromium, launchChromium, startServer } from '../test/e2e/harness';
import { openLab, setNumber, shownStep, waitFor } from '../test/e2e/lab-page';
import { digitsLab, mnistLab } from '../test/e2e/image-labs';
const which = process.argv[2] ?? 'digits';
const server = await startServer({ threads: 2 });
const browser = await launchChromium(findChromium()!);
const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
try {
  await openLab(page, server.url);
  if (which === 'digits') await digitsLab(page, server);
  else if (which === 'mnist') await mnistLab(page, server);
  else await setNumber(page, 'Steps', 10_000_000);
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await waitFor(async () => (await shownStep(page)) > 0, 'training', 60000);
  await page.waitForTimeout(2000);
  await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
  await page.waitForTimeout(6000);
  const buf = await browser.stopTracing();
  const trace = JSON.parse(buf.toString()) as { traceEvents: any[] };
  const _main = trace.traceEvents.filter((e) => e.name === 'RunTask' && e.dur);
  // Main thread of the renderer: the thread with the most RunTask time among CrRendererMain
  const names = new Map<string, string>();
  for (const e of trace.traceEvents) if (e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args.name);
  const sum = new Map<string, number>();
  const long: number[] = [];
  for (const e of trace.traceEvents) {
    const th = names.get(`${e.pid}:${e.tid}`);
    if (th !== 'CrRendererMain' || !e.dur) continue;
    if (e.name === 'RunTask' && e.dur > 50000) long.push(e.dur / 1000);
    sum.set(e.name, (sum.get(e.name) ?? 0) + e.dur / 1000);
  }
  console.log('long tasks', long.map((x) => x.toFixed(0)).join(' '));
  const mainEv = trace.traceEvents.filter((e) => names.get(`${e.pid}:${e.tid}`) === 'CrRendererMain' && e.dur);
  for (const t of mainEv.filter((e) => e.name === 'RunTask' && e.dur > 50000)) {
    const kids = mainEv.filter((e) => e !== t && e.ts >= t.ts && e.ts + e.dur <= t.ts + t.dur && e.dur > 3000);
    console.log(`task ${(t.dur / 1000).toFixed(0)}:`, kids.map((k) => `${k.name}${k.args?.data?.functionName ? '(' + k.args.data.functionName + ')' : ''}${k.args?.data?.url ? '[' + String(k.args.data.url).split('/').pop() + ':' + k.args.data.lineNumber + ']' : ''} ${(k.dur / 1000).toFixed(0)}`).join(', '));
  }
  for (const [k, v] of [...sum].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(v.toFixed(0).padStart(7), k);
  const threads = new Map<string, number>();
  for (const e of trace.traceEvents) { if (e.name === 'RunTask' && e.dur) { const th = names.get(`${e.pid}:${e.tid}`) ?? '?'; threads.set(th, (threads.get(th) ?? 0) + e.dur / 1000); } }
  console.log([...threads].map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', '));
} finally { await browser.close(); await server.close(); }
