import { findChromium, launchChromium, startServer } from '../test/e2e/harness';
import { openLab, shownStep, waitFor } from '../test/e2e/lab-page';
import { digitsLab } from '../test/e2e/image-labs';
const server = await startServer({ threads: 2 });
const browser = await launchChromium(findChromium()!);
const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
page.on('console', (m) => console.log('console', m.type(), m.text()));
page.on('pageerror', (e) => console.log('pageerror', e.message));
try {
  await openLab(page, server.url);
  console.log(await digitsLab(page, server));
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await waitFor(async () => (await shownStep(page)) > 100, 'training');
  await page.waitForTimeout(3000);
  await page.screenshot({ path: "/tmp/w18/digits.png", fullPage: true }); await page.locator(".diagram").screenshot({ path: "/tmp/w18/diagram.png" });
} finally { await browser.close(); await server.close(); }
