/** Renderer entry: the Vue app with its Pinia store registry. */
import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';

createApp(App).use(createPinia()).mount('#app');
