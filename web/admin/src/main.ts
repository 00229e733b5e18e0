import * as Icons from '@element-plus/icons-vue';
import { onUnauthorized } from '@kilowatt/api/http';
import ElementPlus, { ElMessage } from 'element-plus';
import 'element-plus/dist/index.css';
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { i18n } from './i18n';
import { installErrorPresenter } from './lib/errors';
import { router } from './router';
import { useAuthStore } from './stores/auth';
import './styles/main.css';

installErrorPresenter(); // failed requests are shown once, by the client, in the user's language
const app = createApp(App);
const pinia = createPinia();
app.use(pinia).use(i18n).use(router).use(ElementPlus);
for (const [name, component] of Object.entries(Icons)) app.component(name, component);

// The one reaction to a token the server no longer accepts (called once however many requests
// were waiting): forget the session and go to the login page, coming back here afterwards.
onUnauthorized(() => {
  const auth = useAuthStore(pinia);
  auth.clear();
  const current = router.currentRoute.value;
  if (current.name !== 'login') {
    ElMessage({ type: 'warning', message: i18n.global.t('login.expired'), grouping: true });
    router.replace({ name: 'login', query: { redirect: current.fullPath } });
  }
});

app.mount('#app');
