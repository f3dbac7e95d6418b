/**
 * Imported first by main.ts: zod (the contract's schemas, shared/ipc.ts) probes whether it may
 * compile validators with `new Function`, which the window's Content-Security-Policy refuses
 * (script-src without 'unsafe-eval'), raising a violation on every load. Jitless mode skips the
 * probe and validates by interpretation, which is all the page needs.
 */
import { z } from 'zod';

z.config({ jitless: true });
