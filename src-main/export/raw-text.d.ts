/** Vite's `?raw` import (electron-vite builds and vitest both resolve it): the file's text. */
declare module '*?raw' {
  const text: string;
  export default text;
}
