/**
 * The Export menu's ONNX and PyTorch items in a browser (issue 20): after a run, "ONNX model"
 * downloads a model ONNX Runtime loads, with the lab's input named x and one output per class
 * probability; "PyTorch training folder (.zip)" downloads a zip holding train.py and the setup's
 * config. (The numbers themselves are pinned in test/main/app/model-export.test.ts.)
 */
import { readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import * as ort from 'onnxruntime-web';
import type { Download, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { menuItem, notice, runsEnded, setNumber } from './lab-page';
import { noBrowser, requireBrowser, useLab } from './setup';

requireBrowser();

async function downloaded(page: Page, act: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }) as Promise<Download>, act()]);
  return { name: download.suggestedFilename(), bytes: readFileSync(await download.path()) };
}

describe.skipIf(noBrowser)('ONNX and PyTorch from the Export menu', () => {
  const lab = useLab();

  it('downloads a run\'s ONNX model and the setup\'s PyTorch folder', async () => {
    const { page, errors } = lab.get();
    await setNumber(page, 'Steps', 200);
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await runsEnded(page, 1);

    const model = await downloaded(page, () => menuItem(page, 'Export', /^ONNX model float32/));
    expect(model.name).toMatch(/\.onnx$/);
    await notice(page, /Exported the ONNX model of run 1 as/, 'the ONNX export');
    ort.env.wasm.numThreads = 1;
    const session = await ort.InferenceSession.create(new Uint8Array(model.bytes));
    expect(session.inputNames).toEqual(['x']);
    expect(session.outputNames).toEqual(['y']);
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from([0.5, -0.5]), [1, 2]) });
    const p = (out['y'].data as Float32Array)[0];
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(1);
    await session.release();

    const zip = await downloaded(page, () => menuItem(page, 'Export', /^PyTorch training folder/));
    expect(zip.name).toMatch(/-pytorch\.zip$/);
    const files = Object.keys(unzipSync(new Uint8Array(zip.bytes)));
    const folder = zip.name.replace(/\.zip$/, '');
    expect(files).toEqual(expect.arrayContaining([`${folder}/train.py`, `${folder}/config.json`, `${folder}/initial-weights.json`, `${folder}/train-x.npy`]));
    expect(errors).toEqual([]);
  });
});
