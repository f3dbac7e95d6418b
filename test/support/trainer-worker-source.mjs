// The trainer worker from its TypeScript source, for `npm run test:unit` (no build): tsx
// compiles it as it loads. `npm test` runs the built out/main/trainer-worker.js instead.
import { register } from 'tsx/esm/api';

register();
await import('../../src-main/training/trainer-worker.ts');
