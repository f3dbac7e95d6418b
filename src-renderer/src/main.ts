/** Renderer entry: the Vue app with its Pinia store registry and the global styles. */
import './zod-jitless'; // first: before any zod schema is built (see the file)
import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import './styles.css';

createApp(App).use(createPinia()).mount('#app');
