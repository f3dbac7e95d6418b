/** Renderer entry: the Vue app with its Pinia store registry and the global styles. */
import './zod-jitless'; // first: before any zod schema is built (see the file)
import { createApp } from 'vue';
import { createPinia } from 'pinia';
import { loadKernelsAsync } from '@shared/engine/kernel-backend';
import App from './App.vue';
import './styles.css';
import './layout.css'; // after styles.css: where the panels sit at each window size

createApp(App).use(createPinia()).mount('#app');
// The engine's WebAssembly kernels (issue 17), for the renderer's own forward passes (heatmaps,
// read-outs); the plain kernels, which give the same bits, serve until they are ready.
// The backend in use is shown on <html data-kernels> (the end-to-end tests read it).
void loadKernelsAsync().then((backend) => {
  document.documentElement.dataset.kernels = backend;
});
