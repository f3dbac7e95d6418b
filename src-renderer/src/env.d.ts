/** Ambient types for the renderer. */

declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}

/** What src-main/preload.ts exposes on `window.mlpLab`. */
interface MlpLabBridge {
  /** The app version from package.json, e.g. "0.1.0". */
  readonly version: string;
  /** Node's `process.platform` of the desktop app: "win32", "darwin", "linux", ... */
  readonly platform: string;
}

interface Window {
  /** Present inside the Electron app; undefined when the UI runs in a plain browser. */
  readonly mlpLab?: MlpLabBridge;
}
