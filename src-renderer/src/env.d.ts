/** Ambient types for the renderer. */

declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}

interface Window {
  /** Present inside the Electron app (src-main/preload.ts); undefined in a plain browser. */
  readonly mlpLab?: import('../../shared/bridge').MlpLabBridge;
}
